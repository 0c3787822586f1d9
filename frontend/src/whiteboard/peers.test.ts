import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PresenceOut } from "../protocol";
import {
  collaboratorsFor,
  followCandidates,
  followViewport,
  parseCursor,
  parseViewport,
  peerKey,
  peerLabel,
  sameViewport,
  Throttle,
  userIdFromKey,
} from "./peers";

const person = (user_id: number, name: string, role: PresenceOut["role"]): PresenceOut => ({
  user_id, name, role, connections: 1,
});

describe("labels and keys", () => {
  it("labels a person with their role", () => {
    expect(peerLabel({ name: "Dana", role: "interviewer" })).toBe("Dana (interviewer)");
  });
  it("round-trips keys", () => {
    expect(userIdFromKey(peerKey(42))).toBe(42);
    expect(userIdFromKey("socket-1")).toBeNull();
  });
});

describe("parsing ephemeral payloads", () => {
  it("reads a cursor and fills in defaults", () => {
    expect(parseCursor({ pointer: { x: 1, y: 2 } })).toEqual({
      pointer: { x: 1, y: 2, tool: "pointer" }, button: "up", selected: [],
    });
    expect(parseCursor({ pointer: { x: 1, y: 2, tool: "laser" }, button: "down", selected: ["a", 3] })).toEqual({
      pointer: { x: 1, y: 2, tool: "laser" }, button: "down", selected: ["a"],
    });
    expect(parseCursor({ pointer: { x: "1", y: 2 } })).toBeNull();
    expect(parseCursor({})).toBeNull();
  });

  it("reads a viewport and refuses nonsense", () => {
    const v = { scrollX: 1, scrollY: 2, zoom: 1.5, width: 800, height: 600 };
    expect(parseViewport(v)).toEqual(v);
    expect(parseViewport({ ...v, zoom: 0 })).toBeNull();
    expect(parseViewport({ ...v, width: Number.NaN })).toBeNull();
  });
});

describe("followViewport", () => {
  it("centres my view where the leader's centre is", () => {
    const leader = { scrollX: -100, scrollY: 50, zoom: 2, width: 800, height: 600 };
    const mine = followViewport(leader, { width: 400, height: 300 });
    const centre = (s: number, size: number, z: number) => size / 2 / z - s;
    expect(centre(mine.scrollX, 400, mine.zoom)).toBeCloseTo(centre(leader.scrollX, 800, 2));
    expect(centre(mine.scrollY, 300, mine.zoom)).toBeCloseTo(centre(leader.scrollY, 600, 2));
    expect(mine.zoom).toBe(2);
  });

  it("is the same viewport for the same screen size", () => {
    const leader = { scrollX: 10, scrollY: 20, zoom: 1, width: 500, height: 400 };
    expect(followViewport(leader, leader)).toEqual({ scrollX: 10, scrollY: 20, zoom: 1 });
  });

  it("compares viewports with some slack", () => {
    const a = { scrollX: 10, scrollY: 20, zoom: 1, width: 500, height: 400 };
    expect(sameViewport(a, { ...a, scrollX: 10.2 })).toBe(true);
    expect(sameViewport(a, { ...a, scrollX: 12 })).toBe(false);
    expect(sameViewport(null, a)).toBe(false);
  });
});

describe("collaboratorsFor", () => {
  it("lists everyone present but me, with cursors where known", () => {
    const presence = new Map([
      [3, person(3, "Dana", "interviewer")],
      [7, person(7, "Sam", "candidate")],
      [9, person(9, "Alex", "observer")],
    ]);
    const cursors = new Map([[3, { pointer: { x: 1, y: 2, tool: "pointer" as const }, button: "up" as const, selected: ["e1"] }]]);
    const map = collaboratorsFor(presence, 7, cursors);
    expect([...map.keys()]).toEqual(["user-9", "user-3"]);
    expect(map.get("user-3")).toEqual({
      id: "user-3", socketId: "user-3", username: "Dana (interviewer)",
      pointer: { x: 1, y: 2, tool: "pointer" }, button: "up", selectedElementIds: { e1: true },
    });
    expect(map.get("user-9")?.pointer).toBeUndefined();
    expect(followCandidates(presence, 7).map((p) => p.name)).toEqual(["Alex", "Dana"]);
  });
});

describe("Throttle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends at once after a quiet spell, then the latest value per interval", () => {
    const sent: number[] = [];
    const t = new Throttle<number>(50, (v) => sent.push(v));
    t.push(1);
    t.push(2);
    t.push(3);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(49);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([1, 3]);
  });

  it("sends at most 20 per second under a steady stream", () => {
    const sent: number[] = [];
    const t = new Throttle<number>(50, (v) => sent.push(v));
    for (let i = 0; i < 1000; i += 1) {
      t.push(i);
      vi.advanceTimersByTime(1);
    }
    expect(sent.length).toBeLessThanOrEqual(21);
    expect(sent.at(-1)).toBeGreaterThan(950);
  });

  it("can be cancelled", () => {
    const sent: number[] = [];
    const t = new Throttle<number>(50, (v) => sent.push(v));
    t.push(1);
    t.push(2);
    t.cancel();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([1]);
  });
});
