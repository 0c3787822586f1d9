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
  NoteAddedEvent,
  NoteOut,
  PersonOut,
  PhaseOut,
  PresenceOut,
  PromptOut,
  PromptRevealedEvent,
  RubricOut,
  RubricVisibilityEvent,
  ScoreOut,
  ScoreSetEvent,
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
// `event.kind` narrows `event.payload` to that kind's payload (generated from
// mockroom/live/protocol.py, where the server checks every payload it builds in tests).

function sortNotes(notes: readonly NoteOut[]): NoteOut[] {
  return [...notes].sort((a, b) => a.at - b.at || a.id - b.id);
}

type RubricEvent = ScoreSetEvent | NoteAddedEvent | RubricVisibilityEvent | PromptRevealedEvent;

/** My own score, note, and the rubric and prompt changes. */
function reduceRubricEvent(state: RoomState, event: RubricEvent): RoomState {
  const staff = isStaff(state.me);
  switch (event.kind) {
    case "score.set": {
      const { criterion, score, comment } = event.payload;
      if (!staff || !criterion) return state;
      const myScores = new Map(state.myScores);
      myScores.set(criterion, { score, comment });
      return { ...state, myScores };
    }
    case "note.added": {
      const note: NoteOut = event.payload;
      if (!staff || state.myNotes.some((n) => n.id === note.id)) return state;
      return { ...state, myNotes: sortNotes([...state.myNotes, note]) };
    }
    case "rubric.visibility": {
      const { hidden, rubric } = event.payload;
      // The payload carries the rubric only when it is shown. Staff always see it, so a
      // "hidden" event keeps theirs; for the candidate it is exactly what they may see.
      if (staff) return { ...state, rubricHidden: hidden, rubric: rubric ?? state.rubric };
      return { ...state, rubricHidden: hidden, rubric: hidden ? null : rubric };
    }
    case "prompt.revealed":
      return { ...state, prompt: { ...state.prompt, revealed: true, text: event.payload.text } };
  }
}

function reduceEvent(state: RoomState, event: EventFrame): RoomState {
  let next = state;
  switch (event.kind) {
    case "round.started":
      if (next.interview) {
        const { status, started_at } = event.payload;
        next = { ...next, interview: { ...next.interview, status, started_at } };
      }
      break;
    case "round.ended": {
      const { status, ended_at, timer } = event.payload;
      if (next.interview) next = { ...next, interview: { ...next.interview, status, ended_at } };
      if (next.ended === "no") next = { ...next, ended: "during-session" };
      next = { ...next, timer, readOnly: true };
      break;
    }
    case "timer.changed":
      next = { ...next, timer: event.payload.timer };
      break;
    case "presence.joined":
    case "presence.left": {
      const person: PresenceOut = event.payload;
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
      // The board's kinds are the board's (whiteboard/boardSync.ts); a kind this client
      // doesn't know (a newer server) still advances the stream.
      break;
  }
  return next;
}
