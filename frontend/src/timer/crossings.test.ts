import { describe, expect, it } from "vitest";
import { CrossingWatcher, crossingMessage } from "./crossings";

describe("crossingMessage", () => {
  it("announces entering the last two minutes and running out", () => {
    expect(crossingMessage({ phaseIndex: 1, level: "none" }, { phaseIndex: 1, level: "soon" }, "Design"))
      .toBe("2 minutes left in Design");
    expect(crossingMessage({ phaseIndex: 1, level: "soon" }, { phaseIndex: 1, level: "over" }, "Design"))
      .toBe("Time is up for Design");
    expect(crossingMessage({ phaseIndex: 0, level: "none" }, { phaseIndex: 0, level: "over" }, "Clarify"))
      .toBe("Time is up for Clarify");
  });

  it("stays quiet without a change, on gaining time, on a new phase, and at first sight", () => {
    expect(crossingMessage({ phaseIndex: 0, level: "soon" }, { phaseIndex: 0, level: "soon" }, "A")).toBeNull();
    expect(crossingMessage({ phaseIndex: 0, level: "over" }, { phaseIndex: 0, level: "soon" }, "A")).toBeNull();
    expect(crossingMessage({ phaseIndex: 0, level: "none" }, { phaseIndex: 1, level: "over" }, "B")).toBeNull();
    expect(crossingMessage(null, { phaseIndex: 0, level: "over" }, "A")).toBeNull();
  });
});

describe("CrossingWatcher", () => {
  it("announces each crossing once, and again after time was added", () => {
    const watcher = new CrossingWatcher();
    const seen = [
      { phaseIndex: 0, level: "none" },
      { phaseIndex: 0, level: "soon" },
      { phaseIndex: 0, level: "soon" },
      { phaseIndex: 0, level: "over" },
      { phaseIndex: 0, level: "over" },
      { phaseIndex: 0, level: "none" }, // +5 min
      { phaseIndex: 0, level: "soon" },
      { phaseIndex: 1, level: "none" },
    ] as const;
    const messages = seen.map((reading) => watcher.observe(reading, "Intro"));
    expect(messages).toEqual([
      null,
      "2 minutes left in Intro",
      null,
      "Time is up for Intro",
      null,
      null,
      "2 minutes left in Intro",
      null,
    ]);
  });
});
