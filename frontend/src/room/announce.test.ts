import { afterEach, describe, expect, it, vi } from "vitest";
import type { PresenceOut, Snapshot } from "../protocol";
import { LEAVE_GRACE_MS, PresenceAnnouncer, roomAnnouncements } from "./announce";
import { applySnapshot, initialRoomState, type RoomState } from "./store";

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    type: "snapshot", protocol: 1, seq: 3, streams: { all: 3, me: 0 }, server_time: 0,
    interview: { public_id: "p", title: "T", kind: "coding", status: "live", started_at: 1, ended_at: null },
    me: { user_id: 1, name: "Ivy", role: "interviewer" },
    participants: [], presence: [],
    agenda: [{ name: "Clarify", minutes: 5 }, { name: "Design", minutes: 20 }],
    timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0], added_ms: [0, 0] },
    board: { elements: [], files: [], checksum: "811c9dc5" }, read_only: false,
    rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
    ...overrides,
  };
}

const room = (overrides: Partial<Snapshot> = {}) => applySnapshot(initialRoomState, snapshot(overrides));
const person = (user_id: number, name: string, connections = 1): PresenceOut => ({
  user_id, name, role: "candidate", connections,
});
const said = (before: RoomState, after: RoomState) => roomAnnouncements(before, after).lines;

describe("roomAnnouncements", () => {
  it("says nothing for the page loading", () => {
    expect(roomAnnouncements(initialRoomState, room({ presence: [person(2, "Cole")] }))).toEqual({
      lines: [], presence: [],
    });
  });

  it("announces the round starting with its first phase running", () => {
    const before = room({ interview: { ...snapshot().interview, status: "scheduled", started_at: null } });
    const after = {
      ...before,
      interview: { ...snapshot().interview, status: "live" as const },
      timer: { ...snapshot().timer, running: true, anchor_ms: 5 },
    };
    expect(said(before, after)).toEqual(["The round has started.", "Timer running: Clarify."]);
  });

  it("announces a phase change and a pause", () => {
    const before = room({ timer: { ...snapshot().timer, running: true, anchor_ms: 5 } });
    const after = { ...before, timer: { ...snapshot().timer, phase_index: 1 } };
    expect(said(before, after)).toEqual(["Phase: Design.", "Timer paused."]);
  });

  it("tells the candidate where the revealed prompt is, and staff that it was revealed", () => {
    const candidate = room({ me: { user_id: 2, name: "Cole", role: "candidate" } });
    const shown = { ...candidate, prompt: { revealed: true, text: "Design a chat." } };
    expect(said(candidate, shown)).toEqual(["The prompt is now shown in the Prompt tab."]);
    const staff = room();
    expect(said(staff, { ...staff, prompt: { ...staff.prompt, revealed: true } })).toEqual([
      "The prompt was revealed to the candidate.",
    ]);
  });

  it("says the round ended, without a timer sentence", () => {
    const before = room({ timer: { ...snapshot().timer, running: true, anchor_ms: 5 } });
    const after: RoomState = { ...before, ended: "during-session", timer: snapshot().timer };
    expect(said(before, after)).toEqual(["The round has ended."]);
  });

  it("counts people, not connections: a second tab is not news, the last one closing is", () => {
    const one = room({ presence: [person(2, "Cole")] });
    const twoTabs = { ...one, presence: new Map([[2, person(2, "Cole", 2)]]) };
    expect(roomAnnouncements(one, twoTabs).presence).toEqual([]);
    const gone = { ...one, presence: new Map<number, PresenceOut>() };
    expect(roomAnnouncements(twoTabs, gone).presence).toEqual([{ userId: 2, name: "Cole", change: "left" }]);
    expect(roomAnnouncements(gone, one).presence).toEqual([{ userId: 2, name: "Cole", change: "joined" }]);
  });

  it("never announces me", () => {
    const alone = room();
    const meToo = { ...alone, presence: new Map([[1, { ...person(1, "Ivy"), role: "interviewer" as const }]]) };
    expect(roomAnnouncements(alone, meToo).presence).toEqual([]);
  });
});

describe("PresenceAnnouncer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says a join at once and a leave after the grace period", () => {
    vi.useFakeTimers();
    const later = vi.fn();
    const announcer = new PresenceAnnouncer(later);
    expect(announcer.take([{ userId: 2, name: "Cole", change: "joined" }])).toEqual(["Cole joined the room."]);
    expect(announcer.take([{ userId: 2, name: "Cole", change: "left" }])).toEqual([]);
    vi.advanceTimersByTime(LEAVE_GRACE_MS - 1);
    expect(later).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(later.mock.calls).toEqual([["Cole left the room."]]);
  });

  it("keeps quiet about a reconnect (leave and return within the grace period)", () => {
    vi.useFakeTimers();
    const later = vi.fn();
    const announcer = new PresenceAnnouncer(later);
    expect(announcer.take([{ userId: 2, name: "Cole", change: "left" }])).toEqual([]);
    vi.advanceTimersByTime(LEAVE_GRACE_MS / 2);
    expect(announcer.take([{ userId: 2, name: "Cole", change: "joined" }])).toEqual([]);
    vi.advanceTimersByTime(LEAVE_GRACE_MS * 2);
    expect(later).not.toHaveBeenCalled();
  });
});
