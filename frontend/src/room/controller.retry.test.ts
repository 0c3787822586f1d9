/**
 * A message that makes the server fail is not sent again forever: the real RoomSocket with
 * a fake WebSocket plays a server that drops the connection (or answers a transient error)
 * every time it gets the note.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Snapshot } from "../protocol";
import { RoomSocket, type WebSocketLike } from "../transport/socket";
import { MAX_DELIVERY_ATTEMPTS, RETRY_CAP_MS, RoomController, retryDelay } from "./controller";

class FakeWebSocket {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: WebSocketLike["onopen"] = null;
  onmessage: WebSocketLike["onmessage"] = null;
  onclose: WebSocketLike["onclose"] = null;
  onerror: WebSocketLike["onerror"] = null;

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.call(this as unknown as WebSocket, new Event("open"));
  }
  deliver(frame: object): void {
    this.onmessage?.call(this as unknown as WebSocket, { data: JSON.stringify(frame) } as MessageEvent);
  }
  serverClose(code = 1011): void {
    this.readyState = 3;
    this.onclose?.call(this as unknown as WebSocket, { code } as CloseEvent);
  }
  notes(): Record<string, unknown>[] {
    return this.sent.filter((frame) => frame.type === "note.add");
  }
}

function snapshot(): Snapshot {
  return {
    type: "snapshot", protocol: 1, seq: 3, streams: { all: 3, me: 0 }, server_time: 1_000,
    interview: { public_id: "p", title: "T", kind: "coding", status: "live", started_at: 1, ended_at: null },
    me: { user_id: 7, name: "Sam", role: "interviewer" },
    participants: [], presence: [], agenda: [{ name: "A", minutes: 5 }],
    timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0], added_ms: [0] },
    board: { elements: [], files: [], checksum: "811c9dc5" }, read_only: false,
    rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
  };
}

function setup() {
  const sockets: FakeWebSocket[] = [];
  const controller = new RoomController(
    (handlers) =>
      new RoomSocket("ws://h/ws/", handlers, {
        createWebSocket: () => {
          const ws = new FakeWebSocket();
          sockets.push(ws);
          return ws as unknown as WebSocketLike;
        },
        now: () => Date.now(),
        random: () => 0, // reconnect at once: only the controller's own backoff spaces retries
        isOnline: () => true,
        connectivity: null,
        idPrefix: "c",
      }),
  );
  controller.start();
  const latest = (): FakeWebSocket => {
    const ws = sockets[sockets.length - 1];
    if (!ws) throw new Error("no socket yet");
    return ws;
  };
  /** The server accepts the connection and sends its snapshot. */
  const connect = () => {
    latest().open();
    latest().deliver(snapshot());
  };
  /** Let the socket reconnect (backoff 0) and the new connection sync. */
  const reconnect = async () => {
    await vi.advanceTimersByTimeAsync(1);
    connect();
  };
  return { controller, sockets, latest, connect, reconnect };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a command the server keeps failing on", () => {
  it("is retried with growing waits, then given up with a clear message", async () => {
    const { controller, sockets, latest, connect, reconnect } = setup();
    connect();
    const id = controller.sendTracked({ type: "note.add", text: "Asked about scale" });
    expect(latest().notes()).toHaveLength(1);

    let transmissions = 1;
    for (let failure = 1; failure < MAX_DELIVERY_ATTEMPTS; failure += 1) {
      // The server dies on the note; the client reconnects but holds the note back...
      latest().serverClose(1011);
      await reconnect();
      expect(latest().notes()).toHaveLength(0);
      expect(controller.getSnapshot().retrying.has(id)).toBe(true);
      // ...until its backoff has passed, then sends it again, with the same id.
      await vi.advanceTimersByTimeAsync(retryDelay(failure) - 2);
      expect(latest().notes()).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(2);
      expect(latest().notes()).toEqual([{ type: "note.add", text: "Asked about scale", id }]);
      transmissions += 1;
    }
    latest().serverClose(1011);
    await reconnect();
    // Given up: out of the outbox, never sent again, and the person is told.
    await vi.advanceTimersByTimeAsync(RETRY_CAP_MS * 4);
    expect(sockets.reduce((n, ws) => n + ws.notes().length, 0)).toBe(transmissions);
    const view = controller.getSnapshot();
    expect(view.outcomes.get(id)).toEqual({ status: "failed" });
    expect(view.retrying.size).toBe(0);
    expect(view.connection.pending).toHaveLength(0);
    expect(view.error?.text).toContain("Could not save your note");
    expect(view.error?.text).toContain("Retry it, or copy your text.");
  });

  it("retries after a transient error frame, and settles when the server finally acks", async () => {
    const { controller, latest, connect } = setup();
    connect();
    const id = controller.sendTracked({ type: "note.add", text: "Drew the write path" });
    latest().deliver({ type: "error", id, code: "internal", message: "boom" });
    expect(controller.getSnapshot().retrying.has(id)).toBe(true);
    expect(controller.getSnapshot().error).toBeNull();
    await vi.advanceTimersByTimeAsync(retryDelay(1));
    expect(latest().notes().map((frame) => frame.id)).toEqual([id, id]);
    latest().deliver({ type: "ack", id, seq: 4, duplicate: false });
    const view = controller.getSnapshot();
    expect(view.outcomes.get(id)).toEqual({ status: "acked", seq: 4 });
    expect(view.retrying.size).toBe(0);
  });

  it("refuses at once on a final error such as invalid", () => {
    const { controller, latest, connect } = setup();
    connect();
    const id = controller.sendTracked({ type: "note.add", text: "x" });
    latest().deliver({ type: "error", id, code: "invalid", message: "text: too long" });
    expect(controller.getSnapshot().outcomes.get(id)).toEqual({ status: "refused", code: "invalid" });
    expect(controller.getSnapshot().retrying.size).toBe(0);
  });

  it("does not count a command queued while offline as a failure", async () => {
    const { controller, latest, connect } = setup();
    // Not connected yet: the note waits in the outbox and goes with the first snapshot.
    const id = controller.sendTracked({ type: "note.add", text: "Queued early" });
    connect();
    expect(latest().notes().map((frame) => frame.id)).toEqual([id]);
    expect(controller.getSnapshot().retrying.size).toBe(0);
  });

  it("leaves board updates to the board, resent on every reconnect", async () => {
    const { controller, latest, connect, reconnect } = setup();
    connect();
    controller.sendBoardUpdate([]);
    latest().serverClose(1011);
    await reconnect();
    expect(latest().sent.filter((frame) => frame.type === "board.update")).toHaveLength(1);
  });
});
