import { describe, expect, it } from "vitest";
import type { InterviewOut, TimerOut } from "../protocol";
import type { SocketState } from "../transport/socket";
import { controlsState } from "./controls";
import { connectionLabel, pendingLabel, tabsLabel, timerStatusWord } from "./labels";

const base: SocketState = { status: "connected", retryAt: null, pending: [], closedReason: null };

describe("connectionLabel", () => {
  it("names each status", () => {
    expect(connectionLabel(base, 0)).toBe("Connected");
    expect(connectionLabel({ ...base, status: "connecting" }, 0)).toBe("Connecting…");
    expect(connectionLabel({ ...base, status: "offline" }, 0)).toBe(
      "Offline — changes will be sent when you're back",
    );
  });

  it("counts down to the next attempt in whole seconds", () => {
    const waiting = { ...base, status: "reconnecting" as const, retryAt: 10_000 };
    expect(connectionLabel(waiting, 5_500)).toBe("Reconnecting in 5s…");
    expect(connectionLabel(waiting, 9_999)).toBe("Reconnecting in 1s…");
    expect(connectionLabel(waiting, 10_000)).toBe("Reconnecting…");
  });

  it("explains a final close", () => {
    expect(connectionLabel({ ...base, status: "offline", closedReason: "Logged out." }, 0)).toBe(
      "Disconnected: Logged out.",
    );
  });
});

describe("small labels", () => {
  it("counts pending changes and tabs", () => {
    expect(pendingLabel(0)).toBe("");
    expect(pendingLabel(1)).toBe("1 change waiting to be sent");
    expect(pendingLabel(3)).toBe("3 changes waiting to be sent");
    expect(tabsLabel(1)).toBe("");
    expect(tabsLabel(2)).toBe("(2 tabs)");
  });
});

const timer: TimerOut = {
  phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0], added_ms: [0, 0],
};
const interview: InterviewOut = {
  public_id: "p", title: "T", kind: "coding", status: "live", started_at: 1, ended_at: null,
};
const agenda = [{ name: "A", minutes: 5 }, { name: "B", minutes: 10 }];

describe("timerStatusWord", () => {
  it("tells not started, running and paused apart", () => {
    expect(timerStatusWord(timer)).toBe("Not started");
    expect(timerStatusWord({ ...timer, running: true, anchor_ms: 5 })).toBe("Running");
    expect(timerStatusWord({ ...timer, phase_spent_ms: [3, 0] })).toBe("Paused");
  });

  it("says Ended once the round is over, not Paused", () => {
    expect(timerStatusWord({ ...timer, phase_spent_ms: [3, 0] }, true)).toBe("Ended");
    expect(timerStatusWord({ ...timer, running: true, anchor_ms: 5 }, true)).toBe("Ended");
  });
});

describe("controlsState", () => {
  it("offers Start round only while scheduled, with timer buttons disabled", () => {
    const state = controlsState({ ...interview, status: "scheduled" }, timer, agenda);
    expect(state).toMatchObject({
      primary: "start-round", showEndRound: false, timerEnabled: false,
      canPrevious: false, canNext: false,
    });
  });

  it("switches the one primary button between start, pause and resume", () => {
    expect(controlsState(interview, timer, agenda).primary).toBe("start");
    expect(controlsState(interview, { ...timer, running: true, anchor_ms: 1 }, agenda).primary).toBe("pause");
    expect(controlsState(interview, { ...timer, phase_spent_ms: [1, 0] }, agenda).primary).toBe("resume");
  });

  it("allows moving between phases within the agenda", () => {
    expect(controlsState(interview, timer, agenda)).toMatchObject({ canPrevious: false, canNext: true });
    expect(controlsState(interview, { ...timer, phase_index: 1 }, agenda)).toMatchObject({
      canPrevious: true, canNext: false,
    });
  });
});
