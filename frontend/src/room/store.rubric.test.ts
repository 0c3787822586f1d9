import { describe, expect, it } from "vitest";
import type { EventFrame, EventKind, EventPayload, RubricOut, Snapshot } from "../protocol";
import { applyEvent, applySnapshot, initialRoomState, type RoomState } from "./store";

const rubric: RubricOut = {
  title: "System design interview",
  criteria: [
    {
      key: "requirements", name: "Requirements and scoping", description: "Clarifies first.",
      weight: 2, phases: ["Clarify"],
      levels: [
        { score: 1, label: "Not yet", anchor: "Starts drawing at once." },
        { score: 3, label: "Solid", anchor: "States assumptions." },
      ],
    },
  ],
};

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    type: "snapshot",
    protocol: 1,
    seq: 12,
    streams: { all: 12, me: 4 },
    server_time: 1_767_225_600_000,
    interview: {
      public_id: "9f2c", title: "Design a URL shortener", kind: "system_design",
      status: "live", started_at: 1, ended_at: null,
    },
    me: { user_id: 3, name: "Dana", role: "interviewer" },
    participants: [],
    presence: [],
    agenda: [{ name: "Clarify", minutes: 5 }, { name: "Design", minutes: 20 }],
    timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0], added_ms: [0, 0] },
    board: { elements: [], files: [], checksum: "811c9dc5" },
    read_only: false,
    rubric,
    rubric_hidden: false,
    scores: [{ criterion: "requirements", score: 3, comment: "Asked first." }],
    notes: [
      { id: 2, text: "later", elapsed_ms: 90_000, phase_index: 0, phase_name: "Clarify", at: 20 },
      { id: 1, text: "earlier", elapsed_ms: 30_000, phase_index: 0, phase_name: "Clarify", at: 10 },
    ],
    prompt: { revealed: false, text: "Design a chat service.", hints: "HINT", solution: "SOL", notes: "N" },
    ...overrides,
  };
}

const candidate = (overrides: Partial<Snapshot> = {}) =>
  snapshot({
    streams: { all: 12, me: 0 },
    me: { user_id: 7, name: "Sam", role: "candidate" },
    scores: [],
    notes: [],
    prompt: { revealed: false, text: null },
    ...overrides,
  });

/** An event of one kind, with that kind's payload (checked by the compiler). */
function event<K extends EventKind>(
  seq: number,
  prev: number,
  kind: K,
  payload: EventPayload<K>,
  stream: EventFrame["stream"] = "all",
): EventFrame {
  const frame = { type: "event", seq, stream, prev, kind, actor: null, at: 1_767_225_600_000 + seq, payload };
  return frame as EventFrame; // K is one kind, so `payload` is that kind's: the pair is sound
}

function apply(state: RoomState, e: EventFrame): RoomState {
  const result = applyEvent(state, e);
  expect(result.outcome).toBe("applied");
  return result.state;
}

describe("the side panel's state from the snapshot", () => {
  it("starts empty", () => {
    expect(initialRoomState.rubric).toBeNull();
    expect(initialRoomState.rubricHidden).toBe(false);
    expect(initialRoomState.myScores.size).toBe(0);
    expect(initialRoomState.myNotes).toEqual([]);
    expect(initialRoomState.prompt).toEqual({ revealed: false, text: null });
  });

  it("takes the rubric, my scores, my notes (oldest first) and the prompt", () => {
    const state = applySnapshot(initialRoomState, snapshot());
    expect(state.rubric?.title).toBe("System design interview");
    expect(state.rubricHidden).toBe(false);
    expect(state.myScores.get("requirements")).toEqual({ score: 3, comment: "Asked first." });
    expect(state.myNotes.map((n) => n.text)).toEqual(["earlier", "later"]);
    expect(state.prompt.hints).toBe("HINT");
  });

  it("replaces everything on a later snapshot (a reconnect)", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = applySnapshot(state, snapshot({ scores: [], notes: [], rubric_hidden: true }));
    expect(state.myScores.size).toBe(0);
    expect(state.myNotes).toEqual([]);
    expect(state.rubricHidden).toBe(true);
    expect(state.rubric).not.toBeNull();
  });

  it("never keeps scores or notes for a candidate, even if some were sent", () => {
    const state = applySnapshot(
      initialRoomState,
      candidate({ scores: snapshot().scores, notes: snapshot().notes }),
    );
    expect(state.myScores.size).toBe(0);
    expect(state.myNotes).toEqual([]);
  });

  it("keeps a hidden rubric away from the candidate as the server sends it", () => {
    const state = applySnapshot(initialRoomState, candidate({ rubric: null, rubric_hidden: true }));
    expect(state.rubric).toBeNull();
    expect(state.rubricHidden).toBe(true);
  });
});

describe("score.set", () => {
  it("sets and clears my score for a criterion", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 4, "score.set", { criterion: "design", score: 2, comment: "ok" }, "me"));
    expect(state.myScores.get("design")).toEqual({ score: 2, comment: "ok" });
    state = apply(state, event(14, 13, "score.set", { criterion: "design", score: null, comment: "ok" }, "me"));
    expect(state.myScores.get("design")).toEqual({ score: null, comment: "ok" });
    expect(state.myScores.get("requirements")?.score).toBe(3);
    expect(state.lastSeen.me).toBe(14);
  });

  it("is never held by a candidate store", () => {
    let state = applySnapshot(initialRoomState, candidate());
    state = apply(state, event(13, 12, "score.set", { criterion: "requirements", score: 3, comment: "x" }));
    expect(state.myScores.size).toBe(0);
  });

  it("ignores a payload without a criterion", () => {
    const before = applySnapshot(initialRoomState, snapshot());
    // A malformed frame, which the types (and the server's own checks) rule out.
    const malformed = { score: 2 } as unknown as EventPayload<"score.set">;
    const after = apply(before, event(13, 4, "score.set", malformed, "me"));
    expect(after.myScores).toBe(before.myScores);
  });
});

describe("note.added", () => {
  const note = { id: 5, text: "Good catch on hot keys.", elapsed_ms: 125_000, phase_index: 1, phase_name: "Design", at: 30 };

  it("adds my note, newest last, once", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 4, "note.added", note, "me"));
    expect(state.myNotes.map((n) => n.id)).toEqual([1, 2, 5]);
    expect(state.myNotes[2]).toEqual(note);
    // The same note again (another tab's copy after a snapshot) is not doubled.
    state = apply(state, event(14, 13, "note.added", note, "me"));
    expect(state.myNotes).toHaveLength(3);
  });

  it("is never held by a candidate store", () => {
    let state = applySnapshot(initialRoomState, candidate());
    state = apply(state, event(13, 12, "note.added", note));
    expect(state.myNotes).toEqual([]);
  });
});

describe("rubric.visibility", () => {
  it("hides and shows the rubric for the candidate, applying the payload", () => {
    let state = applySnapshot(initialRoomState, candidate());
    expect(state.rubric).not.toBeNull();
    state = apply(state, event(13, 12, "rubric.visibility", { hidden: true, rubric: null }));
    expect(state.rubric).toBeNull();
    expect(state.rubricHidden).toBe(true);
    state = apply(state, event(14, 13, "rubric.visibility", { hidden: false, rubric }));
    expect(state.rubric).toEqual(rubric);
    expect(state.rubricHidden).toBe(false);
  });

  it("keeps the rubric for staff while it is hidden from the candidate", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 12, "rubric.visibility", { hidden: true, rubric: null }));
    expect(state.rubricHidden).toBe(true);
    expect(state.rubric).toEqual(rubric);
    state = apply(state, event(14, 13, "rubric.visibility", { hidden: false, rubric }));
    expect(state.rubricHidden).toBe(false);
  });
});

describe("prompt.revealed", () => {
  it("gives the candidate the text", () => {
    let state = applySnapshot(initialRoomState, candidate());
    expect(state.prompt).toEqual({ revealed: false, text: null });
    state = apply(state, event(13, 12, "prompt.revealed", { text: "Design a chat service." }));
    expect(state.prompt).toEqual({ revealed: true, text: "Design a chat service." });
  });

  it("marks it revealed for staff and keeps their private parts", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 12, "prompt.revealed", { text: "Design a chat service." }));
    expect(state.prompt.revealed).toBe(true);
    expect(state.prompt.solution).toBe("SOL");
  });
});
