import { describe, expect, it, vi } from "vitest";
import type { EventFrame, Snapshot } from "../protocol";
import type { CommandInput, OutgoingCommand } from "../transport/outbox";
import type { RoomSocketHandlers, SocketState } from "../transport/socket";
import { RoomController, describeError, type RoomTransport } from "./controller";

function setup() {
  let handlers!: RoomSocketHandlers;
  const sent: CommandInput[] = [];
  const state: SocketState = { status: "connected", retryAt: null, pending: [], closedReason: null };
  const transport: RoomTransport = {
    start: vi.fn(),
    stop: vi.fn(),
    send: (input) => {
      sent.push(input);
      return `t-${sent.length}`;
    },
    resume: () => true,
    reconnectNow() {},
    getState: () => state,
    subscribe: () => () => undefined,
  };
  const controller = new RoomController((h) => {
    handlers = h;
    return transport;
  }, () => 0);
  controller.start();
  return { controller, handlers, sent };
}

const snapshot = {
  type: "snapshot", protocol: 1, seq: 10, streams: { all: 10, me: 3 }, server_time: 0,
  interview: { public_id: "p", title: "T", kind: "coding", status: "live", started_at: 1, ended_at: null },
  me: { user_id: 3, name: "Dana", role: "interviewer" }, participants: [], presence: [],
  agenda: [{ name: "A", minutes: 5 }],
  timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0], added_ms: [0] },
  board: { elements: [], files: [], checksum: "811c9dc5" }, read_only: false,
  rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
} satisfies Snapshot;

describe("RoomController and the side panel's commands", () => {
  it("queues them in the outbox and tracks each one's ack", () => {
    const { controller, handlers, sent } = setup();
    handlers.onSnapshot(snapshot);
    const id = controller.sendTracked({ type: "score.set", criterion: "req", score: 3, comment: "c" });
    expect(sent).toEqual([{ type: "score.set", criterion: "req", score: 3, comment: "c" }]);
    expect(controller.getSnapshot().outcomes.has(id)).toBe(false);
    const before = controller.getSnapshot();
    handlers.onAck?.({ type: "ack", id, seq: 11 }, { type: "score.set", id } as unknown as OutgoingCommand);
    expect(controller.getSnapshot()).not.toBe(before);
    expect(controller.getSnapshot().outcomes.get(id)).toEqual({ status: "acked", seq: 11 });
    const event: EventFrame = {
      type: "event", seq: 11, stream: "me", prev: 3, kind: "score.set", actor: null, at: 0,
      payload: { criterion: "req", score: 3, comment: "c" },
    };
    handlers.onEvent(event);
    expect(controller.getSnapshot().room.myScores.get("req")).toEqual({ score: 3, comment: "c" });
  });

  it("records refusals and explains them", () => {
    const { controller, handlers } = setup();
    const id = controller.sendTracked({ type: "note.add", text: "hi" });
    handlers.onError?.(
      { type: "error", id, code: "round_not_live", message: "Scores and notes open when the round starts." },
      { type: "note.add", id, text: "hi" } as unknown as OutgoingCommand,
    );
    expect(controller.getSnapshot().outcomes.get(id)).toEqual({ status: "refused", code: "round_not_live" });
    expect(controller.getSnapshot().error?.text).toBe(
      "Could not save your note: Scores and notes open when the round starts.",
    );
  });

  it("does not track commands it did not send with sendTracked", () => {
    const { controller, handlers } = setup();
    const id = controller.send({ type: "timer.pause" });
    handlers.onAck?.({ type: "ack", id, seq: 4 }, { type: "timer.pause", id });
    expect(controller.getSnapshot().outcomes.size).toBe(0);
  });
});

describe("describeError for the side panel", () => {
  const refuse = { type: "error" as const, id: "a", code: "round_ended", message: "" };
  const as = (command: object) => command as unknown as OutgoingCommand;
  it("names each command", () => {
    expect(describeError(refuse, as({ type: "score.set", id: "a", criterion: "x" }))).toBe(
      "Could not save your score: The round has ended; the room is read-only.",
    );
    expect(describeError(refuse, as({ type: "rubric.visibility", id: "a", hidden: true }))).toMatch(
      /^Could not change who sees the rubric:/,
    );
    expect(describeError(refuse, as({ type: "prompt.reveal", id: "a" }))).toMatch(/^Could not reveal the prompt:/);
    expect(describeError(refuse, as({ type: "mystery", id: "a" }))).toMatch(/^Could not do that:/);
  });
});
