import { useCallback, useEffect, useState } from "react";
import { RubricPanel } from "../rubric/RubricPanel";
import { RoomSocket, socketUrl } from "../transport/socket";
import { BoardArea } from "../whiteboard/BoardArea";
import { BoardSync } from "../whiteboard/boardSync";
import { controllerChannel, httpFiles } from "../whiteboard/channel";
import { installBoardHook } from "../whiteboard/testHook";
import { ConnectionStatus } from "./ConnectionStatus";
import { RoomController, type RubricCommandInput } from "./controller";
import type { RoomConfig } from "./config";
import { ENDED_REDIRECT_MS, EndedNotice } from "./EndedNotice";
import { useRoomView } from "./hooks";
import { InterviewerControls } from "./InterviewerControls";
import { LeaveGate } from "./leaveGate";
import { PresenceList } from "./PresenceList";
import { TimerPanel } from "./TimerPanel";
import { WireTap } from "./wire";

/** The longest the redirect after the round waits for the final board images. */
export const LEAVE_WAIT_MS = 5_000;

interface Room {
  controller: RoomController;
  board: BoardSync;
}

function createRoom(config: RoomConfig): Room {
  const url = socketUrl(window.location, config.wsPath);
  const wire = new WireTap();
  const controller = new RoomController(
    (handlers) => new RoomSocket(url, handlers, { createWebSocket: wire.createWebSocket }),
    undefined,
    wire,
  );
  const board = new BoardSync(controllerChannel(controller), httpFiles(config.publicId));
  // Only in the browser tests' build; a production bundle has no trace of the hook.
  if (import.meta.env.MODE === "e2e") installBoardHook(board);
  return { controller, board };
}

/** The live room: header (title, people, connection, timer, controls), board, side panel. */
export function RoomApp({ config }: { config: RoomConfig }) {
  // Building the controller opens nothing; the effect below starts it and closes it on
  // cleanup, so StrictMode's mount → unmount → mount leaves exactly one socket open.
  const [{ controller, board }] = useState(() => createRoom(config));
  useEffect(() => {
    board.start(); // listening before the first snapshot arrives
    controller.start();
    return () => {
      controller.stop();
      board.stop();
    };
  }, [controller, board]);
  return <RoomScreen controller={controller} config={config} board={board} />;
}

interface RoomScreenProps {
  controller: RoomController;
  config: RoomConfig;
  /** The shared board; without it the region shows a placeholder. */
  board?: BoardSync;
}

/** Everything the room shows, for a running controller. */
export function RoomScreen({ controller, config, board }: RoomScreenProps) {
  const view = useRoomView(controller);
  const { room, connection, error } = view;
  const sendTracked = useCallback(
    (command: RubricCommandInput) => controller.sendTracked(command),
    [controller],
  );
  const role = room.me?.role ?? config.role;
  const [gate] = useState(() => new LeaveGate());

  useEffect(() => {
    if (room.ended !== "during-session") return undefined;
    let cancelled = false;
    // Leave once the notice has been seen and the final board images are saved, but no
    // later than LEAVE_WAIT_MS after the round ended.
    const id = window.setTimeout(() => {
      void gate.settled(LEAVE_WAIT_MS - ENDED_REDIRECT_MS).then(() => {
        if (!cancelled) window.location.assign(config.roundUrl);
      });
    }, ENDED_REDIRECT_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(id);
    };
  }, [room.ended, config.roundUrl, gate]);

  return (
    <div className="room">
      <header className="room-header">
        <div className="room-header__info">
          <h1 className="room-title">{room.interview?.title ?? "Interview room"}</h1>
          <ConnectionStatus connection={connection} />
          <PresenceList presence={room.presence} />
        </div>
        <TimerPanel controller={controller} timer={room.timer} agenda={room.agenda} />
        {role === "interviewer" && room.interview && room.timer && room.ended === "no" ? (
          <InterviewerControls
            interview={room.interview}
            timer={room.timer}
            agenda={room.agenda}
            send={(command) => controller.send(command)}
          />
        ) : null}
        <div className="room-alert" role="alert">
          {error ? (
            <>
              <span>{error.text}</span>
              <button type="button" className="secondary button-small" onClick={() => controller.dismissError()}>
                Dismiss
              </button>
            </>
          ) : null}
        </div>
      </header>
      <EndedNotice ended={room.ended} roundUrl={config.roundUrl} />
      <div className="room-body">
        {board ? (
          <BoardArea
            sync={board}
            controller={controller}
            publicId={config.publicId}
            me={room.me}
            presence={room.presence}
            readOnly={room.readOnly}
            ended={room.ended}
            gate={gate}
          />
        ) : (
          <section aria-label="Whiteboard" className="room-board">
            <p className="room-placeholder">The shared whiteboard appears here.</p>
          </section>
        )}
        {/* Focusable so the panel can be scrolled from the keyboard when it holds no controls. */}
        <aside aria-label="Rubric and notes" className="room-side" tabIndex={0}>
          <h2 className="room-side__title">Rubric and notes</h2>
          <RubricPanel view={view} send={sendTracked} />
        </aside>
      </div>
    </div>
  );
}
