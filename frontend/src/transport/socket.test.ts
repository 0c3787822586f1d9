import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventFrame, Snapshot } from "../protocol";
import {
  PING_INTERVAL_MS,
  QUICK_PINGS,
  RoomSocket,
  SILENCE_LIMIT_MS,
  socketUrl,
  type RoomSocketHandlers,
  type WebSocketLike,
} from "./socket";

class FakeWebSocket {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  onopen: WebSocketLike["onopen"] = null;
  onmessage: WebSocketLike["onmessage"] = null;
  onclose: WebSocketLike["onclose"] = null;
  onerror: WebSocketLike["onerror"] = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number): void {
    this.closedWith = code ?? 1000;
    this.readyState = 3;
  }

  // Test helpers: play the server's part.
  open(): void {
    this.readyState = 1;
    this.onopen?.call(this as unknown as WebSocket, new Event("open"));
  }

  deliver(frame: object): void {
    this.onmessage?.call(
      this as unknown as WebSocket,
      { data: JSON.stringify(frame) } as MessageEvent,
    );
  }

  serverClose(code = 1006): void {
    this.readyState = 3;
    this.onclose?.call(this as unknown as WebSocket, { code } as CloseEvent);
  }

  sentOfType(type: string): Record<string, unknown>[] {
    return this.sent.filter((frame) => frame.type === type);
  }
}

function snapshot(): Snapshot {
  return {
    type: "snapshot",
    protocol: 1,
    seq: 3,
    streams: { all: 3, me: 0 },
    server_time: 1_000,
    interview: {
      public_id: "p",
      title: "T",
      kind: "coding",
      status: "live",
      started_at: 1,
      ended_at: null,
    },
    me: { user_id: 7, name: "Sam", role: "interviewer" },
    participants: [],
    presence: [],
    agenda: [{ name: "A", minutes: 5 }],
    timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0], added_ms: [0] },
    board: { elements: [], files: [], checksum: "811c9dc5" },
    read_only: false,
    rubric: null,
    rubric_hidden: false,
    scores: [],
    notes: [],
    prompt: { revealed: false, text: null },
  };
}

function setup(options: { online?: boolean; random?: number } = {}) {
  const sockets: FakeWebSocket[] = [];
  const connectivity = new EventTarget();
  let online = options.online ?? true;
  const handlers = {
    onOpen: vi.fn(),
    onSnapshot: vi.fn(),
    onEvent: vi.fn(),
    onEvents: vi.fn(),
    onAck: vi.fn(),
    onError: vi.fn(),
    onPong: vi.fn(),
  } satisfies RoomSocketHandlers;
  const socket = new RoomSocket("ws://host/ws/interviews/p/", handlers, {
    createWebSocket: (url) => {
      const ws = new FakeWebSocket(url);
      sockets.push(ws);
      return ws as unknown as WebSocketLike;
    },
    random: () => options.random ?? 0.5,
    isOnline: () => online,
    connectivity,
    idPrefix: "s",
  });
  const last = () => {
    const ws = sockets.at(-1);
    if (!ws) throw new Error("no socket yet");
    return ws;
  };
  const setOnline = (value: boolean) => {
    online = value;
    connectivity.dispatchEvent(new Event(value ? "online" : "offline"));
  };
  return { socket, sockets, handlers, last, setOnline };
}

describe("socketUrl", () => {
  it("uses wss on https pages and ws otherwise", () => {
    expect(socketUrl({ protocol: "https:", host: "a.example:8443" }, "/ws/x/")).toBe(
      "wss://a.example:8443/ws/x/",
    );
    expect(socketUrl({ protocol: "http:", host: "localhost:8000" }, "ws/x/")).toBe(
      "ws://localhost:8000/ws/x/",
    );
  });
});

describe("RoomSocket", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("connects, reports the snapshot and becomes connected", () => {
    const { socket, last, handlers } = setup();
    socket.start();
    expect(socket.getState().status).toBe("connecting");
    last().open();
    expect(handlers.onOpen).toHaveBeenCalledOnce();
    last().deliver(snapshot());
    expect(handlers.onSnapshot).toHaveBeenCalledOnce();
    expect(socket.getState().status).toBe("connected");
    socket.stop();
  });

  it("sends five quick pings after connecting, then one every 5 s, and reports pongs", () => {
    const { socket, last, handlers } = setup();
    socket.start();
    last().open();
    vi.advanceTimersByTime(2_000);
    expect(last().sentOfType("ping")).toHaveLength(QUICK_PINGS);
    last().deliver({ type: "pong", t: 1_000_000, server_time: 5_000_000 });
    expect(handlers.onPong).toHaveBeenCalledWith(1_000_000, Date.now(), 5_000_000);
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(last().sentOfType("ping")).toHaveLength(QUICK_PINGS + 1);
    socket.stop();
  });

  it("queues commands while disconnected and sends them after the snapshot", () => {
    const { socket, last } = setup();
    socket.start();
    const id = socket.send({ type: "timer.pause" });
    expect(id).toBe("s-1");
    expect(socket.getState().pending).toHaveLength(1);
    last().open();
    expect(last().sentOfType("timer.pause")).toHaveLength(0);
    last().deliver(snapshot());
    expect(last().sentOfType("timer.pause")).toEqual([{ type: "timer.pause", id: "s-1" }]);
    socket.stop();
  });

  it("keeps a command until its ack, resending it on every reconnect", () => {
    const { socket, last, sockets, handlers } = setup();
    socket.start();
    last().open();
    last().deliver(snapshot());
    socket.send({ type: "timer.add_time", minutes: 5 });
    expect(last().sentOfType("timer.add_time")).toHaveLength(1);

    last().serverClose(1006);
    expect(socket.getState().status).toBe("reconnecting");
    vi.advanceTimersByTime(15_000);
    expect(sockets).toHaveLength(2);
    last().open();
    last().deliver(snapshot());
    expect(last().sentOfType("timer.add_time")).toEqual([
      { type: "timer.add_time", id: "s-1", minutes: 5 },
    ]);

    last().deliver({ type: "ack", id: "s-1", seq: 9, duplicate: true });
    expect(handlers.onAck).toHaveBeenCalledOnce();
    expect(socket.getState().pending).toHaveLength(0);
    socket.stop();
  });

  it("drops a refused command and reports the error with it", () => {
    const { socket, last, handlers } = setup();
    socket.start();
    last().open();
    last().deliver(snapshot());
    socket.send({ type: "timer.next" });
    last().deliver({ type: "error", id: "s-1", code: "conflict", message: "This is the last phase." });
    expect(handlers.onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: "conflict" }),
      { type: "timer.next", id: "s-1" },
    );
    expect(socket.getState().pending).toHaveLength(0);
    socket.stop();
  });

  it("waits a jittered, growing delay between failed attempts", () => {
    const { socket, last, sockets } = setup({ random: 0.5 });
    socket.start();
    last().serverClose(1006);
    expect(socket.getState().retryAt).toBe(Date.now() + 250);
    vi.advanceTimersByTime(249);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().serverClose(1006);
    expect(socket.getState().retryAt).toBe(Date.now() + 500);
    vi.advanceTimersByTime(500);
    last().serverClose(1006);
    expect(socket.getState().retryAt).toBe(Date.now() + 1000);
    // A snapshot resets the backoff.
    vi.advanceTimersByTime(1000);
    last().open();
    last().deliver(snapshot());
    last().serverClose(1006);
    expect(socket.getState().retryAt).toBe(Date.now() + 250);
    socket.stop();
  });

  it("goes offline with the browser and reconnects at once when back online", () => {
    const { socket, last, sockets, setOnline } = setup();
    socket.start();
    last().open();
    last().deliver(snapshot());
    setOnline(false);
    expect(socket.getState().status).toBe("offline");
    expect(sockets[0]?.closedWith).not.toBeNull();
    socket.send({ type: "timer.pause" });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    setOnline(true);
    expect(sockets).toHaveLength(2);
    expect(socket.getState().status).toBe("reconnecting");
    last().open();
    last().deliver(snapshot());
    expect(last().sentOfType("timer.pause")).toHaveLength(1);
    socket.stop();
  });

  it("starts offline when the browser is offline", () => {
    const { socket, sockets } = setup({ online: false });
    socket.start();
    expect(socket.getState().status).toBe("offline");
    expect(sockets).toHaveLength(0);
    socket.stop();
  });

  it("does not reconnect after a fatal close code", () => {
    const { socket, last, sockets } = setup();
    socket.start();
    last().serverClose(4003);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(socket.getState().closedReason).toMatch(/not a participant/i);
    socket.stop();
  });

  it("replaces a connection that went silent", () => {
    const { socket, last, sockets } = setup();
    socket.start();
    last().open();
    last().deliver(snapshot());
    vi.advanceTimersByTime(SILENCE_LIMIT_MS + PING_INTERVAL_MS + 2_000);
    expect(sockets.length).toBeGreaterThan(1);
    expect(sockets[0]?.closedWith).not.toBeNull();
    socket.stop();
  });

  it("passes events through, and only the answer to its own resume", () => {
    const { socket, last, handlers } = setup();
    socket.start();
    expect(socket.resume(3)).toBe(false);
    last().open();
    last().deliver(snapshot());
    const event: EventFrame = {
      type: "event", seq: 5, stream: "all", prev: 4, kind: "timer.changed", actor: null, at: 1,
      payload: {
        command: "timer.pause",
        timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0], added_ms: [0] },
      },
    };
    last().deliver(event);
    expect(handlers.onEvent).toHaveBeenCalledWith(event);
    expect(socket.resume(3)).toBe(true);
    expect(socket.resume(3)).toBe(false);
    const [request] = last().sentOfType("resume");
    expect(request).toEqual({ type: "resume", id: "s-1", last_seq: 3 });
    last().deliver({ type: "events", id: "other", seq: 5, events: [] });
    expect(handlers.onEvents).not.toHaveBeenCalled();
    last().deliver({ type: "events", id: "s-1", seq: 5, events: [event] });
    expect(handlers.onEvents).toHaveBeenCalledOnce();
    socket.stop();
  });

  it("reconnects for a fresh snapshot when a resume is refused", () => {
    const { socket, last, sockets } = setup();
    socket.start();
    last().open();
    last().deliver(snapshot());
    socket.resume(1);
    last().deliver({ type: "error", id: "s-1", code: "rate_limited", message: "slow down" });
    expect(sockets).toHaveLength(2);
    socket.stop();
  });

  it("closes on stop and can start again (React StrictMode)", () => {
    const { socket, sockets } = setup();
    socket.start();
    socket.stop();
    expect(sockets[0]?.closedWith).toBe(1000);
    socket.start();
    expect(sockets).toHaveLength(2);
    sockets[1]?.open();
    sockets[1]?.deliver(snapshot());
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(2);
    expect(socket.getState().status).toBe("connected");
    socket.stop();
  });
});
