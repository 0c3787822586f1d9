import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LeaveGate } from "./leaveGate";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("LeaveGate", () => {
  it("resolves at once when nothing is held", async () => {
    const done = vi.fn();
    void new LeaveGate().settled(5_000).then(done);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toHaveBeenCalled();
  });

  it("waits for held work", async () => {
    const gate = new LeaveGate();
    let finish!: () => void;
    gate.hold(new Promise<void>((resolve) => { finish = resolve; }));
    expect(gate.busy).toBe(true);
    const done = vi.fn();
    void gate.settled(5_000).then(done);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).not.toHaveBeenCalled();
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toHaveBeenCalled();
    expect(gate.busy).toBe(false);
  });

  it("gives up after the limit, and ignores failures", async () => {
    const gate = new LeaveGate();
    gate.hold(new Promise(() => undefined));
    gate.hold(Promise.reject(new Error("x")));
    const done = vi.fn();
    void gate.settled(5_000).then(done);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalled();
  });
});
