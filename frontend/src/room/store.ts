/**
 * The room's state on this client, as a pure reducer over the server's frames.
 *
 * Events carry `stream` and `prev` (the seq of the previous event in that stream). An event
 * applies when `prev` equals the last seq seen in its stream; `seq ≤ lastSeen` is a
 * duplicate; anything else is a gap, and the caller asks the server to resume.
 */
import type {
  EventFrame,
  InterviewOut,
  NoteOut,
  PersonOut,
  PhaseOut,
  PresenceOut,
  PromptOut,
  RubricOut,
  ScoreOut,
  Snapshot,
  Streams,
  TimerOut,
} from "../protocol";

export type StreamName = EventFrame["stream"];
export type LastSeen = Readonly<Partial<Record<StreamName, number>>>;

/** My live score for one criterion (`score` null: cleared, the comment may remain). */
export interface MyScore {
  readonly score: number | null;
  readonly comment: string;
}

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
  /** The round's rubric; null when there is none, or when it is hidden from me. */
  readonly rubric: RubricOut | null;
  /** The interviewer has hidden the rubric from the candidate. */
  readonly rubricHidden: boolean;
  /** My own live scores by criterion key (staff only; always empty for a candidate). */
  readonly myScores: ReadonlyMap<string, MyScore>;
  /** My own notes, oldest first (staff only; always empty for a candidate). */
  readonly myNotes: readonly NoteOut[];
  /** The prompt as far as I may see it. */
  readonly prompt: PromptOut;
}

const NO_PROMPT: PromptOut = { revealed: false, text: null };

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
  rubric: null,
  rubricHidden: false,
  myScores: new Map(),
  myNotes: [],
  prompt: NO_PROMPT,
};

/** Interviewers and observers score and take notes; the candidate never does. */
export function isStaff(me: PersonOut | null): boolean {
  return me?.role === "interviewer" || me?.role === "observer";
}

export type ApplyOutcome = "applied" | "duplicate" | "gap" | "ignored";

export interface ApplyResult {
  readonly state: RoomState;
  /** The event does not follow what we have: ask the server to resume. */
  readonly gap: boolean;
  readonly outcome: ApplyOutcome;
}

/** The streams this client receives, with their heads. */
export function lastSeenFromStreams(streams: Streams): LastSeen {
  return { all: streams.all, me: streams.me };
}

/** Where to resume from: the lowest head over the streams we receive. */
export function resumePoint(lastSeen: LastSeen): number {
  const heads = Object.values(lastSeen).filter((v): v is number => typeof v === "number");
  return heads.length ? Math.min(...heads) : 0;
}

function scoreMap(rows: readonly ScoreOut[]): Map<string, MyScore> {
  const map = new Map<string, MyScore>();
  for (const row of rows) map.set(row.criterion, { score: row.score, comment: row.comment ?? "" });
  return map;
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
  const staff = isStaff(snapshot.me);
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
    rubric: snapshot.rubric ?? null,
    rubricHidden: snapshot.rubric_hidden === true,
    // The server sends a candidate no scores or notes; never keep any even if it did.
    myScores: staff ? scoreMap(snapshot.scores ?? []) : new Map(),
    myNotes: staff ? sortNotes(snapshot.notes ?? []) : [],
    prompt: snapshot.prompt ?? NO_PROMPT,
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

function sortNotes(notes: readonly NoteOut[]): NoteOut[] {
  return [...notes].sort((a, b) => a.at - b.at || a.id - b.id);
}

function asNote(payload: Record<string, unknown>): NoteOut | null {
  const { id, text, elapsed_ms, phase_index, phase_name, at } = payload;
  if (typeof id !== "number" || typeof text !== "string") return null;
  return {
    id,
    text,
    elapsed_ms: typeof elapsed_ms === "number" ? elapsed_ms : 0,
    phase_index: typeof phase_index === "number" ? phase_index : 0,
    phase_name: typeof phase_name === "string" ? phase_name : "",
    at: typeof at === "number" ? at : 0,
  };
}

function asRubric(value: unknown): RubricOut | null {
  if (typeof value !== "object" || value === null) return null;
  const r = value as Partial<RubricOut>;
  if (typeof r.title !== "string" || !Array.isArray(r.criteria)) return null;
  return { title: r.title, criteria: r.criteria };
}

/** My own score, note, and the rubric and prompt changes. */
function reduceRubricEvent(state: RoomState, event: EventFrame): RoomState {
  const payload = event.payload ?? {};
  const staff = isStaff(state.me);
  switch (event.kind) {
    case "score.set": {
      if (!staff || typeof payload.criterion !== "string") return state;
      const score = typeof payload.score === "number" ? payload.score : null;
      const comment = typeof payload.comment === "string" ? payload.comment : "";
      const myScores = new Map(state.myScores);
      myScores.set(payload.criterion, { score, comment });
      return { ...state, myScores };
    }
    case "note.added": {
      const note = asNote(payload);
      if (!staff || !note || state.myNotes.some((n) => n.id === note.id)) return state;
      return { ...state, myNotes: sortNotes([...state.myNotes, note]) };
    }
    case "rubric.visibility": {
      const hidden = payload.hidden === true;
      const rubric = asRubric(payload.rubric);
      // The payload carries the rubric only when it is shown. Staff always see it, so a
      // "hidden" event keeps theirs; for the candidate it is exactly what they may see.
      if (staff) return { ...state, rubricHidden: hidden, rubric: rubric ?? state.rubric };
      return { ...state, rubricHidden: hidden, rubric: hidden ? null : rubric };
    }
    case "prompt.revealed": {
      const text = typeof payload.text === "string" ? payload.text : state.prompt.text;
      return { ...state, prompt: { ...state.prompt, revealed: true, text } };
    }
    default:
      return state;
  }
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
    case "score.set":
    case "note.added":
    case "rubric.visibility":
    case "prompt.revealed":
      next = reduceRubricEvent(next, event);
      break;
    default:
      // timer.changed is handled above; unknown kinds still advance the stream.
      break;
  }
  return next;
}
