/**
 * The room's state on this client, as a pure reducer over the server's frames.
 *
 * Events carry `stream` and `prev` (the seq of the previous event in that stream). An event
 * applies when `prev` equals the last seq seen in its stream; `seq ≤ lastSeen` is a
 * duplicate; anything else is a gap, and the caller asks the server to resume. Streams the
 * snapshot did not give us (a candidate has no `staff` stream) are never gaps.
 */
import type {
  EventFrame,
  InterviewOut,
  PersonOut,
  PhaseOut,
  PresenceOut,
  Snapshot,
  Streams,
  TimerOut,
} from "../protocol";

export type StreamName = EventFrame["stream"];
export type LastSeen = Readonly<Partial<Record<StreamName, number>>>;

/** "on-load": the round had ended before this page loaded; "during-session": we saw it end. */
export type EndedState = "no" | "on-load" | "during-session";

export interface RoomState {
  /** A snapshot has been applied. */
  readonly ready: boolean;
  readonly lastSeen: LastSeen;
  readonly interview: InterviewOut | null;
  readonly me: PersonOut | null;
  readonly participants: readonly PersonOut[];
  /** Who is connected now, by user id. Nobody with zero connections is listed. */
  readonly presence: ReadonlyMap<number, PresenceOut>;
  readonly agenda: readonly PhaseOut[];
  readonly timer: TimerOut | null;
  readonly ended: EndedState;
  /** The board may not be changed: observers always, everyone once the round ended. */
  readonly readOnly: boolean;
}

export const initialRoomState: RoomState = {
  ready: false,
  lastSeen: {},
  interview: null,
  me: null,
  participants: [],
  presence: new Map(),
  agenda: [],
  timer: null,
  ended: "no",
  readOnly: true,
};

export type ApplyOutcome = "applied" | "duplicate" | "gap" | "ignored";

export interface ApplyResult {
  readonly state: RoomState;
  /** The event does not follow what we have: ask the server to resume. */
  readonly gap: boolean;
  readonly outcome: ApplyOutcome;
}

/** The streams this client receives, with their heads. `staff: null` means none. */
export function lastSeenFromStreams(streams: Streams): LastSeen {
  const seen: Partial<Record<StreamName, number>> = { all: streams.all, me: streams.me };
  if (typeof streams.staff === "number") seen.staff = streams.staff;
  return seen;
}

/** Where to resume from: the lowest head over the streams we receive. */
export function resumePoint(lastSeen: LastSeen): number {
  const heads = Object.values(lastSeen).filter((v): v is number => typeof v === "number");
  return heads.length ? Math.min(...heads) : 0;
}

function presenceMap(rows: readonly PresenceOut[]): Map<number, PresenceOut> {
  const map = new Map<number, PresenceOut>();
  for (const row of rows) if (row.connections > 0) map.set(row.user_id, row);
  return map;
}

export function applySnapshot(state: RoomState, snapshot: Snapshot): RoomState {
  const endedNow = snapshot.interview.status === "ended";
  let ended: EndedState = state.ended;
  if (endedNow && ended === "no") ended = state.ready ? "during-session" : "on-load";
  return {
    ready: true,
    lastSeen: lastSeenFromStreams(snapshot.streams),
    interview: snapshot.interview,
    me: snapshot.me,
    participants: snapshot.participants,
    presence: presenceMap(snapshot.presence),
    agenda: snapshot.agenda,
    timer: snapshot.timer,
    ended,
    readOnly: snapshot.read_only === true || snapshot.me.role === "observer" || endedNow,
  };
}

export function applyEvent(state: RoomState, event: EventFrame): ApplyResult {
  if (!state.ready) return { state, gap: false, outcome: "ignored" };
  const seen = state.lastSeen[event.stream];
  if (seen === undefined) return { state, gap: false, outcome: "ignored" };
  if (event.seq <= seen) return { state, gap: false, outcome: "duplicate" };
  if (event.prev !== seen) return { state, gap: true, outcome: "gap" };
  const next = reduceEvent(state, event);
  return {
    state: { ...next, lastSeen: { ...state.lastSeen, [event.stream]: event.seq } },
    gap: false,
    outcome: "applied",
  };
}

/** Apply a batch (a resume answer, oldest first). Events after a gap in their stream are skipped. */
export function applyEvents(
  state: RoomState,
  events: readonly EventFrame[],
): { state: RoomState; gap: boolean } {
  let current = state;
  let gap = false;
  for (const event of events) {
    const result = applyEvent(current, event);
    current = result.state;
    gap ||= result.gap;
  }
  return { state: current, gap };
}

// --- What each kind of event changes ---------------------------------------------------

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === "number");
}

function asTimer(value: unknown): TimerOut | null {
  if (typeof value !== "object" || value === null) return null;
  const t = value as Partial<TimerOut>;
  if (
    typeof t.phase_index === "number" &&
    typeof t.running === "boolean" &&
    (t.anchor_ms === null || typeof t.anchor_ms === "number") &&
    isNumberArray(t.phase_spent_ms) &&
    isNumberArray(t.added_ms)
  ) {
    return {
      phase_index: t.phase_index,
      running: t.running,
      anchor_ms: t.anchor_ms,
      phase_spent_ms: t.phase_spent_ms,
      added_ms: t.added_ms,
    };
  }
  return null;
}

const ROLES: ReadonlySet<string> = new Set(["interviewer", "candidate", "observer"]);

function asPresence(payload: Record<string, unknown>): PresenceOut | null {
  const { user_id, name, role, connections } = payload;
  if (typeof user_id !== "number" || typeof name !== "string") return null;
  if (typeof role !== "string" || !ROLES.has(role)) return null;
  return {
    user_id,
    name,
    role: role as PresenceOut["role"],
    connections: typeof connections === "number" ? connections : 0, // left: 0 when absent
  };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

function reduceEvent(state: RoomState, event: EventFrame): RoomState {
  const payload = event.payload ?? {};
  let next = state;
  const timer = asTimer(payload.timer);
  if (timer) next = { ...next, timer };

  switch (event.kind) {
    case "round.started":
      if (next.interview) {
        next = {
          ...next,
          interview: {
            ...next.interview,
            status: "live",
            started_at: numberOrNull(payload.started_at) ?? next.interview.started_at,
          },
        };
      }
      break;
    case "round.ended":
      if (next.interview) {
        next = {
          ...next,
          interview: {
            ...next.interview,
            status: "ended",
            ended_at: numberOrNull(payload.ended_at) ?? next.interview.ended_at,
          },
        };
      }
      if (next.ended === "no") next = { ...next, ended: "during-session" };
      next = { ...next, readOnly: true };
      break;
    case "presence.joined":
    case "presence.left": {
      const person = asPresence(payload);
      if (!person) break;
      const presence = new Map(next.presence);
      // `connections` is what the user has left open after the change; 0 means gone.
      if (person.connections <= 0) presence.delete(person.user_id);
      else presence.set(person.user_id, person);
      next = { ...next, presence };
      if (!next.participants.some((p) => p.user_id === person.user_id)) {
        const { user_id, name, role } = person;
        next = { ...next, participants: [...next.participants, { user_id, name, role }] };
      }
      break;
    }
    default:
      // timer.changed is handled above; unknown kinds still advance the stream.
      break;
  }
  return next;
}
