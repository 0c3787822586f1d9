import { useEffect, useState } from "react";
import { RoomSocket, socketUrl } from "../transport/socket";
import { ConnectionStatus } from "./ConnectionStatus";
import { RoomController } from "./controller";
import type { RoomConfig } from "./config";
import { ENDED_REDIRECT_MS, EndedNotice } from "./EndedNotice";
import { useRoomView } from "./hooks";
import { InterviewerControls } from "./InterviewerControls";
import { PresenceList } from "./PresenceList";
import { TimerPanel } from "./TimerPanel";

function createController(config: RoomConfig): RoomController {
  const url = socketUrl(window.location, config.wsPath);
  return new RoomController((handlers) => new RoomSocket(url, handlers));
}

/** The live room: header (title, people, connection, timer, controls), board, side panel. */
export function RoomApp({ config }: { config: RoomConfig }) {
  // Building the controller opens nothing; the effect below starts it and closes it on
  // cleanup, so StrictMode's mount → unmount → mount leaves exactly one socket open.
  const [controller] = useState(() => createController(config));
  useEffect(() => {
    controller.start();
    return () => controller.stop();
  }, [controller]);
  return <RoomScreen controller={controller} config={config} />;
}

/** Everything the room shows, for a running controller. */
export function RoomScreen({ controller, config }: { controller: RoomController; config: RoomConfig }) {
  const { room, connection, error } = useRoomView(controller);
  const role = room.me?.role ?? config.role;

  useEffect(() => {
    if (room.ended !== "during-session") return undefined;
    const id = window.setTimeout(() => window.location.assign(config.roundUrl), ENDED_REDIRECT_MS);
    return () => window.clearTimeout(id);
  }, [room.ended, config.roundUrl]);

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
        <section aria-label="Whiteboard" className="room-board">
          <p className="room-placeholder">The shared whiteboard appears here.</p>
        </section>
        <aside aria-label="Rubric and notes" className="room-side">
          <h2 className="room-side__title">Rubric and notes</h2>
          <p className="room-placeholder">The rubric and your private notes appear here.</p>
        </aside>
      </div>
    </div>
  );
}
