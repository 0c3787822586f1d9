import { describe, expect, it } from "vitest";
import type { EventFrame, EventKind, EventPayload, PersonOut, Snapshot, TimerOut } from "../protocol";
import {
  applyEvent,
  applyEvents,
  applySnapshot,
  initialRoomState,
  resumePoint,
  type RoomState,
} from "./store";

const fresh: TimerOut = {
  phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0], added_ms: [0, 0],
};

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    type: "snapshot",
    protocol: 1,
    seq: 12,
    streams: { all: 12, me: 0 },
    server_time: 1_767_225_600_000,
    interview: {
      public_id: "9f2c", title: "Design a URL shortener", kind: "system_design",
      status: "scheduled", started_at: null, ended_at: null,
    },
    me: { user_id: 3, name: "Dana", role: "interviewer" },
    participants: [
      { user_id: 3, name: "Dana", role: "interviewer" },
      { user_id: 7, name: "Sam", role: "candidate" },
    ],
    presence: [{ user_id: 3, name: "Dana", role: "interviewer", connections: 1 }],
    agenda: [{ name: "Clarify", minutes: 5 }, { name: "Design", minutes: 20 }],
    timer: fresh,
    board: { elements: [], files: [], checksum: "811c9dc5" },
    read_only: false,
    rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
    ...overrides,
  };
}

const candidateSnapshot = () =>
  snapshot({
    streams: { all: 12, me: 0 },
    me: { user_id: 7, name: "Sam", role: "candidate" },
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

function apply(state: RoomState, ...events: EventFrame[]): RoomState {
  return events.reduce((s, e) => {
    const result = applyEvent(s, e);
    expect(result.outcome).toBe("applied");
    return result.state;
  }, state);
}

const joined = (user_id: number, name: string, role: PersonOut["role"], connections: number) => ({
  user_id, name, role, connections,
});

const changed = (timer: TimerOut = fresh): EventPayload<"timer.changed"> => ({ command: "timer.pause", timer });

const aNote: EventPayload<"note.added"> = {
  id: 1, text: "Asked about scale.", elapsed_ms: 60_000, phase_index: 0, phase_name: "Clarify", at: 5,
};

describe("applySnapshot", () => {
  it("takes everything from the snapshot", () => {
    const state = applySnapshot(initialRoomState, snapshot());
    expect(state.ready).toBe(true);
    expect(state.lastSeen).toEqual({ all: 12, me: 0 });
    expect(state.interview?.title).toBe("Design a URL shortener");
    expect([...state.presence.keys()]).toEqual([3]);
    expect(state.ended).toBe("no");
  });

  it("tells an ended round at load from one that ended while we were here", () => {
    const ended = snapshot({
      interview: { ...snapshot().interview, status: "ended", ended_at: 5 },
    });
    expect(applySnapshot(initialRoomState, ended).ended).toBe("on-load");
    const live = applySnapshot(initialRoomState, snapshot());
    expect(applySnapshot(live, ended).ended).toBe("during-session");
  });
});

describe("applyEvent", () => {
  it("applies events in order and tracks each stream's head", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(
      state,
      event(13, 12, "round.started", { status: "live", started_at: 1000 }),
      event(14, 0, "note.added", aNote, "me"),
      event(15, 13, "timer.changed", {
        command: "timer.start",
        timer: { ...fresh, running: true, anchor_ms: 2000 },
      }),
    );
    expect(state.interview?.status).toBe("live");
    expect(state.interview?.started_at).toBe(1000);
    expect(state.timer?.running).toBe(true);
    expect(state.timer?.anchor_ms).toBe(2000);
    expect(state.lastSeen).toEqual({ all: 15, me: 14 });
  });

  it("ignores duplicates", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 12, "round.started", { status: "live", started_at: 1 }));
    const again = applyEvent(state, event(13, 12, "round.started", { status: "live", started_at: 1 }));
    expect(again.outcome).toBe("duplicate");
    expect(again.gap).toBe(false);
    expect(again.state).toBe(state);
    expect(applyEvent(state, event(11, 10, "timer.changed", changed())).outcome).toBe("duplicate");
  });

  it("detects a gap in the stream the event belongs to", () => {
    const state = applySnapshot(initialRoomState, snapshot());
    const result = applyEvent(state, event(15, 14, "timer.changed", changed()));
    expect(result.gap).toBe(true);
    expect(result.state).toBe(state);
    const meGap = applyEvent(state, event(16, 10, "note.added", aNote, "me"));
    expect(meGap.gap).toBe(true);
  });

  it("does not call other people's private events a gap", () => {
    let state = applySnapshot(initialRoomState, candidateSnapshot());
    // Seqs 13 and 14 were the interviewer's own; the candidate's `all` stream goes 12 → 15.
    state = apply(state, event(15, 12, "round.started", { status: "live", started_at: 1 }));
    expect(state.lastSeen).toEqual({ all: 15, me: 0 });
  });

  it("ignores events before the first snapshot", () => {
    expect(applyEvent(initialRoomState, event(1, 0, "round.started", { status: "live", started_at: 1 })).outcome).toBe("ignored");
  });

  it("tracks presence across two tabs of one person", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 12, "presence.joined", joined(7, "Sam", "candidate", 1)));
    expect(state.presence.get(7)?.connections).toBe(1);
    state = apply(state, event(14, 13, "presence.joined", joined(7, "Sam", "candidate", 2)));
    expect(state.presence.get(7)?.connections).toBe(2);
    state = apply(state, event(15, 14, "presence.left", joined(7, "Sam", "candidate", 1)));
    expect(state.presence.get(7)?.connections).toBe(1);
    state = apply(state, event(16, 15, "presence.left", joined(7, "Sam", "candidate", 0)));
    expect(state.presence.has(7)).toBe(false);
    expect(state.presence.has(3)).toBe(true);
  });

  it("adds a newcomer who joins to the participants", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 12, "presence.joined", joined(11, "Ola", "observer", 1)));
    expect(state.participants.map((p) => p.user_id)).toEqual([3, 7, 11]);
  });

  it("ends the round and takes the final timer", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(
      state,
      event(13, 12, "round.ended", {
        status: "ended", ended_at: 99, timer: { ...fresh, phase_spent_ms: [5, 0] },
      }),
    );
    expect(state.interview?.status).toBe("ended");
    expect(state.interview?.ended_at).toBe(99);
    expect(state.timer?.phase_spent_ms).toEqual([5, 0]);
    expect(state.ended).toBe("during-session");
    expect(state.readOnly).toBe(true);
  });

  it("knows when the board is read-only", () => {
    expect(initialRoomState.readOnly).toBe(true);
    expect(applySnapshot(initialRoomState, snapshot()).readOnly).toBe(false);
    expect(applySnapshot(initialRoomState, snapshot({ read_only: true })).readOnly).toBe(true);
    const observer = snapshot({ me: { user_id: 9, name: "Obi", role: "observer" } });
    expect(applySnapshot(initialRoomState, observer).readOnly).toBe(true);
    const ended = snapshot({ interview: { ...snapshot().interview, status: "ended", ended_at: 5 } });
    expect(applySnapshot(initialRoomState, ended).readOnly).toBe(true);
  });

  it("advances the stream for kinds it does not know", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    // A newer server's kind: this client's types can't know it, nor its payload.
    const future = { ...event(13, 12, "timer.changed", changed()), kind: "future.kind", payload: { x: 1 } };
    state = apply(state, future as unknown as EventFrame);
    expect(state.lastSeen.all).toBe(13);
  });
});

describe("applyEvents (resume answers)", () => {
  it("applies what was missed, skipping what we already had", () => {
    let state = applySnapshot(initialRoomState, snapshot());
    state = apply(state, event(13, 12, "presence.joined", joined(9, "Obi", "observer", 1)));
    // Resume from min(all 13, me 0) = 0: the answer includes the event we had again.
    expect(resumePoint(state.lastSeen)).toBe(0);
    const result = applyEvents(state, [
      event(13, 12, "presence.joined", joined(9, "Obi", "observer", 1)),
      event(14, 13, "round.started", { status: "live", started_at: 5 }),
      event(15, 0, "timer.changed", changed(), "me"),
    ]);
    expect(result.gap).toBe(false);
    expect(result.state.lastSeen).toEqual({ all: 14, me: 15 });
    expect(result.state.interview?.status).toBe("live");
  });

  it("reports a gap that the answer does not fill", () => {
    const state = applySnapshot(initialRoomState, snapshot());
    const result = applyEvents(state, [
      event(13, 12, "round.started", { status: "live", started_at: 5 }),
      event(16, 15, "timer.changed", changed()),
    ]);
    expect(result.gap).toBe(true);
    expect(result.state.lastSeen.all).toBe(13);
  });
});
