/**
 * Where a side-panel command stands, and the words for a criterion's save status. Pure.
 *
 * A command is "in-flight" from the moment it is queued until the server's event for it has
 * been applied here (the ack names the event's seq, which may arrive before the event);
 * "applied" after that; "refused" when the server said no.
 */
import type { CommandOutcome } from "../room/controller";

export type CommandState = "none" | "in-flight" | "applied" | "refused";

export function commandState(
  id: string | null,
  pendingIds: ReadonlySet<string>,
  outcomes: ReadonlyMap<string, CommandOutcome>,
  /** The last seq applied from the stream the command's event arrives on. */
  appliedSeq: number | undefined,
): CommandState {
  if (id === null) return "none";
  const outcome = outcomes.get(id);
  if (outcome?.status === "refused" || outcome?.status === "failed") return "refused";
  if (outcome?.status === "acked") {
    return appliedSeq !== undefined && appliedSeq >= outcome.seq ? "applied" : "in-flight";
  }
  return pendingIds.has(id) ? "in-flight" : "none";
}

export type SaveLabel = "" | "Saving…" | "Saved" | "Not saved";

/**
 * A criterion's status: "Saving…" while a change waits (typed, debouncing) or travels,
 * "Saved" once the server has it (or it came saved from the snapshot), "Not saved" when
 * refused.
 */
export function saveLabel(state: CommandState, dirty: boolean, hasSavedValue: boolean): SaveLabel {
  if (dirty || state === "in-flight") return "Saving…";
  if (state === "refused") return "Not saved";
  if (state === "applied") return "Saved";
  return hasSavedValue ? "Saved" : "";
}
