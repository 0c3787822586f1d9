// @vitest-environment happy-dom
/** Where keyboard focus goes when the room's controls change, and what the live region says. */
import { act, cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventFrame, Snapshot, TimerOut } from "../protocol";
import type { CommandInput } from "../transport/outbox";
import type { RoomSocketHandlers, SocketState } from "../transport/socket";
import { RoomController, type RoomTransport } from "./controller";
import { RoomScreen } from "./RoomApp";

const config = {
  publicId: "9f2c", wsPath: "/ws/interviews/9f2c/", roundUrl: "/interviews/9f2c/",
  feedbackUrl: "/interviews/9f2c/feedback/", userId: 3, role: "interviewer" as const,
};
const NOW = 1_767_225_600_000;
const idle: TimerOut = { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0, 0], added_ms: [0, 0, 0] };

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    type: "snapshot", protocol: 1, seq: 12, streams: { all: 12, me: 0 }, server_time: NOW,
    interview: { public_id: "9f2c", title: "Round", kind: "system_design", status: "live", started_at: NOW, ended_at: null },
    me: { user_id: 3, name: "Dana", role: "interviewer" }, participants: [], presence: [],
    agenda: [{ name: "Clarify", minutes: 5 }, { name: "Design", minutes: 20 }, { name: "Wrap-up", minutes: 5 }],
    timer: idle, board: { elements: [], files: [], checksum: "811c9dc5" }, read_only: false,
    rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
    ...overrides,
  };
}

function renderRoom(snap: Snapshot) {
  let handlers!: RoomSocketHandlers;
  const state: SocketState = { status: "connected", retryAt: null, pending: [], closedReason: null };
  let next = 0;
  const send = vi.fn<(input: CommandInput) => string>(() => `x-${(next += 1)}`);
  const transport: RoomTransport = {
    start() {}, stop() {}, send, resume: () => true, reconnectNow() {},
    getState: () => state, subscribe: () => () => undefined,
  };
  const controller = new RoomController((h) => {
    handlers = h;
    return transport;
  }, () => NOW);
  handlers.onSnapshot(snap);
  render(<RoomScreen controller={controller} config={config} />);
  let seq = snap.seq;
  const deliver = (kind: string, payload: object) => {
    const event = { type: "event", seq: seq + 1, stream: "all", prev: seq, kind, actor: 3, at: NOW, payload } as unknown as EventFrame;
    seq += 1;
    act(() => handlers.onEvent(event));
  };
  const controls = () => within(screen.getByRole("group", { name: "Interviewer controls" }));
  return { send, deliver, controls, user: userEvent.setup() };
}

const announcer = () => screen.getByTestId("room-announcer").textContent ?? "";
const controlSays = () => screen.getByTestId("control-announcer").textContent ?? "";

afterEach(() => cleanup());

describe("focus and announcements in the room", () => {
  it("keeps focus on the one primary button from Start round to Pause, and says so", async () => {
    const { send, deliver, controls, user } = renderRoom(
      snapshot({ interview: { ...snapshot().interview, status: "scheduled", started_at: null } }),
    );
    const start = controls().getByRole("button", { name: "Start round" });
    start.focus();
    await user.keyboard("{Enter}");
    expect(send.mock.calls).toEqual([[{ type: "round.start" }], [{ type: "timer.start" }]]);
    deliver("round.started", { status: "live", started_at: NOW });
    deliver("timer.changed", { command: "timer.start", timer: { ...idle, running: true, anchor_ms: NOW } });
    const pause = controls().getByRole("button", { name: "Pause" });
    expect(pause).toBe(start);
    expect(document.activeElement).toBe(pause);
    expect(controlSays()).toBe("Button now reads Pause.");
    expect(announcer()).toBe("The round has started. Timer running: Clarify.");
    await user.keyboard(" ");
    expect(send.mock.calls.at(-1)).toEqual([{ type: "timer.pause" }]);
    deliver("timer.changed", { command: "timer.pause", timer: { ...idle, phase_spent_ms: [4_000, 0, 0] } });
    expect(document.activeElement).toBe(controls().getByRole("button", { name: "Resume" }));
    expect(announcer()).toContain("Timer paused.");
  });

  it("hands focus to the primary button when the focused Next phase becomes unavailable", async () => {
    const running = { ...idle, running: true, anchor_ms: NOW, phase_index: 1 };
    const { deliver, controls, user } = renderRoom(snapshot({ timer: running }));
    const nextPhase = controls().getByRole("button", { name: "Next phase" });
    nextPhase.focus();
    await user.keyboard("{Enter}");
    deliver("timer.changed", { command: "timer.next", timer: { ...running, phase_index: 2 } });
    expect(nextPhase).toHaveProperty("disabled", true);
    expect(document.activeElement).toBe(controls().getByRole("button", { name: "Pause" }));
    expect(announcer()).toContain("Phase: Wrap-up.");
    expect(controlSays()).toBe("Next phase is not available now; focus is on Pause.");
  });

  it("brings focus back to End round when the dialog is dismissed with Escape", async () => {
    const { send, controls, user } = renderRoom(snapshot());
    const end = controls().getByRole("button", { name: "End round" });
    end.focus();
    await user.keyboard("{Enter}");
    const dialog = screen.getByTestId("end-round-dialog");
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Keep going" }));
    act(() => {
      dialog.dispatchEvent(new Event("cancel", { cancelable: true }));
    });
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(document.activeElement).toBe(end);
    expect(send).not.toHaveBeenCalled();
  });

  it("moves focus to the ended notice once the round ends, with a link to the feedback form", () => {
    const { deliver } = renderRoom(snapshot({ timer: { ...idle, running: true, anchor_ms: NOW } }));
    deliver("round.ended", { status: "ended", ended_at: NOW, timer: { ...idle, phase_spent_ms: [1, 0, 0] } });
    const notice = screen.getByTestId("round-ended");
    expect(document.activeElement).toBe(notice);
    expect(within(notice).getByRole("link").getAttribute("href")).toBe("/interviews/9f2c/feedback/");
    expect(screen.getByTestId("timer-status").textContent).toBe("Ended");
  });
});
