/**
 * RoomController ties the transport, the store and the clock together, outside React.
 * React reads it through useSyncExternalStore (subscribe + getSnapshot).
 *
 * Ordering rules:
 * - Events that arrive before a connection's snapshot are buffered and applied after it
 *   (duplicates fall away by seq).
 * - On a gap, one `resume` is sent; events arriving meanwhile are buffered and applied after
 *   the answer. A gap the answer does not close is retried, then a reconnect brings a fresh
 *   snapshot.
 */
import {
  ERROR_CODES,
  type Ack,
  type BoardElement,
  type BoardState,
  type BoardUpdate,
  type Ephemeral,
  type ErrorFrame,
  type EventFrame,
  type NoteAdd,
  type PromptReveal,
  type RubricVisibility,
  type ScoreSet,
  type Snapshot,
} from "../protocol";
import { ServerClock } from "../timer/clock";
import type { CommandInput, OutgoingCommand } from "../transport/outbox";
import type { RoomSocketHandlers, SocketState } from "../transport/socket";
import {
  applyEvent,
  applySnapshot,
  initialRoomState,
  resumePoint,
  type ApplyResult,
  type RoomState,
} from "./store";
import type { RawMessage, RawWire, TappedFrame } from "./wire";

/** What the controller needs from a transport (RoomSocket implements it). */
export interface RoomTransport {
  start(): void;
  stop(): void;
  send(input: CommandInput): string;
  resume(lastSeq: number): boolean;
  reconnectNow(): void;
  /** Take a pending command out of the outbox without a verdict; null if not pending. */
  withdraw?(id: string): OutgoingCommand | null;
  /** Put a withdrawn command back (same id), sent now if the connection is ready. */
  requeue?(command: OutgoingCommand): void;
  getState(): SocketState;
  subscribe(listener: () => void): () => void;
}

export type TransportFactory = (handlers: RoomSocketHandlers) => RoomTransport;

/**
 * What the whiteboard hears from the room, in order. Events arrive once each, after the
 * controller has put them in seq order (gaps resumed, duplicates dropped).
 */
export interface BoardListener {
  onSnapshot?(snapshot: Snapshot): void;
  onEvent?(event: EventFrame): void;
  onBoardState?(frame: BoardState): void;
  onEphemeral?(frame: Ephemeral): void;
  /** A refused board message (`command` is the refused `board.update`, if known). */
  onBoardError?(error: ErrorFrame, command: BoardUpdate | null): void;
}

/** A pending outbox entry is a `board.update` (the outbox's types only know the room commands). */
export function isBoardUpdate(command: unknown): command is BoardUpdate {
  return (
    typeof command === "object" &&
    command !== null &&
    (command as { type?: unknown }).type === "board.update" &&
    Array.isArray((command as { elements?: unknown }).elements)
  );
}

export interface RoomNotice {
  /** Increases with every notice, so the same text twice is still news. */
  readonly id: number;
  readonly text: string;
}

/** Scores, notes, the rubric's visibility and the prompt: commands the side panel sends. */
export type RubricCommand = ScoreSet | NoteAdd | RubricVisibility | PromptReveal;

/** The same, before the transport has given it an id. */
export type RubricCommandInput = RubricCommand extends infer C
  ? C extends RubricCommand
    ? Omit<C, "id">
    : never
  : never;

/** What became of a command sent with sendTracked(): acked as event `seq`, or refused. */
export type CommandOutcome =
  | { readonly status: "acked"; readonly seq: number }
  | { readonly status: "refused"; readonly code: string }
  /** Given up after repeated server failures (see MAX_DELIVERY_ATTEMPTS); retry by hand. */
  | { readonly status: "failed" };

export interface RoomView {
  readonly room: RoomState;
  readonly connection: SocketState;
  /** The latest refusal from the server, until dismissed. */
  readonly error: RoomNotice | null;
  /** Outcomes of the tracked commands, by message id (the most recent few hundred). */
  readonly outcomes: ReadonlyMap<string, CommandOutcome>;
  /** Commands held back after a server failure, waiting to be tried again. */
  readonly retrying: ReadonlySet<string>;
}

/** Tracked outcomes kept; older ones are forgotten. */
const MAX_OUTCOMES = 300;

/**
 * How often a command may meet a server failure before it is given up: an `error` with a
 * transient code, or a connection that died while the command waited for its verdict (a
 * message that makes the server fail would otherwise be sent again on every reconnect).
 */
export const MAX_DELIVERY_ATTEMPTS = 4;
/** Waits before trying a failed command again: 1 s, 2 s, 4 s… (at most RETRY_CAP_MS). */
export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 8_000;
/** Error codes that say "not now" rather than "no": the command is tried again later. */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  "internal",
  "server_error",
  "unavailable",
  "timeout",
]);

export function retryDelay(failures: number): number {
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/** Resume answers that still leave a gap before we give up and reconnect. */
const MAX_RESUME_MISSES = 2;

const COMMAND_PHRASES: Record<OutgoingCommand["type"] | RubricCommand["type"], string> = {
  "round.start": "start the round",
  "round.end": "end the round",
  "timer.start": "start the timer",
  "timer.pause": "pause the timer",
  "timer.resume": "resume the timer",
  "timer.next": "go to the next phase",
  "timer.previous": "go to the previous phase",
  "timer.reset": "reset the timer",
  "timer.add_time": "add time",
  "score.set": "save your score",
  "note.add": "save your note",
  "rubric.visibility": "change who sees the rubric",
  "prompt.reveal": "reveal the prompt",
};

/** A sentence for a refusal, naming what was refused when we know. */
export function describeError(error: ErrorFrame, command: OutgoingCommand | null): string {
  const known = (ERROR_CODES as Record<string, string>)[error.code];
  const reason = error.message?.trim() || known || "The server refused the request.";
  if (!command) return reason;
  if (isBoardUpdate(command)) return `Could not save a change to the whiteboard: ${reason}`;
  // The outbox also carries the side panel's commands, whatever its types say.
  const type = (command as { type: string }).type;
  const what =
    command.type === "timer.add_time"
      ? `add ${command.minutes} min`
      : ((COMMAND_PHRASES as Record<string, string>)[type] ?? "do that");
  return `Could not ${what}: ${reason}`;
}

export class RoomController {
  readonly clock = new ServerClock();
  private readonly transport: RoomTransport;
  private readonly listeners = new Set<() => void>();
  private unsubscribeTransport: (() => void) | null = null;

  private room: RoomState = initialRoomState;
  private error: RoomNotice | null = null;
  private noticeCounter = 0;
  private readonly tracked = new Set<string>();
  private outcomes: ReadonlyMap<string, CommandOutcome> = new Map();
  private view: RoomView;

  /** Commands transmitted on the current connection, or to be when its snapshot comes. */
  private readonly transmitted = new Set<string>();
  /** Server failures per pending command. */
  private readonly failures = new Map<string, number>();
  /** Commands held back for a later retry, with their timers. */
  private readonly held = new Map<string, { command: OutgoingCommand; timer: ReturnType<typeof setTimeout> }>();
  private retrying: ReadonlySet<string> = new Set();

  private awaitingSnapshot = true;
  private resumeWaiting = false;
  private resumeMisses = 0;
  private buffer: EventFrame[] = [];

  private readonly boardListeners = new Set<BoardListener>();
  private latestSnapshot: Snapshot | null = null;
  private unsubscribeWire: (() => void) | null = null;

  constructor(
    createTransport: TransportFactory,
    private readonly localNow: () => number = () => Date.now(),
    private readonly wire: RawWire | null = null,
  ) {
    this.transport = createTransport({
      onOpen: () => this.handleOpen(),
      onSnapshot: (snapshot) => this.handleSnapshot(snapshot),
      onEvent: (event) => this.handleEvent(event),
      onEvents: (frame) => this.handleResumeAnswer(frame.events),
      onAck: (ack) => this.handleAck(ack),
      onError: (error, command) => this.handleError(error, command),
      onPong: (sentAt, receivedAt, serverTime) =>
        this.clock.addSample(sentAt, receivedAt, serverTime),
    });
    this.view = {
      room: this.room,
      connection: this.transport.getState(),
      error: null,
      outcomes: this.outcomes,
      retrying: this.retrying,
    };
  }

  // --- Lifecycle and commands --------------------------------------------------------

  start(): void {
    if (!this.unsubscribeTransport) {
      this.unsubscribeTransport = this.transport.subscribe(() => this.publish());
    }
    if (this.wire && !this.unsubscribeWire) {
      this.unsubscribeWire = this.wire.subscribe((frame) => this.handleTapped(frame));
    }
    this.transport.start();
    this.publish();
  }

  stop(): void {
    // Held commands go back in the outbox, which outlives the connection.
    for (const [id, { command, timer }] of this.held) {
      clearTimeout(timer);
      this.held.delete(id);
      this.transport.requeue?.(command);
    }
    this.retrying = new Set();
    this.transport.stop();
    this.unsubscribeTransport?.();
    this.unsubscribeTransport = null;
    this.unsubscribeWire?.();
    this.unsubscribeWire = null;
  }

  send(input: CommandInput): string {
    return this.noteSent(this.transport.send(input));
  }

  /** A command goes out now when the connection is up; otherwise with the next snapshot. */
  private noteSent(id: string): string {
    if (this.transport.getState().status === "connected") this.transmitted.add(id);
    return id;
  }

  /**
   * Queue a side-panel command (score, note, rubric visibility, prompt) in the outbox, so
   * it survives reconnects, and track its outcome in the view's `outcomes`.
   */
  sendTracked(input: RubricCommandInput): string {
    // The outbox carries any message with an id; its types only list the room commands.
    const id = this.noteSent(this.transport.send(input as unknown as CommandInput));
    this.tracked.add(id);
    return id;
  }

  /** Queue a `board.update` in the outbox: sent now or after the next (re)connect, until acked. */
  sendBoardUpdate(elements: readonly BoardElement[]): string {
    // The outbox carries any message with an id; its types only list the room commands.
    const input = { type: "board.update", elements } as unknown as CommandInput;
    return this.noteSent(this.transport.send(input));
  }

  /** Send a best-effort message (`board.verify`, `cursor`, `viewport`) now, or drop it. */
  sendRaw(message: RawMessage): boolean {
    return this.wire?.send(message) ?? false;
  }

  /** The `board.update` messages still waiting for their ack, oldest first. */
  pendingBoardUpdates(): BoardUpdate[] {
    const out: BoardUpdate[] = [];
    for (const item of this.transport.getState().pending) {
      if (isBoardUpdate(item.command)) out.push(item.command);
    }
    return out;
  }

  /**
   * Hear the board's frames. A listener added after a snapshot gets that snapshot at once,
   * but not the events applied since: add listeners that keep state before start().
   */
  addBoardListener(listener: BoardListener): () => void {
    this.boardListeners.add(listener);
    if (this.latestSnapshot) listener.onSnapshot?.(this.latestSnapshot);
    return () => {
      this.boardListeners.delete(listener);
    };
  }

  dismissError(): void {
    if (!this.error) return;
    this.error = null;
    this.publish();
  }

  /** The server's clock now, corrected by ping/pong. */
  serverNow(localNow: number = this.localNow()): number {
    return this.clock.serverNow(localNow);
  }

  // --- useSyncExternalStore -----------------------------------------------------------

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): RoomView => this.view;

  // --- Frames -------------------------------------------------------------------------

  private handleOpen(): void {
    this.awaitingSnapshot = true;
    this.resumeWaiting = false;
    this.buffer = [];
    // Commands sent on the connection that just died got no verdict: count that as a
    // failure, and hold them back (with backoff) instead of resending them at once.
    // Board updates are the board's to manage (boardSync resends and reconciles them).
    for (const item of this.transport.getState().pending) {
      const { command } = item;
      if (!this.transmitted.has(command.id) || isBoardUpdate(command)) continue;
      if (!this.transport.withdraw?.(command.id)) continue;
      this.failed(command, null);
    }
    this.transmitted.clear();
    this.publish();
  }

  /**
   * A command met a server failure: try it again after a backoff, or give it up once it has
   * failed MAX_DELIVERY_ATTEMPTS times. It is out of the outbox either way.
   */
  private failed(command: OutgoingCommand, error: ErrorFrame | null): void {
    const { id } = command;
    const count = (this.failures.get(id) ?? 0) + 1;
    if (count >= MAX_DELIVERY_ATTEMPTS) {
      this.failures.delete(id);
      this.recordOutcome(id, { status: "failed" });
      this.noticeCounter += 1;
      const what = describeError(
        { type: "error", id, code: error?.code ?? "internal", message: "the server failed" },
        command,
      );
      this.error = {
        id: this.noticeCounter,
        text: `${what} ${count} times; it will not be sent again. Retry it, or copy your text.`,
      };
      return;
    }
    this.failures.set(id, count);
    const timer = setTimeout(() => {
      this.held.delete(id);
      this.retrying = new Set(this.held.keys());
      this.transport.requeue?.(command);
      this.noteSent(id);
      this.publish();
    }, retryDelay(count));
    this.held.set(id, { command, timer });
    this.retrying = new Set(this.held.keys());
  }

  private handleSnapshot(snapshot: Snapshot): void {
    this.clock.seed(snapshot.server_time, this.localNow());
    this.room = applySnapshot(this.room, snapshot);
    this.latestSnapshot = snapshot;
    for (const listener of [...this.boardListeners]) listener.onSnapshot?.(snapshot);
    this.awaitingSnapshot = false;
    this.resumeWaiting = false;
    this.resumeMisses = 0;
    // The socket sends the whole outbox once this returns.
    for (const item of this.transport.getState().pending) this.transmitted.add(item.command.id);
    if (this.drainBuffer()) this.requestResume();
    this.publish();
  }

  private handleEvent(event: EventFrame): void {
    if (this.awaitingSnapshot || this.resumeWaiting) {
      this.buffer.push(event);
      return;
    }
    const result = this.applyOne(event);
    if (result.gap) {
      this.buffer.push(event);
      this.requestResume();
      return;
    }
    this.publish();
  }

  private handleResumeAnswer(events: readonly EventFrame[]): void {
    this.resumeWaiting = false;
    let answerGap = false;
    for (const event of events) answerGap = this.applyOne(event).gap || answerGap;
    const stillGap = this.drainBuffer();
    if (answerGap || stillGap) {
      this.resumeMisses += 1;
      if (this.resumeMisses > MAX_RESUME_MISSES) {
        this.resumeMisses = 0;
        this.buffer = [];
        this.transport.reconnectNow();
      } else {
        this.requestResume();
      }
    } else {
      this.resumeMisses = 0;
    }
    this.publish();
  }

  private handleAck(ack: Ack): void {
    this.transmitted.delete(ack.id);
    this.failures.delete(ack.id);
    if (this.recordOutcome(ack.id, { status: "acked", seq: ack.seq })) this.publish();
  }

  /** Remember what became of a tracked command. True when it was one. */
  private recordOutcome(id: string | null | undefined, outcome: CommandOutcome): boolean {
    if (typeof id !== "string" || !this.tracked.delete(id)) return false;
    const next = new Map(this.outcomes);
    next.set(id, outcome);
    for (const old of next.keys()) {
      if (next.size <= MAX_OUTCOMES) break;
      next.delete(old);
    }
    this.outcomes = next;
    return true;
  }

  private handleError(error: ErrorFrame, command: OutgoingCommand | null): void {
    if (typeof error.id === "string") this.transmitted.delete(error.id);
    const canRetry = this.transport.requeue !== undefined;
    if (command && canRetry && !isBoardUpdate(command) && TRANSIENT_ERROR_CODES.has(error.code)) {
      this.failed(command, error);
      this.publish();
      return;
    }
    if (typeof error.id === "string") this.failures.delete(error.id);
    this.recordOutcome(error.id, { status: "refused", code: error.code });
    if (isBoardUpdate(command) || ["read_only", "board_full"].includes(error.code)) {
      const update = isBoardUpdate(command) ? command : null;
      for (const listener of [...this.boardListeners]) listener.onBoardError?.(error, update);
    }
    this.noticeCounter += 1;
    this.error = { id: this.noticeCounter, text: describeError(error, command) };
    this.publish();
  }

  /** Apply buffered events in seq order; keep the ones past a gap. True if a gap remains. */
  private drainBuffer(): boolean {
    const pending = [...this.buffer].sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    let gap = false;
    for (const event of pending) {
      if (this.applyOne(event).gap) {
        gap = true;
        this.buffer.push(event);
      }
    }
    return gap;
  }

  /** Apply one event to the store; tell the board about it when it was new. */
  private applyOne(event: EventFrame): ApplyResult {
    const result = applyEvent(this.room, event);
    this.room = result.state;
    if (result.outcome === "applied") {
      for (const listener of [...this.boardListeners]) listener.onEvent?.(event);
    }
    return result;
  }

  private handleTapped(frame: TappedFrame): void {
    for (const listener of [...this.boardListeners]) {
      if (frame.type === "board.state") listener.onBoardState?.(frame);
      else listener.onEphemeral?.(frame);
    }
  }

  private requestResume(): void {
    if (this.resumeWaiting) return;
    // If the transport cannot send now, the next connection's snapshot catches us up.
    this.resumeWaiting = this.transport.resume(resumePoint(this.room.lastSeen));
  }

  private publish(): void {
    const connection = this.transport.getState();
    const { view } = this;
    if (
      view.room === this.room &&
      view.connection === connection &&
      view.error === this.error &&
      view.outcomes === this.outcomes &&
      view.retrying === this.retrying
    ) {
      return;
    }
    this.view = {
      room: this.room,
      connection,
      error: this.error,
      outcomes: this.outcomes,
      retrying: this.retrying,
    };
    for (const listener of [...this.listeners]) listener();
  }
}
