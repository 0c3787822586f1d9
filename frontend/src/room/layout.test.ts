import { describe, expect, it } from "vitest";
import { defaultTab, tabAfterKey, tabsFor } from "../rubric/PanelTabs";
import { clampSide, SIDE_MAX_PX, SIDE_MIN_PX, SIDE_STEP_PX, sideAfterKey } from "./layout";

describe("the side panel's tabs", () => {
  it("gives staff notes and opens on the rubric; the candidate gets no notes and the prompt", () => {
    expect(tabsFor("interviewer")).toEqual(["prompt", "rubric", "notes"]);
    expect(defaultTab("observer")).toBe("rubric");
    expect(tabsFor("candidate")).toEqual(["prompt", "rubric"]);
    expect(defaultTab("candidate")).toBe("prompt");
  });

  it("moves with the arrow keys, wrapping, and jumps with Home and End", () => {
    const tabs = tabsFor("interviewer");
    expect(tabAfterKey(tabs, "rubric", "ArrowRight")).toBe("notes");
    expect(tabAfterKey(tabs, "notes", "ArrowRight")).toBe("prompt");
    expect(tabAfterKey(tabs, "prompt", "ArrowLeft")).toBe("notes");
    expect(tabAfterKey(tabs, "notes", "Home")).toBe("prompt");
    expect(tabAfterKey(tabs, "prompt", "End")).toBe("notes");
    expect(tabAfterKey(tabs, "prompt", "Enter")).toBeNull();
  });
});

describe("the side panel's width", () => {
  it("stays within its bounds and leaves the board half the screen", () => {
    expect(clampSide(10)).toBe(SIDE_MIN_PX);
    expect(clampSide(5_000)).toBe(SIDE_MAX_PX);
    expect(clampSide(600, 1000)).toBe(500);
    expect(clampSide(400, 300)).toBe(SIDE_MIN_PX);
  });

  it("widens with ArrowLeft (its handle is on the left edge) and narrows with ArrowRight", () => {
    expect(sideAfterKey(360, "ArrowLeft")).toBe(360 + SIDE_STEP_PX);
    expect(sideAfterKey(360, "ArrowRight")).toBe(360 - SIDE_STEP_PX);
    expect(sideAfterKey(360, "Home")).toBe(SIDE_MIN_PX);
    expect(sideAfterKey(360, "End", 1280)).toBe(SIDE_MAX_PX);
    expect(sideAfterKey(360, "a")).toBeNull();
  });
});
