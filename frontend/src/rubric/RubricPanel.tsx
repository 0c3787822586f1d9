/**
 * The side panel of the live room: the prompt, the anchored rubric (scored live by staff,
 * read-only for the candidate) and staff's private notes.
 */
import { useMemo } from "react";
import type { RoomView, RubricCommandInput } from "../room/controller";
import { NotesSection } from "./NotesSection";
import { currentPhaseName } from "./phaseMatch";
import { PromptSection } from "./PromptSection";
import { RubricSection } from "./RubricSection";
import { makeTracker } from "./tracker";

interface RubricPanelProps {
  view: RoomView;
  /** Queue a command in the room's outbox; returns its message id. */
  send: (command: RubricCommandInput) => string;
}

export function RubricPanel({ view, send }: RubricPanelProps) {
  const { room, connection, outcomes } = view;
  const pendingIds = useMemo(
    () => new Set(connection.pending.map((item) => item.command.id)),
    [connection.pending],
  );
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

  return (
    <div className="rubric-panel">
      <PromptSection prompt={room.prompt} role={role} ended={ended} tracker={tracker} />
      <RubricSection
        rubric={room.rubric}
        rubricHidden={room.rubricHidden}
        role={role}
        phaseName={phaseName}
        myScores={room.myScores}
        live={live}
        ended={ended}
        tracker={tracker}
      />
      {role !== "candidate" ? (
        <NotesSection notes={room.myNotes} live={live} ended={ended} tracker={tracker} />
      ) : null}
    </div>
  );
}
