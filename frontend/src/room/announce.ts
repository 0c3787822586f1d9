/**
 * What the room's polite live region says when the room changes. Pure: the sentences for
 * the difference between two room states.
 *
 * Presence is per person, not per connection: a second tab, or a reconnect that briefly
 * overlaps the old connection, changes `connections` but is not news. Only someone going
 * from no connection to one (joined) or from some to none (left) is announced.
 */
import type { RoomState } from "./store";

function phaseName(state: RoomState): string | null {
  if (!state.timer) return null;
  return state.agenda[state.timer.phase_index]?.name ?? null;
}

export function roomAnnouncements(before: RoomState, after: RoomState): string[] {
  // The first snapshot is the page loading, not news; so is a state that did not change.
  if (!before.ready || !after.ready || before === after) return [];
  const out: string[] = [];
  const me = after.me?.user_id;

  const wasStatus = before.interview?.status;
  const status = after.interview?.status;
  if (wasStatus !== status && status === "live") out.push("The round has started.");
  if (after.ended !== "no" && before.ended === "no") out.push("The round has ended.");

  const endedNow = after.ended !== "no";
  if (!endedNow && before.timer && after.timer) {
    const phase = phaseName(after);
    if (phase !== null && before.timer.phase_index !== after.timer.phase_index) {
      out.push(`Phase: ${phase}.`);
    }
    if (before.timer.running !== after.timer.running) {
      if (after.timer.running) out.push(phase ? `Timer running: ${phase}.` : "Timer running.");
      else out.push("Timer paused.");
    }
  }

  if (!before.prompt.revealed && after.prompt.revealed) {
    out.push(after.me?.role === "candidate" ? "The prompt is now shown in the Prompt tab." : "The prompt was revealed to the candidate.");
  }

  for (const [userId, person] of after.presence) {
    if (userId !== me && !before.presence.has(userId)) out.push(`${person.name} joined the room.`);
  }
  for (const [userId, person] of before.presence) {
    if (userId !== me && !after.presence.has(userId)) out.push(`${person.name} left the room.`);
  }
  return out;
}
