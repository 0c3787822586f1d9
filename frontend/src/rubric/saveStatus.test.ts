import { describe, expect, it } from "vitest";
import type { CommandOutcome } from "../room/controller";
import { commandState, saveLabel } from "./saveStatus";

const none = new Set<string>();
const noOutcomes = new Map<string, CommandOutcome>();

describe("commandState", () => {
  it("is none before anything was sent", () => {
    expect(commandState(null, none, noOutcomes, 5)).toBe("none");
  });

  it("is in flight while queued, and after the ack until its event is applied", () => {
    expect(commandState("a-1", new Set(["a-1"]), noOutcomes, 5)).toBe("in-flight");
    const acked = new Map<string, CommandOutcome>([["a-1", { status: "acked", seq: 9 }]]);
    expect(commandState("a-1", none, acked, 8)).toBe("in-flight");
    expect(commandState("a-1", none, acked, undefined)).toBe("in-flight");
    expect(commandState("a-1", none, acked, 9)).toBe("applied");
    expect(commandState("a-1", none, acked, 12)).toBe("applied");
  });

  it("is refused when the server said no", () => {
    const refused = new Map<string, CommandOutcome>([["a-1", { status: "refused", code: "round_not_live" }]]);
    expect(commandState("a-1", none, refused, 99)).toBe("refused");
  });
});

describe("saveLabel", () => {
  it("says Saving… while typing or travelling", () => {
    expect(saveLabel("none", true, false)).toBe("Saving…");
    expect(saveLabel("applied", true, true)).toBe("Saving…");
    expect(saveLabel("in-flight", false, true)).toBe("Saving…");
  });

  it("says Saved once applied, or for a score that came with the snapshot", () => {
    expect(saveLabel("applied", false, true)).toBe("Saved");
    expect(saveLabel("none", false, true)).toBe("Saved");
    expect(saveLabel("none", false, false)).toBe("");
  });

  it("says Not saved when refused", () => {
    expect(saveLabel("refused", false, true)).toBe("Not saved");
  });
});
