import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AUTOSAVE_DELAY_MS, Debouncer } from "./debouncer";

describe("Debouncer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs only the last action, ~600 ms after the last call", () => {
    const runs: string[] = [];
    const d = new Debouncer();
    d.schedule(() => runs.push("a"));
    vi.advanceTimersByTime(AUTOSAVE_DELAY_MS - 1);
    d.schedule(() => runs.push("ab"));
    vi.advanceTimersByTime(AUTOSAVE_DELAY_MS - 1);
    expect(runs).toEqual([]);
    expect(d.pending).toBe(true);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual(["ab"]);
    expect(d.pending).toBe(false);
  });

  it("flushes at once (blur) and then not again", () => {
    const run = vi.fn();
    const d = new Debouncer(600);
    d.schedule(run);
    expect(d.flush()).toBe(true);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(d.flush()).toBe(false);
  });

  it("drops a cancelled action", () => {
    const run = vi.fn();
    const d = new Debouncer(600);
    d.schedule(run);
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
  });
});
