// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Snapshot, TimerOut } from "../protocol";
import type { CommandInput } from "../transport/outbox";
import type { RoomSocketHandlers, SocketState } from "../transport/socket";
import { RoomController, type RoomTransport } from "./controller";
import { RoomScreen } from "./RoomApp";

const config = {
  publicId: "9f2c",
  wsPath: "/ws/interviews/9f2c/",
  roundUrl: "/interviews/9f2c/",
  feedbackUrl: "/interviews/9f2c/feedback/",
  userId: 3,
  role: "interviewer" as const,
};

const NOW = 1_767_225_600_000;

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    type: "snapshot",
    protocol: 1,
    seq: 12,
    streams: { all: 12, me: 0 },
    server_time: NOW,
    interview: {
      public_id: "9f2c", title: "Design a URL shortener", kind: "system_design",
      status: "live", started_at: NOW - 600_000, ended_at: null,
    },
    me: { user_id: 3, name: "Dana", role: "interviewer" },
    participants: [],
    presence: [],
    agenda: [{ name: "Clarify", minutes: 5 }, { name: "Design", minutes: 20 }, { name: "Wrap-up", minutes: 5 }],
    timer: {
      phase_index: 1, running: true, anchor_ms: NOW - 60_000,
      phase_spent_ms: [310_000, 1_000, 0], added_ms: [0, 0, 0],
    },
    board: { elements: [], files: [], checksum: "811c9dc5" },
    read_only: false,
    rubric: {
      title: "Rubric",
      criteria: [{
        key: "scoping", name: "Scoping", description: "", weight: 1, phases: [],
        levels: [{ score: 1, label: "Not yet", anchor: "" }, { score: 2, label: "Solid", anchor: "" }],
      }],
    },
    rubric_hidden: false,
    scores: [],
    notes: [],
    prompt: { revealed: false, text: null },
    ...overrides,
  };
}

const paused = (timer: Partial<TimerOut>): Partial<Snapshot> => ({
  timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0, 0], added_ms: [0, 0, 0], ...timer },
});

/** The room on screen for this snapshot; `send` is the transport's, so it sees every command. */
function renderRoom(snap: Snapshot) {
  let handlers!: RoomSocketHandlers;
  const state: SocketState = { status: "connected", retryAt: null, pending: [], closedReason: null };
  let next = 0;
  const send = vi.fn<(input: CommandInput) => string>(() => {
    next += 1;
    return `x-${next}`;
  });
  const transport: RoomTransport = {
    start() {},
    stop() {},
    send,
    resume: () => true,
    reconnectNow() {},
    getState: () => state,
    subscribe: () => () => undefined,
  };
  const controller = new RoomController((h) => {
    handlers = h;
    return transport;
  }, () => NOW);
  handlers.onSnapshot(snap);
  const user = userEvent.setup();
  render(<RoomScreen controller={controller} config={config} />);
  const controls = () => within(screen.getByRole("group", { name: "Interviewer controls" }));
  return { send, user, handlers, controls };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("The interviewer's timer controls", () => {
  it.each([
    ["Pause", { type: "timer.pause" }],
    ["Previous phase", { type: "timer.previous" }],
    ["Next phase", { type: "timer.next" }],
    ["+1 min", { type: "timer.add_time", minutes: 1 }],
    ["+5 min", { type: "timer.add_time", minutes: 5 }],
    ["Reset timer", { type: "timer.reset" }],
  ])("%s sends exactly its command", async (name, command) => {
    const { send, user, controls } = renderRoom(snapshot());
    await user.click(controls().getByRole("button", { name }));
    expect(send.mock.calls).toEqual([[command]]);
  });

  it("resumes a paused timer", async () => {
    const { send, user, controls } = renderRoom(snapshot(paused({ phase_spent_ms: [42_000, 0, 0] })));
    await user.click(controls().getByRole("button", { name: "Resume" }));
    expect(send.mock.calls).toEqual([[{ type: "timer.resume" }]]);
  });

  it("starts a timer nobody has started", async () => {
    const { send, user, controls } = renderRoom(snapshot(paused({})));
    await user.click(controls().getByRole("button", { name: "Start timer" }));
    expect(send.mock.calls).toEqual([[{ type: "timer.start" }]]);
  });

  it("goes no further than the last phase", async () => {
    const { send, user, controls } = renderRoom(snapshot(paused({ phase_index: 2, phase_spent_ms: [1, 1, 1] })));
    await user.click(controls().getByRole("button", { name: "Next phase" }));
    await user.click(controls().getByRole("button", { name: "Previous phase" }));
    expect(send.mock.calls).toEqual([[{ type: "timer.previous" }]]);
  });

  it("ends the round only once the interviewer confirms in the page's dialog", async () => {
    const confirm = vi.fn(() => true);
    vi.stubGlobal("confirm", confirm);
    const { send, user, controls } = renderRoom(snapshot());
    const end = controls().getByRole("button", { name: "End round" });
    await user.click(end);
    const dialog = screen.getByTestId("end-round-dialog");
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Keep going" }));
    await user.click(within(dialog).getByRole("button", { name: "Keep going" }));
    expect(send).not.toHaveBeenCalled();
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(document.activeElement).toBe(end);
    await user.click(end);
    await user.click(within(dialog).getByRole("button", { name: "End round now" }));
    expect(send.mock.calls).toEqual([[{ type: "round.end" }]]);
    expect(confirm).not.toHaveBeenCalled();
  });

  it("starts a scheduled round and its first phase with one button; timer buttons wait", async () => {
    const base = snapshot(paused({}));
    const { send, user, controls } = renderRoom({
      ...base,
      interview: { ...base.interview, status: "scheduled", started_at: null },
    });
    for (const name of ["Next phase", "+1 min", "+5 min", "Reset timer"]) {
      await user.click(controls().getByRole("button", { name }));
    }
    expect(controls().queryByRole("button", { name: "Start timer" })).toBeNull();
    expect(send).not.toHaveBeenCalled();
    await user.click(controls().getByRole("button", { name: "Start round" }));
    expect(send.mock.calls).toEqual([[{ type: "round.start" }], [{ type: "timer.start" }]]);
  });
});

describe("The room's side panel", () => {
  it("queues a score in the room's outbox", async () => {
    const { send, user } = renderRoom(snapshot());
    await user.click(screen.getByRole("radio", { name: "2 Solid" }));
    expect(send.mock.calls).toEqual([[{ type: "score.set", criterion: "scoping", score: 2, comment: "" }]]);
  });

  it("queues a note in the room's outbox", async () => {
    const { send, user } = renderRoom(snapshot());
    await user.click(screen.getByRole("tab", { name: "Notes" }));
    await user.type(screen.getByRole("textbox", { name: "Note" }), "Drew the write path{Enter}");
    expect(send.mock.calls).toEqual([[{ type: "note.add", text: "Drew the write path" }]]);
  });
});

describe("The room's alert", () => {
  it("shows a refusal until dismissed", async () => {
    const { user, handlers } = renderRoom(snapshot());
    act(() => handlers.onError?.({ type: "error", id: "x-9", code: "forbidden", message: "Only the interviewer can do that." }, null));
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Only the interviewer can do that.");
    await user.click(within(alert).getByRole("button", { name: "Dismiss" }));
    expect(alert.textContent).toBe("");
  });
});
