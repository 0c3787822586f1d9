/**
 * The side panel of the live room: the prompt, the anchored rubric (scored live by staff,
 * read-only for the candidate) and staff's private notes.
 *
 * Stacked by default; with `tabs`, each part is a tab panel (the room's layout). Every part
 * stays mounted either way, so typed text and the note shortcut survive switching tabs.
 */
import { useMemo, type ReactNode } from "react";
import type { RoomView, RubricCommandInput } from "../room/controller";
import { NotesSection } from "./NotesSection";
import { panelId, tabId, type PanelTab } from "./PanelTabs";
import { currentPhaseName } from "./phaseMatch";
import { PromptSection } from "./PromptSection";
import { RubricSection } from "./RubricSection";
import { makeTracker } from "./tracker";

export interface PanelTabsState {
  active: PanelTab;
  /** False when the panel is collapsed: no part is shown. */
  open: boolean;
  /** Open a tab (and the panel); used by the note shortcut. */
  reveal: (tab: PanelTab) => void;
}

interface RubricPanelProps {
  view: RoomView;
  /** Queue a command in the room's outbox; returns its message id. */
  send: (command: RubricCommandInput) => string;
  tabs?: PanelTabsState;
}

export function RubricPanel({ view, send, tabs }: RubricPanelProps) {
  const { room, connection, outcomes, retrying } = view;
  const pendingIds = useMemo(() => {
    const ids = new Set(connection.pending.map((item) => item.command.id));
    for (const id of retrying) ids.add(id);
    return ids;
  }, [connection.pending, retrying]);
  const tracker = useMemo(
    () => makeTracker(send, pendingIds, outcomes, room.lastSeen),
    [send, pendingIds, outcomes, room.lastSeen],
  );

  if (!room.ready || !room.me) {
    return <p className="room-placeholder">Loading the rubric…</p>;
  }
  const role = room.me.role;
  const live = room.interview?.status === "live" && room.ended === "no";
  const ended = room.interview?.status === "ended" || room.ended !== "no";
  const phaseName = currentPhaseName(room.agenda, room.timer);
  // A panel with nothing to focus takes focus itself, so it can be scrolled by keyboard:
  // the candidate's, and staff's before the round (scores and notes open when it starts).
  const focusable = (tab: PanelTab) => {
    if (role === "candidate") return true;
    if (tab === "prompt") return false; // staff always have the hints' <summary>
    return !live;
  };

  const part = (tab: PanelTab, content: ReactNode) =>
    tabs ? (
      <div
        key={tab}
        id={panelId(tab)}
        role="tabpanel"
        aria-labelledby={tabId(tab)}
        className="room-tabpanel"
        hidden={!tabs.open || tabs.active !== tab}
        tabIndex={focusable(tab) ? 0 : -1}
      >
        {content}
      </div>
    ) : (
      content
    );

  return (
    <div className={tabs ? "rubric-panel rubric-panel--tabs" : "rubric-panel"}>
      {part("prompt", <PromptSection prompt={room.prompt} role={role} ended={ended} tracker={tracker} />)}
      {part(
        "rubric",
        <RubricSection
          rubric={room.rubric}
          rubricHidden={room.rubricHidden}
          role={role}
          phaseName={phaseName}
          myScores={room.myScores}
          live={live}
          ended={ended}
          tracker={tracker}
        />,
      )}
      {role !== "candidate"
        ? part(
            "notes",
            <NotesSection
              notes={room.myNotes}
              live={live}
              ended={ended}
              tracker={tracker}
              reveal={tabs ? () => tabs.reveal("notes") : undefined}
            />,
          )
        : null}
    </div>
  );
}
