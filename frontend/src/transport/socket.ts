/**
 * RoomSocket: one WebSocket to the room, kept open. No React here.
 *
 * - Reconnects with full-jitter exponential backoff (see backoff.ts); the attempt counter
 *   resets once a connection has delivered its snapshot.
 * - Knows whether the browser is offline and then waits for the `online` event instead of
 *   retrying into the void.
 * - Keeps an outbox of commands until the server answers each with `ack` or `error`, and
 *   sends it again after every (re)connect once the snapshot has been handled.
 * - Pings for clock sync: five quick pings after connecting, then one every 5 s. A
 *   connection that has been silent for too long is presumed dead and replaced.
 *
 * Room semantics (applying events, detecting gaps) live with the caller; the socket only
 * carries `resume` requests and hands their answers back.
 */
import {
  CLOSE_CODES,
  type Ack,
  type ErrorFrame,
  type EventFrame,
  type Events,
  type Pong,
  type Snapshot,
} from "../protocol";
import { backoffDelay } from "./backoff";
import { createIdGenerator, randomSessionPrefix } from "./ids";
import { Outbox, type CommandInput, type OutgoingCommand, type PendingCommand } from "./outbox";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline";

export interface SocketState {
  readonly status: ConnectionStatus;
  /** While waiting to reconnect: the local time (ms) of the next attempt; otherwise null. */
  readonly retryAt: number | null;
  /** Commands not yet acknowledged, oldest first. */
  readonly pending: readonly PendingCommand[];
  /** Set when the server closed the socket for good (for example: logged out). */
  readonly closedReason: string | null;
}

export interface RoomSocketHandlers {
  /** A new connection is open; its snapshot follows. Anything buffered from before is stale. */
  onOpen?(): void;
  onSnapshot(snapshot: Snapshot): void;
  onEvent(event: EventFrame): void;
  /** The answer to this connection's pending `resume`. */
  onEvents(frame: Events): void;
  onAck?(ack: Ack, command: OutgoingCommand): void;
  /** A refusal. `command` is the refused pending command, or null if the error names none. */
  onError?(error: ErrorFrame, command: OutgoingCommand | null): void;
  /** A clock-sync sample, all in ms: local send time, local receive time, server clock. */
  onPong?(sentAt: number, receivedAt: number, serverTime: number): void;
}

/** The part of the DOM WebSocket this module uses, so tests can pass a fake. */
export type WebSocketLike = Pick<
  WebSocket,
  "readyState" | "send" | "close" | "onopen" | "onmessage" | "onclose" | "onerror"
>;

export interface SocketEnvironment {
  createWebSocket(url: string): WebSocketLike;
  now(): number;
  random(): number;
  isOnline(): boolean;
  /** Where `online`/`offline` events fire (window in a browser); null: never. */
  connectivity: EventTarget | null;
  /** Prefix for message ids; random per socket by default. */
  idPrefix: string;
}

export const QUICK_PINGS = 5;
export const QUICK_PING_SPACING_MS = 250;
export const PING_INTERVAL_MS = 5_000;
/** No frame at all for this long (pongs included) means the connection is dead. */
export const SILENCE_LIMIT_MS = 20_000;
/** A connection that has not produced its snapshot within this time is given up. */
export const SNAPSHOT_TIMEOUT_MS = 15_000;
/** Close codes after which reconnecting cannot help. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([4001, 4003, 4401]);

const OPEN = 1;

/** ws:// or wss:// URL for a path on this page's host. */
export function socketUrl(loc: Pick<Location, "protocol" | "host">, wsPath: string): string {
  const scheme = loc.protocol === "https:" ? "wss" : "ws";
  const path = wsPath.startsWith("/") ? wsPath : `/${wsPath}`;
  return `${scheme}://${loc.host}${path}`;
}

function defaultEnvironment(): SocketEnvironment {
  const hasWindow = typeof window !== "undefined";
  return {
    createWebSocket: (url) => new WebSocket(url),
    now: () => Date.now(),
    random: Math.random,
    isOnline: () => (typeof navigator === "undefined" ? true : navigator.onLine !== false),
    connectivity: hasWindow ? window : null,
    idPrefix: randomSessionPrefix(),
  };
}

type Listener = () => void;

export class RoomSocket {
  private readonly env: SocketEnvironment;
  private readonly nextId: () => string;
  private readonly outbox = new Outbox();
  private readonly listeners = new Set<Listener>();

  private started = false;
  private ws: WebSocketLike | null = null;
  /** The current connection has delivered its snapshot. */
  private synced = false;
  private everSynced = false;
  private attempt = 0;
  private resumeId: string | null = null;
  private lastFrameAt = 0;
  private quickPingsLeft = 0;

  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;

  private state: SocketState = {
    status: "connecting",
    retryAt: null,
    pending: [],
    closedReason: null,
  };

  constructor(
    private readonly url: string,
    private readonly handlers: RoomSocketHandlers,
    env: Partial<SocketEnvironment> = {},
  ) {
    this.env = { ...defaultEnvironment(), ...env };
    this.nextId = createIdGenerator(this.env.idPrefix);
  }

  // --- Public API -------------------------------------------------------------------

  /** Open the connection (idempotent). Pair every start() with a stop(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.attempt = 0;
    this.env.connectivity?.addEventListener("online", this.handleOnline);
    this.env.connectivity?.addEventListener("offline", this.handleOffline);
    if (this.env.isOnline()) {
      this.connect();
    } else {
      this.update({ status: "offline", retryAt: null });
    }
  }

  /** Close the connection and stop reconnecting. The outbox is kept for a later start(). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.env.connectivity?.removeEventListener("online", this.handleOnline);
    this.env.connectivity?.removeEventListener("offline", this.handleOffline);
    clearTimeout(this.retryTimer);
    this.dropConnection(1000);
    this.update({ retryAt: null });
  }

  /**
   * Queue a command; it is sent now if the connection is ready, otherwise after the next
   * snapshot. Returns the message id; the verdict comes through onAck/onError.
   */
  send(input: CommandInput): string {
    const command = { ...input, id: this.nextId() } as OutgoingCommand;
    this.outbox.add(command, this.env.now());
    if (this.synced) this.transmit(command);
    this.update({});
    return command.id;
  }

  /**
   * Take a pending command out of the outbox without a verdict (it is not sent again), for
   * a caller that holds it back, e.g. to retry it later with backoff. Returns it, or null.
   */
  withdraw(id: string): OutgoingCommand | null {
    const item = this.outbox.settle(id);
    if (!item) return null;
    this.update({});
    return item.command;
  }

  /** Put a withdrawn command back, with its id (the server deduplicates by id). */
  requeue(command: OutgoingCommand): void {
    if (this.outbox.has(command.id)) return;
    this.outbox.add(command, this.env.now());
    if (this.synced) this.transmit(command);
    this.update({});
  }

  /**
   * Ask for the events after `lastSeq`. Returns false when it cannot be sent now (no ready
   * connection, or a resume is already waiting for its answer).
   */
  resume(lastSeq: number): boolean {
    if (!this.synced || this.resumeId !== null) return false;
    const id = this.nextId();
    if (!this.transmit({ type: "resume", id, last_seq: Math.max(0, lastSeq) })) return false;
    this.resumeId = id;
    return true;
  }

  /** Replace the connection now (for a fresh snapshot). */
  reconnectNow(): void {
    if (!this.started) return;
    this.dropConnection(4000);
    clearTimeout(this.retryTimer);
    if (this.env.isOnline()) this.connect();
    else this.update({ status: "offline", retryAt: null });
  }

  getState(): SocketState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // --- Connection lifecycle ---------------------------------------------------------

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.synced = false;
    this.resumeId = null;
    this.update({
      status: this.everSynced || this.attempt > 0 ? "reconnecting" : "connecting",
      retryAt: null,
    });
    let ws: WebSocketLike;
    try {
      ws = this.env.createWebSocket(this.url);
    } catch {
      this.afterClose(1006);
      return;
    }
    this.ws = ws;
    this.lastFrameAt = this.env.now();
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.lastFrameAt = this.env.now();
      this.handlers.onOpen?.();
      this.quickPingsLeft = QUICK_PINGS;
      this.ping();
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastFrameAt = this.env.now();
      this.receive(event.data);
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.detach(ws);
      this.afterClose(event.code);
    };
    ws.onerror = () => {
      // A close event always follows; nothing to do here.
    };
    this.snapshotTimer = setTimeout(() => {
      if (ws === this.ws && !this.synced) this.giveUp();
    }, SNAPSHOT_TIMEOUT_MS);
  }

  /** Forget the current connection (if any) without reconnecting. */
  private dropConnection(code: number): void {
    const ws = this.ws;
    if (ws) {
      this.detach(ws);
      try {
        ws.close(code);
      } catch {
        // Closing a socket that never opened can throw in some browsers; it is gone anyway.
      }
    }
  }

  private detach(ws: WebSocketLike): void {
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    if (this.ws === ws) this.ws = null;
    this.synced = false;
    this.resumeId = null;
    clearTimeout(this.pingTimer);
    clearTimeout(this.snapshotTimer);
  }

  /** The connection is presumed dead: replace it as if the server had closed it. */
  private giveUp(): void {
    this.dropConnection(4000);
    this.afterClose(1006);
  }

  private afterClose(code: number): void {
    if (!this.started) return;
    if (FATAL_CLOSE_CODES.has(code)) {
      this.update({
        status: "offline",
        retryAt: null,
        closedReason: CLOSE_CODES[code] ?? "The server closed the connection.",
      });
      return;
    }
    if (!this.env.isOnline()) {
      this.update({ status: "offline", retryAt: null });
      return;
    }
    const delay = backoffDelay(this.attempt, this.env.random);
    this.attempt += 1;
    this.update({ status: "reconnecting", retryAt: this.env.now() + delay });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private readonly handleOnline = (): void => {
    if (!this.started || this.ws || this.state.closedReason) return;
    this.attempt = 0;
    this.connect();
  };

  private readonly handleOffline = (): void => {
    if (!this.started || this.state.closedReason) return;
    clearTimeout(this.retryTimer);
    this.dropConnection(4000);
    this.update({ status: "offline", retryAt: null });
  };

  // --- Frames -----------------------------------------------------------------------

  private transmit(message: object): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  private ping(): void {
    clearTimeout(this.pingTimer);
    if (this.env.now() - this.lastFrameAt > SILENCE_LIMIT_MS) {
      this.giveUp();
      return;
    }
    this.transmit({ type: "ping", t: this.env.now() });
    let delay = PING_INTERVAL_MS;
    if (this.quickPingsLeft > 0) {
      this.quickPingsLeft -= 1;
      if (this.quickPingsLeft > 0) delay = QUICK_PING_SPACING_MS;
    }
    this.pingTimer = setTimeout(() => this.ping(), delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== "object" || frame === null) return;
    const type = (frame as { type?: unknown }).type;
    switch (type) {
      case "snapshot":
        this.onSnapshot(frame as Snapshot);
        break;
      case "event":
        this.handlers.onEvent(frame as EventFrame);
        break;
      case "events":
        this.onEventsFrame(frame as Events);
        break;
      case "ack":
        this.onAck(frame as Ack);
        break;
      case "error":
        this.onErrorFrame(frame as ErrorFrame);
        break;
      case "pong":
        this.onPongFrame(frame as Pong);
        break;
      default:
        break;
    }
  }

  private onSnapshot(snapshot: Snapshot): void {
    const firstOnThisConnection = !this.synced;
    this.resumeId = null;
    this.handlers.onSnapshot(snapshot);
    clearTimeout(this.snapshotTimer);
    this.synced = true;
    this.everSynced = true;
    this.attempt = 0;
    if (firstOnThisConnection) {
      for (const item of this.outbox.list()) this.transmit(item.command);
    }
    this.update({ status: "connected", retryAt: null });
  }

  private onEventsFrame(frame: Events): void {
    if (frame.id !== this.resumeId) return;
    this.resumeId = null;
    this.handlers.onEvents(frame);
  }

  private onAck(ack: Ack): void {
    const item = this.outbox.settle(ack.id);
    if (!item) return;
    this.handlers.onAck?.(ack, item.command);
    this.update({});
  }

  private onErrorFrame(error: ErrorFrame): void {
    const id = error.id ?? null;
    if (id !== null && id === this.resumeId) {
      // Could not resume: a fresh connection brings a fresh snapshot.
      this.resumeId = null;
      this.reconnectNow();
      return;
    }
    const item = id === null ? undefined : this.outbox.settle(id);
    this.handlers.onError?.(error, item?.command ?? null);
    if (item) this.update({});
  }

  private onPongFrame(pong: Pong): void {
    if (typeof pong.t !== "number" || typeof pong.server_time !== "number") return;
    this.handlers.onPong?.(pong.t, this.env.now(), pong.server_time);
  }

  // --- State ------------------------------------------------------------------------

  private update(change: Partial<Omit<SocketState, "pending">>): void {
    const next: SocketState = { ...this.state, ...change, pending: this.outbox.list() };
    const same =
      next.status === this.state.status &&
      next.retryAt === this.state.retryAt &&
      next.pending === this.state.pending &&
      next.closedReason === this.state.closedReason;
    if (same) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
