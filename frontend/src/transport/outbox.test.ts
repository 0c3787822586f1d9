import { describe, expect, it } from "vitest";
import { Outbox } from "./outbox";

describe("Outbox", () => {
  it("keeps commands in order until settled", () => {
    const box = new Outbox();
    box.add({ type: "timer.start", id: "p-1" }, 1);
    box.add({ type: "timer.add_time", id: "p-2", minutes: 5 }, 2);
    box.add({ type: "timer.pause", id: "p-3" }, 3);
    expect(box.list().map((item) => item.command.id)).toEqual(["p-1", "p-2", "p-3"]);

    expect(box.settle("p-2")?.command).toEqual({ type: "timer.add_time", id: "p-2", minutes: 5 });
    expect(box.list().map((item) => item.command.id)).toEqual(["p-1", "p-3"]);
    expect(box.size).toBe(2);
  });

  it("ignores verdicts for ids it does not hold", () => {
    const box = new Outbox();
    box.add({ type: "round.start", id: "p-1" }, 1);
    expect(box.settle("p-9")).toBeUndefined();
    expect(box.has("p-1")).toBe(true);
  });

  it("replaces the listed array on change so React can compare by identity", () => {
    const box = new Outbox();
    const before = box.list();
    box.add({ type: "round.end", id: "p-1" }, 1);
    expect(box.list()).not.toBe(before);
    const after = box.list();
    box.settle("nope");
    expect(box.list()).toBe(after);
  });
});
