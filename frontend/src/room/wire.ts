/**
 * A tap on the room's WebSocket for the frames RoomSocket does not handle itself: the
 * board's full state (`board.state`) and other people's cursors and viewports
 * (`ephemeral`). It also sends the messages that never wait in the outbox: `board.verify`,
 * `cursor` and `viewport` (best-effort, no ack expected).
 *
 * RoomSocket takes a `createWebSocket` function; WireTap.createWebSocket wraps the real
 * constructor and listens on each new socket, so RoomSocket stays untouched.
 */
import type { BoardState, BoardVerify, Cursor, Ephemeral, Viewport } from "../protocol";
import type { WebSocketLike } from "../transport/socket";

/** Messages sent straight to the socket, outside the outbox. */
export type RawMessage = BoardVerify | Cursor | Viewport;

/** Frames the tap hands on. */
export type TappedFrame = BoardState | Ephemeral;

export interface RawWire {
  /** Send now if the connection is up and has had its snapshot; false otherwise. */
  send(message: RawMessage): boolean;
  subscribe(listener: (frame: TappedFrame) => void): () => void;
}

/** The part of a socket the tap needs: a DOM WebSocket, or a fake in tests. */
export type TappableSocket = WebSocketLike & Pick<WebSocket, "addEventListener">;

const OPEN = 1;

export class WireTap implements RawWire {
  private current: TappableSocket | null = null;
  private synced = false;
  private readonly listeners = new Set<(frame: TappedFrame) => void>();

  constructor(
    private readonly open: (url: string) => TappableSocket = (url) => new WebSocket(url),
  ) {}

  /** Pass as RoomSocket's `createWebSocket`. */
  readonly createWebSocket = (url: string): WebSocketLike => {
    const ws = this.open(url);
    this.current = ws;
    this.synced = false;
    ws.addEventListener("message", (event: MessageEvent) => {
      if (ws !== this.current) return;
      this.receive(event.data);
    });
    ws.addEventListener("close", () => {
      if (ws !== this.current) return;
      this.current = null;
      this.synced = false;
    });
    return ws;
  };

  send(message: RawMessage): boolean {
    const ws = this.current;
    if (!ws || !this.synced || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  subscribe(listener: (frame: TappedFrame) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    // Cheap test first: most frames are events and pongs the tap does not care about.
    if (!data.includes('"snapshot"') && !data.includes('"board.state"') && !data.includes('"ephemeral"')) return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== "object" || frame === null) return;
    const type = (frame as { type?: unknown }).type;
    if (type === "snapshot") {
      this.synced = true;
      return;
    }
    if (type !== "board.state" && type !== "ephemeral") return;
    for (const listener of [...this.listeners]) listener(frame as TappedFrame);
  }
}
