import { describe, expect, it } from "vitest";
import { currentCriterionKeys, currentPhaseName, isCurrentCriterion, samePhase } from "./phaseMatch";

const agenda = [
  { name: "Clarify", minutes: 5 },
  { name: "High-level design", minutes: 15 },
  { name: "Deep-dive", minutes: 15 },
];

const criteria = [
  { key: "requirements", phases: ["Clarify"] },
  { key: "architecture", phases: ["High-level design"] },
  { key: "data", phases: ["High-level design", "Deep-dive"] },
  { key: "communication", phases: [] },
];

describe("currentPhaseName", () => {
  it("names the timer's phase", () => {
    expect(currentPhaseName(agenda, { phase_index: 1 })).toBe("High-level design");
  });

  it("is null without a timer or for an index past the agenda", () => {
    expect(currentPhaseName(agenda, null)).toBeNull();
    expect(currentPhaseName(agenda, { phase_index: 7 })).toBeNull();
    expect(currentPhaseName([], { phase_index: 0 })).toBeNull();
  });
});

describe("criteria of the current phase", () => {
  it("picks the criteria whose phases name the current phase, in rubric order", () => {
    expect(currentCriterionKeys(criteria, "Clarify")).toEqual(["requirements"]);
    expect(currentCriterionKeys(criteria, "High-level design")).toEqual(["architecture", "data"]);
    expect(currentCriterionKeys(criteria, "Deep-dive")).toEqual(["data"]);
  });

  it("matches none for an unknown phase or none at all", () => {
    expect(currentCriterionKeys(criteria, "Questions")).toEqual([]);
    expect(currentCriterionKeys(criteria, null)).toEqual([]);
    expect(isCurrentCriterion({ phases: [] }, "Clarify")).toBe(false);
  });

  it("ignores case and stray spaces, but not other differences", () => {
    expect(isCurrentCriterion({ phases: [" high-level  Design "] }, "High-level design")).toBe(true);
    expect(samePhase("Deep-dive", "Deep dive")).toBe(false);
    expect(samePhase("", "")).toBe(false);
  });
});
