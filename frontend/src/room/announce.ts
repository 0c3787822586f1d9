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

/** Someone who joined or left: kept apart, so a quick leave-and-return is not announced. */
export interface PresenceChange {
  readonly userId: number;
  readonly name: string;
  readonly change: "joined" | "left";
}

export interface Announcements {
  readonly lines: string[];
  readonly presence: PresenceChange[];
}

export function presenceSentence(change: PresenceChange): string {
  return `${change.name} ${change.change === "joined" ? "joined" : "left"} the room.`;
}

export function roomAnnouncements(before: RoomState, after: RoomState): Announcements {
  const out: string[] = [];
  const presence: PresenceChange[] = [];
  // The first snapshot is the page loading, not news; so is a state that did not change.
  if (!before.ready || !after.ready || before === after) return { lines: out, presence };
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
    if (userId !== me && !before.presence.has(userId)) presence.push({ userId, name: person.name, change: "joined" });
  }
  for (const [userId, person] of before.presence) {
    if (userId !== me && !after.presence.has(userId)) presence.push({ userId, name: person.name, change: "left" });
  }
  return { lines: out, presence };
}

/** How long someone must stay away before "left" is said: a reconnect comes back sooner. */
export const LEAVE_GRACE_MS = 3_000;

/**
 * Holds "left" back for LEAVE_GRACE_MS; a return within that time cancels both the "left"
 * and the "joined" (a reload or a reconnect, not news).
 */
export class PresenceAnnouncer {
  private readonly leaving = new Map<number, ReturnType<typeof setTimeout>>();

  /** Says the delayed "left" sentences. */
  private say: (text: string) => void;

  constructor(say: (text: string) => void = () => undefined) {
    this.say = say;
  }

  /** Who says the delayed sentences from now on. */
  listen(say: (text: string) => void): void {
    this.say = say;
  }

  /** Sentences to say now; "left" ones are said later through `say`. */
  take(changes: readonly PresenceChange[]): string[] {
    const now: string[] = [];
    for (const change of changes) {
      const pending = this.leaving.get(change.userId);
      if (change.change === "joined") {
        if (pending !== undefined) {
          clearTimeout(pending);
          this.leaving.delete(change.userId);
        } else {
          now.push(presenceSentence(change));
        }
      } else if (pending === undefined) {
        const timer = setTimeout(() => {
          this.leaving.delete(change.userId);
          this.say(presenceSentence(change));
        }, LEAVE_GRACE_MS);
        this.leaving.set(change.userId, timer);
      }
    }
    return now;
  }

  stop(): void {
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
  }
}
