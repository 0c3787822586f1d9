import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { defaultTab, PanelTabs, panelId, tabsFor, type PanelTab } from "../rubric/PanelTabs";
import { RubricPanel } from "../rubric/RubricPanel";
import { RoomSocket, socketUrl } from "../transport/socket";
import { BoardArea } from "../whiteboard/BoardArea";
import { BoardSync } from "../whiteboard/boardSync";
import { controllerChannel, httpFiles } from "../whiteboard/channel";
import { installBoardHook } from "../whiteboard/testHook";
import { PresenceAnnouncer, roomAnnouncements } from "./announce";
import { ConnectionStatus } from "./ConnectionStatus";
import { RoomController, type RubricCommandInput } from "./controller";
import type { RoomConfig } from "./config";
import { ENDED_REDIRECT_MS, EndedNotice } from "./EndedNotice";
import { useRoomView } from "./hooks";
import { InterviewerControls } from "./InterviewerControls";
import { clampSide, NARROW_QUERY, SIDE_DEFAULT_PX, SIDE_MAX_PX, SIDE_MIN_PX, sideAfterKey } from "./layout";
import { LeaveGate } from "./leaveGate";
import { PresenceList } from "./PresenceList";
import type { RoomState } from "./store";
import { newTabId, withTabId } from "./tabId";
import { TimerPanel } from "./TimerPanel";
import { WireTap } from "./wire";

/** The longest the redirect after the round waits for the final board images. */
export const LEAVE_WAIT_MS = 5_000;

interface Room {
  controller: RoomController;
  board: BoardSync;
}

function createRoom(config: RoomConfig): Room {
  // Reconnects of this page share its tab id (see tabId.ts).
  const url = withTabId(socketUrl(window.location, config.wsPath), newTabId());
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

function subscribeMedia(listener: () => void): () => void {
  const list = window.matchMedia?.(NARROW_QUERY);
  list?.addEventListener?.("change", listener);
  return () => list?.removeEventListener?.("change", listener);
}

function isNarrow(): boolean {
  return typeof window !== "undefined" && window.matchMedia?.(NARROW_QUERY).matches === true;
}

/** True on a phone-sized screen (panels become sheets over the board). */
function useNarrow(): boolean {
  return useSyncExternalStore(subscribeMedia, isNarrow, () => false);
}

/** Room changes said within this time of each other are joined into one text. */
const ANNOUNCE_MERGE_MS = 1_000;

interface Announcement {
  id: number;
  text: string;
}

/**
 * The polite live region's text: phase changes, the prompt reveal, people joining and
 * leaving (see announce.ts), and what the controls report.
 */
function useAnnouncer(room: RoomState): [Announcement, (text: string) => void] {
  const [said, setSaid] = useState<Announcement>({ id: 0, text: "" });
  const previous = useRef(room);
  const lastAt = useRef(0);
  // Changes close together (the round starting, then its timer) are said together: a
  // screen reader may skip a text replaced before it was read.
  const announce = useCallback((text: string) => {
    const now = Date.now();
    const recent = now - lastAt.current < ANNOUNCE_MERGE_MS;
    lastAt.current = now;
    setSaid((last) => ({ id: last.id + 1, text: recent && last.text ? `${last.text} ${text}` : text }));
  }, []);
  const [presence] = useState(() => new PresenceAnnouncer());
  useEffect(() => {
    presence.listen(announce);
    return () => presence.stop();
  }, [presence, announce]);
  useEffect(() => {
    const before = previous.current;
    previous.current = room;
    const { lines, presence: changes } = roomAnnouncements(before, room);
    const all = [...lines, ...presence.take(changes)];
    if (all.length) announce(all.join(" "));
  }, [room, announce, presence]);
  return [said, announce];
}

/** Everything the room shows, for a running controller. */
export function RoomScreen({ controller, config, board }: RoomScreenProps) {
  const view = useRoomView(controller);
  const { room, connection, error } = view;
  const sendTracked = useCallback(
    (command: RubricCommandInput) => controller.sendTracked(command),
    [controller],
  );
  const role = room.me?.role ?? config.role ?? "candidate";
  const [gate] = useState(() => new LeaveGate());
  const narrow = useNarrow();
  const [said] = useAnnouncer(room);
  // What the controls report (a changed button, moved focus): its own polite region, so it
  // never overwrites a room change said in the same moment.
  const [controlSaid, setControlSaid] = useState<Announcement>({ id: 0, text: "" });
  const announce = useCallback((text: string) => setControlSaid((last) => ({ id: last.id + 1, text })), []);
  const endedRef = useRef<HTMLDivElement>(null);

  // The side panel: which tab, open or collapsed (phones start with the board alone), width.
  const [tab, setTab] = useState<PanelTab>(() => defaultTab(role));
  const [open, setOpen] = useState(() => !isNarrow());
  const [sideWidth, setSideWidth] = useState(SIDE_DEFAULT_PX);
  const tabs = tabsFor(role);
  const activeTab: PanelTab = tabs.includes(tab) ? tab : "prompt";
  const reveal = useCallback((next: PanelTab) => {
    setTab(next);
    setOpen(true);
  }, []);
  const selectTab = (next: PanelTab) => {
    // On a phone the tabs open and close their sheet.
    if (narrow && open && next === activeTab) setOpen(false);
    else reveal(next);
  };

  useEffect(() => {
    if (room.ended !== "during-session") return undefined;
    let cancelled = false;
    // Whatever had focus (the controls) is gone: the notice takes it.
    endedRef.current?.focus();
    // Leave once the notice has been seen and the final board images are saved, but no
    // later than LEAVE_WAIT_MS after the round ended. Everyone lands on their feedback form.
    const id = window.setTimeout(() => {
      void gate.settled(LEAVE_WAIT_MS - ENDED_REDIRECT_MS).then(() => {
        if (!cancelled) window.location.assign(config.feedbackUrl);
      });
    }, ENDED_REDIRECT_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(id);
    };
  }, [room.ended, config.feedbackUrl, gate]);

  /** Skip links: open the tab, then move focus into it. */
  const skipTo = (target: PanelTab) => (event: React.MouseEvent) => {
    event.preventDefault();
    reveal(target);
    window.requestAnimationFrame(() => {
      const panel = document.getElementById(panelId(target));
      const first =
        target === "notes"
          ? panel?.querySelector<HTMLElement>("textarea:not(:disabled)")
          : panel?.querySelector<HTMLElement>("input[type=radio]:not(:disabled)");
      (first ?? panel)?.focus();
    });
  };
  const ended = room.ended !== "no" || room.interview?.status === "ended";

  return (
    <div
      className="room"
      data-side={open ? "open" : "collapsed"}
      data-layout={narrow ? "phone" : "laptop"}
      style={{ "--room-side-width": `${sideWidth}px` } as React.CSSProperties}
    >
      <nav className="room-skips" aria-label="Skip links">
        <a href="#room-board" className="room-skip">
          Skip to board
        </a>
        <a href={`#${panelId("rubric")}`} className="room-skip" onClick={skipTo("rubric")}>
          Skip to rubric
        </a>
        {tabs.includes("notes") ? (
          <a href={`#${panelId("notes")}`} className="room-skip" onClick={skipTo("notes")}>
            Skip to notes
          </a>
        ) : null}
      </nav>
      <header className="room-bar">
        <div className="room-bar__info">
          <h1 className="room-title">{room.interview?.title ?? "Interview room"}</h1>
          <ConnectionStatus connection={connection} />
          <PresenceList presence={room.presence} />
        </div>
        <TimerPanel controller={controller} timer={room.timer} agenda={room.agenda} ended={ended} />
        {role === "interviewer" && room.interview && room.timer && room.ended === "no" ? (
          <InterviewerControls
            interview={room.interview}
            timer={room.timer}
            agenda={room.agenda}
            send={(command) => controller.send(command)}
            announce={announce}
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
      <EndedNotice ended={room.ended} feedbackUrl={config.feedbackUrl} focusRef={endedRef} />
      <div className="room-body">
        {/* Before the board in the page, so the rubric is a few Tabs from the timer controls. */}
        <aside aria-label="Prompt, rubric and notes" className="room-side" data-testid="side-panel">
          <div className="room-side__bar">
            <PanelTabs tabs={tabs} active={activeTab} open={open} onSelect={selectTab} />
            <button
              type="button"
              className="secondary button-small room-side__toggle"
              aria-expanded={open}
              aria-controls="room-side-panels"
              onClick={() => setOpen(!open)}
            >
              {open ? "Hide panel" : "Show panel"}
            </button>
          </div>
          <div id="room-side-panels" className="room-side__panels" hidden={!open}>
            <RubricPanel view={view} send={sendTracked} tabs={{ active: activeTab, open, reveal }} />
          </div>
          {!narrow && open ? <ResizeHandle width={sideWidth} onWidth={setSideWidth} /> : null}
        </aside>
        <div id="room-board" className="room-board-wrap" tabIndex={-1}>
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
        </div>
      </div>
      <p className="room-sr-only" role="status" aria-live="polite" data-testid="room-announcer" data-said={said.id}>
        {said.text}
      </p>
      <p
        className="room-sr-only"
        role="status"
        aria-live="polite"
        data-testid="control-announcer"
        data-said={controlSaid.id}
      >
        {controlSaid.text}
      </p>
    </div>
  );
}

/** The side panel's left edge: drag it, or focus it and use the arrow keys. */
function ResizeHandle({ width, onWidth }: { width: number; onWidth: (px: number) => void }) {
  return (
    <div
      className="room-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the side panel"
      aria-valuenow={width}
      aria-valuemin={SIDE_MIN_PX}
      aria-valuemax={SIDE_MAX_PX}
      tabIndex={0}
      onKeyDown={(event) => {
        const next = sideAfterKey(width, event.key, window.innerWidth);
        if (next === null) return;
        event.preventDefault();
        onWidth(next);
      }}
      onPointerDown={(event) => {
        const handle = event.currentTarget;
        handle.setPointerCapture?.(event.pointerId);
        const right = handle.parentElement?.getBoundingClientRect().right ?? window.innerWidth;
        const move = (e: PointerEvent) => onWidth(clampSide(right - e.clientX, window.innerWidth));
        const up = () => {
          handle.removeEventListener("pointermove", move);
          handle.removeEventListener("pointerup", up);
          handle.removeEventListener("pointercancel", up);
        };
        handle.addEventListener("pointermove", move);
        handle.addEventListener("pointerup", up);
        handle.addEventListener("pointercancel", up);
      }}
    />
  );
}
