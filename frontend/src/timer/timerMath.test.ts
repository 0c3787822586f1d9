import { describe, expect, it } from "vitest";
import type { TimerOut } from "../protocol";
import vectors from "../../../tests/vectors/timer.json";
import {
  formatClock,
  formatElapsed,
  safeTimerView,
  timerUntouched,
  timerView,
  warningLevel,
} from "./timerMath";

interface Vector {
  name: string;
  agenda_minutes: number[];
  state: TimerOut;
  now_ms: number;
  expect: Record<string, number | boolean>;
}

describe("timerView matches the shared vectors (tests/vectors/timer.json)", () => {
  const all = vectors as Vector[];

  it("has vectors to check", () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it.each(all.map((v) => [v.name, v] as const))("%s", (_name, vector) => {
    const view = timerView(vector.state, vector.agenda_minutes, vector.now_ms);
    for (const [key, value] of Object.entries(vector.expect)) {
      expect(view[key as keyof typeof view], key).toEqual(value);
    }
  });
});

describe("timerView", () => {
  const timer: TimerOut = {
    phase_index: 1,
    running: true,
    anchor_ms: 1_000,
    phase_spent_ms: [300_000, 0],
    added_ms: [0, 0],
  };

  it("lists the time spent per phase", () => {
    expect(timerView(timer, [5, 10], 61_000).phase_actual_ms).toEqual([300_000, 60_000]);
  });

  it("refuses an agenda that does not fit the timer", () => {
    expect(() => timerView(timer, [5], 0)).toThrow(/disagree/);
    expect(safeTimerView(timer, [5], 0)).toBeNull();
    expect(safeTimerView({ ...timer, phase_index: 4 }, [5, 10], 0)).toBeNull();
  });
});

describe("formatClock", () => {
  it.each([
    [245_000, "04:05"],
    [244_001, "04:05"],
    [300_000, "05:00"],
    [999, "00:01"],
    [0, "00:00"],
    [-25_000, "+00:25"],
    [-25_999, "+00:25"],
    [-600_000, "+10:00"],
    [6_000_000, "100:00"],
  ])("%i ms → %s", (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });

  it("counts elapsed time down to the second", () => {
    expect(formatElapsed(754_999)).toBe("12:34");
    expect(formatElapsed(0)).toBe("00:00");
  });
});

describe("warningLevel", () => {
  it.each([
    [300_000, "none"],
    [120_001, "none"],
    [120_000, "soon"],
    [1, "soon"],
    [0, "over"],
    [-5_000, "over"],
  ])("%i ms → %s", (ms, level) => {
    expect(warningLevel(ms)).toBe(level);
  });
});

describe("timerUntouched", () => {
  it("is true only for a fresh timer", () => {
    const fresh: TimerOut = {
      phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0], added_ms: [0, 0],
    };
    expect(timerUntouched(fresh)).toBe(true);
    expect(timerUntouched({ ...fresh, running: true, anchor_ms: 1 })).toBe(false);
    expect(timerUntouched({ ...fresh, phase_spent_ms: [1, 0] })).toBe(false);
  });
});
