/**
 * BoardSync keeps the shared board in step with the server, outside React.
 *
 * - A mirror of what the server has (snapshot, `board.updated` events, `board.state`) is
 *   kept from the first snapshot on, even before Excalidraw has mounted.
 * - Remote elements are merged into the scene with the server's own rule (reconcile.ts);
 *   the scene adapter applies them without an undo entry.
 * - Local changes are collected by version (sync.ts), at most one flush per 80 ms, and go
 *   out as `board.update` through the room's outbox (resent after a reconnect until
 *   acked). While the connection is down they are coalesced here instead.
 * - Every 10 s, when nothing is in flight, `board.verify` compares checksums; a mismatch
 *   brings `board.state`, which replaces the scene (keeping edits still on their way).
 * - Images: files the scene lacks are fetched from their URL; images added here are
 *   uploaded over HTTP first, and their elements are held back until the upload is done.
 *   A refused upload shows an alert and deletes the image element (the deletion is sent).
 */
import type {
  BoardFileOut,
  BoardOut,
  BoardState,
  BoardUpdate,
  EventFrame,
  Snapshot,
} from "../protocol";
import type { BoardListener } from "../room/controller";
import type { RawMessage } from "../room/wire";
import { createIdGenerator, randomSessionPrefix } from "../transport/ids";
import type { StoredFile, UploadOutcome } from "./files";
import { boardChecksum, incomingWins, isWireElement, ordered, reconcile, type WireElement } from "./reconcile";
import { SyncTracker } from "./sync";

export const FLUSH_INTERVAL_MS = 80;
export const VERIFY_INTERVAL_MS = 10_000;
/** After a refused board.update, check soon so the scene goes back to the server's. */
export const VERIFY_AFTER_ERROR_MS = 500;
const FILE_FETCH_ATTEMPTS = 3;
const UPLOAD_ATTEMPTS = 4;
const RETRY_BASE_MS = 2_000;

/** How the board talks to the room (RoomController in the app, a fake in tests). */
export interface BoardChannel {
  /** Queue a `board.update` (outbox: sent now or after reconnect, until acked). */
  sendUpdate(elements: readonly WireElement[]): void;
  /** Best-effort send; false when not connected. */
  sendRaw(message: RawMessage): boolean;
  /** Connected and synced (snapshot handled, outbox resent). */
  isConnected(): boolean;
  /** This user may change the board now. */
  canEdit(): boolean;
  /** `board.update` messages still waiting for their ack. */
  pendingUpdates(): readonly BoardUpdate[];
  listen(listener: BoardListener): () => void;
  /** Called whenever the room or the connection changes. */
  subscribe(listener: () => void): () => void;
}

export interface SceneFile {
  id: string;
  mimeType: string;
  dataURL: string;
}

/** What BoardSync needs from Excalidraw (the component implements it over the API). */
export interface BoardScene {
  /** Every element of the scene, tombstones included. */
  getElements(): readonly WireElement[];
  /** Replace the scene's elements without an undo entry. */
  setElements(elements: readonly WireElement[]): void;
  /** Clean up elements from the wire for the scene (Excalidraw's restore); order is kept. */
  normalize(elements: readonly WireElement[]): WireElement[];
  getFiles(): Readonly<Record<string, SceneFile | undefined>>;
  addFile(file: SceneFile): void;
  /** A deleted copy of `element`, version bumped. */
  deleted(element: WireElement): WireElement;
}

export interface FileTransport {
  upload(fileId: string, blob: Blob): Promise<UploadOutcome>;
  download(url: string, mimeType: string): Promise<string>;
  toBlob(dataURL: string, mimeType: string): Blob;
}

export interface BoardAlert {
  readonly id: number;
  readonly text: string;
}

export interface BoardSyncView {
  /** The scene holds the server's board. */
  readonly loaded: boolean;
  readonly alert: BoardAlert | null;
}

interface MirrorEntry {
  element: WireElement;
  /** The event seq that brought it (snapshot and board.state count as their seq). */
  seq: number;
}

type UploadState = "uploading" | "done";

function validElements(value: unknown): WireElement[] {
  return Array.isArray(value) ? value.filter(isWireElement) : [];
}

function isStoredFile(value: unknown): value is BoardFileOut {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Partial<BoardFileOut>;
  return typeof f.id === "string" && typeof f.url === "string" && typeof f.mimeType === "string";
}

function imageFileId(element: WireElement): string | null {
  if (element.type !== "image" || element.isDeleted) return null;
  return typeof element.fileId === "string" && element.fileId ? element.fileId : null;
}

export class BoardSync {
  private readonly tracker = new SyncTracker();
  private mirror = new Map<string, MirrorEntry>();
  private readonly serverFiles = new Map<string, BoardFileOut>();
  private readonly fileFetches = new Map<string, { attempts: number; busy: boolean }>();
  private readonly uploads = new Map<string, UploadState>();
  private readonly nextVerifyId = createIdGenerator(`${randomSessionPrefix(8)}v`);

  private scene: BoardScene | null = null;
  private haveSnapshot = false;
  private loaded = false;
  private started = false;
  private unlisten: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;

  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = -Infinity;
  private verifyTimer: ReturnType<typeof setInterval> | undefined;
  private verifySoonTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();

  private alertCounter = 0;
  private view: BoardSyncView = { loaded: false, alert: null };
  private readonly viewListeners = new Set<() => void>();

  constructor(
    private readonly channel: BoardChannel,
    private readonly files: FileTransport,
    private readonly now: () => number = () => Date.now(),
  ) {}

  // --- Lifecycle ----------------------------------------------------------------------

  /** Start listening (before the room's controller starts, so no event is missed). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unlisten = this.channel.listen(this.listener);
    this.unsubscribe = this.channel.subscribe(() => this.handleRoomChange());
    this.verifyTimer = setInterval(() => this.verify(), VERIFY_INTERVAL_MS);
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.unlisten?.();
    this.unsubscribe?.();
    this.unlisten = null;
    this.unsubscribe = null;
    clearInterval(this.verifyTimer);
    clearTimeout(this.verifySoonTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** Excalidraw is ready: load the board into it. Returns the detach function. */
  attach(scene: BoardScene): () => void {
    this.scene = scene;
    this.loaded = false;
    if (this.haveSnapshot) this.loadScene();
    return () => {
      if (this.scene === scene) {
        this.scene = null;
        this.loaded = false;
        this.publish();
      }
    };
  }

  // --- Reading ------------------------------------------------------------------------

  readonly subscribeView = (listener: () => void): (() => void) => {
    this.viewListeners.add(listener);
    return () => {
      this.viewListeners.delete(listener);
    };
  };

  readonly getView = (): BoardSyncView => this.view;

  /** Local changes not yet acknowledged: queued or held here, or waiting in the outbox. */
  pendingCount(): number {
    return this.tracker.queuedCount + this.tracker.heldCount + this.channel.pendingUpdates().length;
  }

  /** The scene's elements (or, before Excalidraw is ready, the server's), tombstones included. */
  allElements(): readonly WireElement[] {
    if (this.scene && this.loaded) return this.scene.getElements();
    return ordered([...this.mirror.values()].map((entry) => entry.element));
  }

  /** What `board.verify` sends: the scene plus what the server has that the scene dropped. */
  checksumElements(): WireElement[] {
    if (!this.scene || !this.loaded) return [...this.mirror.values()].map((entry) => entry.element);
    const elements = [...this.scene.getElements()];
    const ids = new Set(elements.map((e) => e.id));
    for (const [id, entry] of this.mirror) if (!ids.has(id)) elements.push(entry.element);
    return elements;
  }

  dismissAlert(): void {
    if (!this.view.alert) return;
    this.view = { ...this.view, alert: null };
    this.emitView();
  }

  /** Show a message in the board's alert. */
  showAlert(text: string): void {
    this.alertCounter += 1;
    this.view = { ...this.view, alert: { id: this.alertCounter, text } };
    this.emitView();
  }

  // --- Local changes --------------------------------------------------------------------

  /** Excalidraw's onChange: something changed locally (or a remote change landed). */
  onLocalChange(): void {
    if (!this.scene || !this.loaded || !this.channel.canEdit()) return;
    this.scheduleFlush();
  }

  /** Send what is queued now (the 80 ms throttle calls this). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastFlushAt = this.now();
    const scene = this.scene;
    if (!scene || !this.loaded || !this.channel.canEdit()) return;
    this.startUploads(scene.getElements());
    // Read again: a refused upload may just have deleted an image.
    const elements = scene.getElements();
    this.tombstoneDropped(elements);
    this.tracker.collect(elements, (element) => this.isHeld(element));
    if (this.channel.isConnected()) {
      for (const batch of this.tracker.drain()) this.channel.sendUpdate(batch);
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    const wait = Math.max(0, this.lastFlushAt + FLUSH_INTERVAL_MS - this.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  private isHeld(element: WireElement): boolean {
    const fileId = imageFileId(element);
    return fileId !== null && this.uploads.get(fileId) === "uploading";
  }

  /**
   * Excalidraw removes some elements outright instead of marking them deleted (a shape too
   * small to keep). If we sent one, send its tombstone so the server's board matches.
   */
  private tombstoneDropped(elements: readonly WireElement[]): void {
    const ids = new Set(elements.map((e) => e.id));
    const tombstones: WireElement[] = [];
    for (const [id, { element }] of this.mirror) {
      if (ids.has(id) || element.isDeleted || !this.tracker.hasSent(id)) continue;
      const version = Math.max(element.version, this.tracker.knownVersion(id) ?? 0) + 1;
      tombstones.push({
        ...element,
        isDeleted: true,
        version,
        versionNonce: Math.floor(Math.random() * 2 ** 31),
      });
    }
    if (tombstones.length) this.tracker.enqueue(tombstones);
  }

  // --- Remote changes ---------------------------------------------------------------------

  private readonly listener: BoardListener = {
    onSnapshot: (snapshot) => this.handleSnapshot(snapshot),
    onEvent: (event) => this.handleEvent(event),
    onBoardState: (frame) => this.handleBoardState(frame),
    onBoardError: () => this.handleBoardError(),
  };

  /** A big board doesn't fit in a WebSocket frame: fetch it as a `board.state` over HTTP. */
  private fetchDeferred(board: Partial<BoardOut>): void {
    if (!board.deferred || !board.url) return;
    void fetch(board.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((frame: unknown) => {
        if (isDeferredState(frame)) this.handleBoardState(frame);
      })
      .catch(() => {
        // The periodic board.verify notices the gap and asks again.
      });
  }

  private handleSnapshot(snapshot: Snapshot): void {
    const board: Partial<BoardOut> = snapshot.board ?? {};
    this.fetchDeferred(board);
    const elements = validElements(board.elements);
    this.setServerFiles(board.files);
    const first = !this.haveSnapshot;
    this.haveSnapshot = true;
    this.mirror = new Map(elements.map((element) => [element.id, { element, seq: snapshot.seq }]));
    if (this.scene && (first || !this.loaded)) {
      this.loadScene();
      return;
    }
    // A reconnect: merge, so edits made meanwhile (still queued or in the outbox) stay.
    this.tracker.noteReceived(elements);
    this.mergeIntoScene(elements);
    this.ensureFiles();
  }

  private handleEvent(event: EventFrame): void {
    switch (event.kind) {
      case "board.updated": {
        const elements = validElements(event.payload.elements);
        if (!elements.length) return;
        const current = new Map([...this.mirror].map(([id, entry]) => [id, entry.element]));
        for (const element of reconcile(current, elements).accepted) {
          this.mirror.set(element.id, { element, seq: event.seq });
        }
        this.tracker.noteReceived(elements);
        this.mergeIntoScene(elements);
        this.ensureFiles();
        break;
      }
      case "board.file_added":
        if (isStoredFile(event.payload)) {
          this.serverFiles.set(event.payload.id, event.payload);
          this.ensureFiles();
        }
        break;
      default:
        break;
    }
  }

  private handleBoardState(frame: BoardState): void {
    const board: Partial<BoardOut> = frame.board ?? {};
    if (board.deferred) {
      this.fetchDeferred(board);
      return;
    }
    if (!Array.isArray(board.elements)) return;
    const server = validElements(board.elements);
    this.setServerFiles(board.files);
    this.haveSnapshot = true;

    // Events newer than the state that we already applied stay.
    const mirror = new Map<string, MirrorEntry>(server.map((element) => [element.id, { element, seq: frame.seq }]));
    for (const [id, entry] of this.mirror) {
      if (entry.seq > frame.seq && incomingWins(mirror.get(id)?.element, entry.element)) mirror.set(id, entry);
    }
    this.mirror = mirror;

    const scene = this.scene;
    if (!scene || !this.loaded) {
      if (scene) this.loadScene();
      return;
    }
    // Keep local elements still on their way (queued, held, in the outbox); everything
    // else becomes exactly the server's (plus the newer events above).
    const inFlight = new Map<string, number>();
    for (const update of this.channel.pendingUpdates()) {
      for (const element of update.elements) {
        inFlight.set(element.id, Math.max(inFlight.get(element.id) ?? 0, element.version));
      }
    }
    const confirmed = [...mirror.values()].map((entry) => entry.element);
    const next = new Map(scene.normalize(ordered(confirmed)).map((element) => [element.id, element]));
    for (const local of scene.getElements()) {
      const keep =
        this.tracker.isQueued(local.id) ||
        this.tracker.isHeld(local.id) ||
        (inFlight.get(local.id) ?? -1) >= local.version;
      if (keep && incomingWins(next.get(local.id), local)) next.set(local.id, local);
    }
    this.tracker.resetTo(confirmed);
    scene.setElements(ordered(next.values()));
    this.ensureFiles();
    this.scheduleFlushIfEditing();
  }

  private handleBoardError(): void {
    clearTimeout(this.verifySoonTimer);
    this.verifySoonTimer = setTimeout(() => this.verify(true), VERIFY_AFTER_ERROR_MS);
  }

  private handleRoomChange(): void {
    this.publish();
    if (this.tracker.queuedCount > 0 && this.channel.isConnected()) this.scheduleFlushIfEditing();
  }

  private scheduleFlushIfEditing(): void {
    if (this.scene && this.loaded && this.channel.canEdit()) this.scheduleFlush();
  }

  private loadScene(): void {
    const scene = this.scene;
    if (!scene) return;
    const server = [...this.mirror.values()].map((entry) => entry.element);
    // Versions as the server has them: anything Excalidraw repairs on load is then sent.
    this.tracker.resetTo(server);
    scene.setElements(scene.normalize(ordered(server)));
    this.loaded = true;
    this.publish();
    this.ensureFiles();
    this.scheduleFlushIfEditing();
  }

  private mergeIntoScene(elements: readonly WireElement[]): void {
    const scene = this.scene;
    if (!scene || !this.loaded) return;
    const local = new Map(scene.getElements().map((element) => [element.id, element]));
    const { board, accepted } = reconcile(local, scene.normalize(ordered(elements)));
    if (accepted.length) scene.setElements(ordered(board.values()));
  }

  // --- Verify ---------------------------------------------------------------------------------

  /** Send `board.verify` when nothing local is in flight. True when sent. */
  verify(evenIfBusy = false): boolean {
    if (!this.haveSnapshot || !this.channel.isConnected()) return false;
    const busy =
      this.tracker.queuedCount > 0 ||
      this.tracker.heldCount > 0 ||
      this.channel.pendingUpdates().length > 0 ||
      [...this.uploads.values()].includes("uploading");
    if (busy && !evenIfBusy) return false;
    const elements = this.checksumElements();
    return this.channel.sendRaw({
      type: "board.verify",
      id: this.nextVerifyId(),
      checksum: boardChecksum(elements),
      count: elements.length,
    });
  }

  // --- Files ------------------------------------------------------------------------------------

  private setServerFiles(files: unknown): void {
    if (!Array.isArray(files)) return;
    for (const file of files) if (isStoredFile(file)) this.serverFiles.set(file.id, file);
  }

  /** Fetch the images the scene shows but has no data for. */
  private ensureFiles(): void {
    const scene = this.scene;
    if (!scene || !this.loaded) return;
    const have = scene.getFiles();
    for (const element of scene.getElements()) {
      const fileId = imageFileId(element);
      if (!fileId || have[fileId] || this.uploads.has(fileId)) continue;
      const info = this.serverFiles.get(fileId);
      if (!info) continue; // board.file_added brings it later
      const state = this.fileFetches.get(fileId) ?? { attempts: 0, busy: false };
      if (state.busy || state.attempts >= FILE_FETCH_ATTEMPTS) continue;
      state.busy = true;
      state.attempts += 1;
      this.fileFetches.set(fileId, state);
      this.files.download(info.url, info.mimeType).then(
        (dataURL) => {
          state.busy = false;
          this.scene?.addFile({ id: fileId, mimeType: info.mimeType, dataURL });
        },
        () => {
          state.busy = false;
          this.later(() => this.ensureFiles(), RETRY_BASE_MS * state.attempts);
        },
      );
    }
  }

  /** Upload images added here that the server does not have yet. */
  private startUploads(elements: readonly WireElement[]): void {
    const scene = this.scene;
    if (!scene) return;
    const files = scene.getFiles();
    for (const element of elements) {
      const fileId = imageFileId(element);
      if (!fileId || this.serverFiles.has(fileId) || this.uploads.has(fileId)) continue;
      const file = files[fileId];
      if (!file?.dataURL) continue;
      this.upload(file, 1);
    }
  }

  private upload(file: SceneFile, attempt: number): void {
    this.uploads.set(file.id, "uploading");
    let blob: Blob;
    try {
      blob = this.files.toBlob(file.dataURL, file.mimeType);
    } catch {
      this.uploadFailed(file.id, "That image could not be read. It was removed from the board.");
      return;
    }
    this.files.upload(file.id, blob).then(
      (outcome) => this.uploadDone(file, attempt, outcome),
      () => this.uploadDone(file, attempt, { ok: false, retry: true, message: "The image could not be uploaded. It was removed from the board." }),
    );
  }

  private uploadDone(file: SceneFile, attempt: number, outcome: UploadOutcome): void {
    if (outcome.ok) {
      const stored: StoredFile = outcome.file;
      this.serverFiles.set(file.id, { id: file.id, mimeType: stored.mimeType, url: stored.url });
      this.uploads.set(file.id, "done");
      this.scheduleFlushIfEditing();
      return;
    }
    if (outcome.retry && attempt < UPLOAD_ATTEMPTS) {
      this.later(() => this.upload(file, attempt + 1), RETRY_BASE_MS * 2 ** (attempt - 1));
      return;
    }
    this.uploadFailed(file.id, outcome.message);
  }

  /** Say why, and delete the image's elements here (the deletion is then sent). */
  private uploadFailed(fileId: string, message: string): void {
    this.uploads.delete(fileId);
    this.showAlert(message);
    const scene = this.scene;
    if (!scene) return;
    let changed = false;
    const next = scene.getElements().map((element) => {
      if (imageFileId(element) !== fileId) return element;
      changed = true;
      return scene.deleted(element);
    });
    if (changed) scene.setElements(next);
    this.scheduleFlushIfEditing();
  }

  private later(task: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.started) task();
    }, ms);
    this.retryTimers.add(timer);
  }

  // --- View -------------------------------------------------------------------------------------

  private publish(): void {
    if (this.view.loaded === this.loaded) return;
    this.view = { ...this.view, loaded: this.loaded };
    this.emitView();
  }

  private emitView(): void {
    for (const listener of [...this.viewListeners]) listener();
  }
}

/** A `board.state` frame fetched over HTTP, with the board inline. */
export function isDeferredState(frame: unknown): frame is BoardState {
  if (typeof frame !== "object" || frame === null) return false;
  const candidate = frame as Partial<BoardState>;
  return (
    candidate.type === "board.state" &&
    typeof candidate.seq === "number" &&
    typeof candidate.board === "object" &&
    candidate.board !== null &&
    Array.isArray(candidate.board.elements) &&
    !candidate.board.deferred
  );
}
