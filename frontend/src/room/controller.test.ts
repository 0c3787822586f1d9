import { describe, expect, it, vi } from "vitest";
import type { EventFrame, Snapshot } from "../protocol";
import type { CommandInput } from "../transport/outbox";
import type { RoomSocketHandlers, SocketState } from "../transport/socket";
import { RoomController, describeError, type RoomTransport } from "./controller";
import type { RawWire } from "./wire";

class FakeTransport implements RoomTransport {
  handlers!: RoomSocketHandlers;
  resumes: number[] = [];
  resumeAllowed = true;
  reconnects = 0;
  sent: CommandInput[] = [];
  state: SocketState = { status: "connecting", retryAt: null, pending: [], closedReason: null };
  private listeners = new Set<() => void>();

  start = vi.fn();
  stop = vi.fn();
  send(input: CommandInput): string {
    this.sent.push(input);
    return `t-${this.sent.length}`;
  }
  resume(lastSeq: number): boolean {
    if (!this.resumeAllowed) return false;
    this.resumes.push(lastSeq);
    return true;
  }
  reconnectNow(): void {
    this.reconnects += 1;
  }
  getState(): SocketState {
    return this.state;
  }
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  setStatus(status: SocketState["status"]): void {
    this.state = { ...this.state, status };
    for (const l of this.listeners) l();
  }
}

function snapshot(all = 10): Snapshot {
  return {
    type: "snapshot",
    protocol: 1,
    seq: all,
    streams: { all, me: 0 },
    server_time: 50_000,
    interview: {
      public_id: "p", title: "T", kind: "coding", status: "live", started_at: 1, ended_at: null,
    },
    me: { user_id: 7, name: "Sam", role: "candidate" },
    participants: [],
    presence: [],
    agenda: [{ name: "A", minutes: 5 }],
    timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0], added_ms: [0] },
    board: { elements: [], files: [], checksum: "811c9dc5" },
    read_only: false,
    rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
  };
}

function joined(seq: number, prev: number, user: number): EventFrame {
  return {
    type: "event", seq, stream: "all", prev, kind: "presence.joined", actor: null, at: 0,
    payload: { user_id: user, name: `U${user}`, role: "observer", connections: 1 },
  };
}

function setup() {
  let transport!: FakeTransport;
  const controller = new RoomController((handlers) => {
    transport = new FakeTransport();
    transport.handlers = handlers;
    return transport;
  }, () => 40_000);
  controller.start();
  const listener = vi.fn();
  controller.subscribe(listener);
  return { controller, transport, listener };
}

describe("RoomController", () => {
  it("applies the snapshot, then events, and notifies subscribers", () => {
    const { controller, transport, listener } = setup();
    transport.handlers.onOpen?.();
    transport.handlers.onSnapshot(snapshot());
    transport.handlers.onEvent(joined(11, 10, 3));
    expect(controller.getSnapshot().room.presence.has(3)).toBe(true);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it("seeds the clock from the snapshot", () => {
    const { controller, transport } = setup();
    transport.handlers.onSnapshot(snapshot());
    expect(controller.serverNow(40_000)).toBe(50_000);
    transport.handlers.onPong?.(41_000, 41_100, 60_050);
    expect(controller.serverNow(42_000)).toBe(61_000);
  });

  it("buffers events that arrive before the snapshot", () => {
    const { controller, transport } = setup();
    transport.handlers.onOpen?.();
    transport.handlers.onEvent(joined(10, 9, 2)); // already in the snapshot
    transport.handlers.onEvent(joined(11, 10, 3));
    transport.handlers.onSnapshot(snapshot(10));
    const room = controller.getSnapshot().room;
    expect(room.lastSeen.all).toBe(11);
    expect(room.presence.has(3)).toBe(true);
    expect(transport.resumes).toEqual([]);
  });

  it("resumes once on a gap and applies the answer, then what came meanwhile", () => {
    const { controller, transport } = setup();
    transport.handlers.onSnapshot(snapshot(10));
    transport.handlers.onEvent(joined(13, 12, 3)); // 11, 12 missing
    transport.handlers.onEvent(joined(14, 13, 4));
    expect(transport.resumes).toEqual([0]); // min(all 10, me 0)
    transport.handlers.onEvents({
      type: "events", id: "x", seq: 13,
      events: [joined(11, 10, 1), joined(12, 11, 2), joined(13, 12, 3)],
    });
    const room = controller.getSnapshot().room;
    expect(room.lastSeen.all).toBe(14);
    expect([...room.presence.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(transport.resumes).toHaveLength(1);
  });

  it("reconnects when resume answers keep leaving a gap", () => {
    const { transport } = setup();
    transport.handlers.onSnapshot(snapshot(10));
    transport.handlers.onEvent(joined(13, 12, 3));
    for (let i = 0; i < 3; i += 1) {
      transport.handlers.onEvents({ type: "events", id: "x", seq: 13, events: [] });
    }
    expect(transport.resumes).toHaveLength(3);
    expect(transport.reconnects).toBe(1);
  });

  it("waits for the next snapshot when a resume cannot be sent", () => {
    const { controller, transport } = setup();
    transport.handlers.onSnapshot(snapshot(10));
    transport.resumeAllowed = false;
    transport.handlers.onEvent(joined(13, 12, 3));
    transport.handlers.onOpen?.();
    transport.handlers.onSnapshot(snapshot(13));
    expect(controller.getSnapshot().room.lastSeen.all).toBe(13);
  });

  it("shows refusals and lets them be dismissed", () => {
    const { controller, transport } = setup();
    transport.handlers.onError?.(
      { type: "error", id: "t-1", code: "conflict", message: "This is the last phase." },
      { type: "timer.next", id: "t-1" },
    );
    expect(controller.getSnapshot().error?.text).toBe(
      "Could not go to the next phase: This is the last phase.",
    );
    controller.dismissError();
    expect(controller.getSnapshot().error).toBeNull();
  });

  it("republishes when the connection changes and passes commands through", () => {
    const { controller, transport, listener } = setup();
    transport.setStatus("reconnecting");
    expect(controller.getSnapshot().connection.status).toBe("reconnecting");
    expect(listener).toHaveBeenCalledOnce();
    expect(controller.send({ type: "timer.add_time", minutes: 1 })).toBe("t-1");
    controller.stop();
    expect(transport.stop).toHaveBeenCalled();
  });
});

describe("RoomController and the board", () => {
  function boardEvent(seq: number, prev: number): EventFrame {
    return {
      type: "event", seq, stream: "all", prev, kind: "board.updated", actor: null, at: 0,
      payload: {
        elements: [{ id: `e${seq}`, type: "rectangle", version: 1, versionNonce: 1, isDeleted: false, index: null }],
      },
    };
  }

  it("tells board listeners about the snapshot and each new event once, in seq order", () => {
    const { controller, transport } = setup();
    const seen: string[] = [];
    controller.addBoardListener({
      onSnapshot: (s) => seen.push(`snapshot ${s.seq}`),
      onEvent: (e) => seen.push(`${e.kind} ${e.seq}`),
    });
    transport.handlers.onSnapshot(snapshot(10));
    transport.handlers.onEvent(boardEvent(12, 11)); // gap: resume
    transport.handlers.onEvent(boardEvent(10, 9)); // duplicate
    transport.handlers.onEvents({ type: "events", id: "x", seq: 12, events: [boardEvent(11, 10), boardEvent(12, 11)] });
    expect(seen).toEqual(["snapshot 10", "board.updated 11", "board.updated 12"]);
    // A late listener gets the latest snapshot at once.
    const late = vi.fn();
    controller.addBoardListener({ onSnapshot: late });
    expect(late).toHaveBeenCalledOnce();
  });

  it("queues board updates in the outbox and reports their refusals to the board", () => {
    const { controller, transport } = setup();
    const onBoardError = vi.fn();
    controller.addBoardListener({ onBoardError });
    controller.sendBoardUpdate([{ id: "a", type: "rectangle", version: 2, versionNonce: 3 }]);
    expect(transport.sent).toEqual([
      { type: "board.update", elements: [{ id: "a", type: "rectangle", version: 2, versionNonce: 3 }] },
    ]);
    const refused = { type: "board.update" as const, id: "t-1", elements: [] };
    transport.handlers.onError?.(
      { type: "error", id: "t-1", code: "board_full", message: "" },
      refused as unknown as Parameters<NonNullable<RoomSocketHandlers["onError"]>>[1],
    );
    expect(onBoardError).toHaveBeenCalledOnce();
    expect(controller.getSnapshot().error?.text).toBe(
      "Could not save a change to the whiteboard: A board holds at most 20000 elements.",
    );
  });

  it("lists the pending board updates", () => {
    const { controller, transport } = setup();
    transport.state = {
      ...transport.state,
      pending: [
        { command: { type: "timer.pause", id: "a" }, createdAt: 0 },
        { command: { type: "board.update", id: "b", elements: [] } as never, createdAt: 0 },
      ],
    };
    expect(controller.pendingBoardUpdates().map((u) => u.id)).toEqual(["b"]);
  });

  it("passes tapped frames on and sends raw messages through the wire", () => {
    let tapped!: (frame: Parameters<Parameters<RawWire["subscribe"]>[0]>[0]) => void;
    const raw: unknown[] = [];
    const wire: RawWire = {
      send: (m) => {
        raw.push(m);
        return true;
      },
      subscribe: (listener) => {
        tapped = listener;
        return () => undefined;
      },
    };
    let transport!: FakeTransport;
    const controller = new RoomController((handlers) => {
      transport = new FakeTransport();
      transport.handlers = handlers;
      return transport;
    }, () => 0, wire);
    controller.start();
    const onBoardState = vi.fn();
    const onEphemeral = vi.fn();
    controller.addBoardListener({ onBoardState, onEphemeral });
    tapped({ type: "ephemeral", kind: "cursor", sender: { user_id: 1, name: "A", role: "candidate" }, payload: {} });
    tapped({ type: "board.state", id: "v", seq: 3, board: { elements: [], files: [], checksum: "" } });
    expect(onEphemeral).toHaveBeenCalledOnce();
    expect(onBoardState).toHaveBeenCalledOnce();
    expect(controller.sendRaw({ type: "viewport", scrollX: 0, scrollY: 0, zoom: 1, width: 1, height: 1 })).toBe(true);
    expect(raw).toHaveLength(1);
  });
});

describe("describeError", () => {
  it("falls back to the code's meaning and handles add_time", () => {
    expect(
      describeError(
        { type: "error", id: "a", code: "round_not_live", message: "" },
        { type: "timer.add_time", id: "a", minutes: 5 },
      ),
    ).toBe("Could not add 5 min: The round is not live.");
    expect(describeError({ type: "error", code: "bad_json", message: "" }, null)).toBe(
      "The frame is not a JSON object.",
    );
  });
});
