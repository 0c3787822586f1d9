import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AcceptedElement, BoardUpdate, EventFrame, Snapshot } from "../protocol";
import type { BoardListener } from "../room/controller";
import type { RawMessage } from "../room/wire";
import {
  BoardSync,
  isDeferredState,
  FLUSH_INTERVAL_MS,
  VERIFY_INTERVAL_MS,
  type BoardChannel,
  type BoardScene,
  type FileTransport,
  type SceneFile,
} from "./boardSync";
import { tooLargeMessage, type UploadOutcome } from "./files";
import { boardChecksum, type WireElement } from "./reconcile";

const el = (id: string, version: number, extra: Record<string, unknown> = {}): WireElement => ({
  id, type: "rectangle", version, versionNonce: 100 + version, index: `a${id}`, ...extra,
});

class FakeChannel implements BoardChannel {
  listener: BoardListener = {};
  roomListeners = new Set<() => void>();
  updates: WireElement[][] = [];
  raw: RawMessage[] = [];
  connected = true;
  editable = true;
  pending: BoardUpdate[] = [];
  sendUpdate(elements: readonly WireElement[]) {
    this.updates.push([...elements]);
  }
  sendRaw(message: RawMessage) {
    if (!this.connected) return false;
    this.raw.push(message);
    return true;
  }
  isConnected() {
    return this.connected;
  }
  canEdit() {
    return this.editable;
  }
  pendingUpdates() {
    return this.pending;
  }
  listen(listener: BoardListener) {
    this.listener = listener;
    return () => undefined;
  }
  subscribe(listener: () => void) {
    this.roomListeners.add(listener);
    return () => this.roomListeners.delete(listener);
  }
  setConnected(value: boolean) {
    this.connected = value;
    for (const l of this.roomListeners) l();
  }
}

class FakeScene implements BoardScene {
  elements: WireElement[] = [];
  files: Record<string, SceneFile> = {};
  sets = 0;
  constructor(private readonly onSet: () => void = () => undefined) {}
  getElements() {
    return this.elements;
  }
  setElements(elements: readonly WireElement[]) {
    this.sets += 1;
    this.elements = [...elements];
    this.onSet();
  }
  normalize(elements: readonly WireElement[]) {
    // Like Excalidraw's restore: drops what it cannot show.
    return elements.filter((e) => e.type !== "junk");
  }
  getFiles() {
    return this.files;
  }
  addFile(file: SceneFile) {
    this.files[file.id] = file;
  }
  deleted(element: WireElement): WireElement {
    return { ...element, isDeleted: true, version: element.version + 1, versionNonce: 1 };
  }
  /** A local edit, as Excalidraw would make it. */
  edit(element: WireElement) {
    const i = this.elements.findIndex((e) => e.id === element.id);
    if (i >= 0) this.elements[i] = element;
    else this.elements.push(element);
  }
}

function snapshot(elements: WireElement[], seq = 10, files: Snapshot["board"]["files"] = []): Snapshot {
  return {
    type: "snapshot", protocol: 1, seq, streams: { all: seq, me: 0 }, server_time: 0,
    interview: { public_id: "p", title: "T", kind: "k", status: "live", started_at: 1, ended_at: null },
    me: { user_id: 7, name: "Sam", role: "candidate" },
    participants: [], presence: [], agenda: [],
    timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [], added_ms: [] },
    board: { elements: elements as unknown as Record<string, unknown>[], files, checksum: boardChecksum(elements) },
    read_only: false,
    rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
  };
}

/** The elements as the server sends them accepted: `type`, `isDeleted` and `index` filled in. */
const accepted = (e: WireElement): AcceptedElement => ({ type: "rectangle", isDeleted: false, index: null, ...e });

function updated(seq: number, elements: WireElement[]): EventFrame {
  const payload = { elements: elements.map(accepted) };
  return { type: "event", seq, stream: "all", prev: seq - 1, kind: "board.updated", actor: null, at: 0, payload };
}

function setup(fileTransport: Partial<FileTransport> = {}) {
  const channel = new FakeChannel();
  const files: FileTransport = {
    upload: vi.fn(async (): Promise<UploadOutcome> => ({ ok: true, file: { id: "f", mimeType: "image/png", url: "/u/f" } })),
    download: vi.fn(async () => "data:image/png;base64,AAAA"),
    toBlob: (dataURL, mimeType) => new Blob([dataURL], { type: mimeType }),
    ...fileTransport,
  };
  const sync = new BoardSync(channel, files, () => Date.now());
  const scene = new FakeScene(() => sync.onLocalChange());
  sync.start();
  return { channel, files, sync, scene };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("BoardSync: loading and remote changes", () => {
  it("keeps the server's board until Excalidraw is attached, then loads it", () => {
    const { channel, sync, scene } = setup();
    channel.listener.onSnapshot?.(snapshot([el("2", 1), el("1", 3), el("j", 1, { type: "junk" })]));
    channel.listener.onEvent?.(updated(11, [el("3", 1)]));
    expect(sync.getView().loaded).toBe(false);
    expect(sync.allElements().map((e) => e.id)).toEqual(["1", "2", "3", "j"]);
    sync.attach(scene);
    expect(sync.getView().loaded).toBe(true);
    expect(scene.elements.map((e) => e.id)).toEqual(["1", "2", "3"]);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(channel.updates).toEqual([]); // nothing echoed back
  });

  it("merges remote elements by the server's rule, keeping newer local ones", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([el("a", 1), el("b", 1)]));
    scene.edit(el("a", 5));
    channel.listener.onEvent?.(updated(11, [el("a", 4), el("b", 2), el("c", 1)]));
    expect(scene.elements.map((e) => [e.id, e.version])).toEqual([["a", 5], ["b", 2], ["c", 1]]);
  });

  it("merges a reconnect's snapshot instead of replacing the scene", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([el("a", 1)]));
    channel.setConnected(false);
    scene.edit(el("n", 1));
    sync.onLocalChange();
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    channel.listener.onSnapshot?.(snapshot([el("a", 2)], 20));
    expect(scene.elements.map((e) => [e.id, e.version])).toEqual([["a", 2], ["n", 1]]);
    channel.setConnected(true);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(channel.updates).toEqual([[el("n", 1)]]);
  });
});

describe("BoardSync: sending", () => {
  it("sends only grown versions, at most once per 80 ms", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([el("a", 1)]));
    vi.advanceTimersByTime(1_000);
    // After a quiet spell the first change goes out on the next tick...
    scene.edit(el("b", 1));
    sync.onLocalChange();
    scene.edit(el("b", 2));
    sync.onLocalChange();
    expect(channel.updates).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(channel.updates).toEqual([[el("b", 2)]]);
    // ...and the next one waits until 80 ms have passed since.
    scene.edit(el("b", 3));
    sync.onLocalChange();
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS - 1);
    expect(channel.updates).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(channel.updates).toEqual([[el("b", 2)], [el("b", 3)]]);
  });

  it("keeps changes while offline and sends their newest copy once connected", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([]));
    channel.setConnected(false);
    for (let v = 1; v <= 5; v += 1) {
      scene.edit(el("a", v));
      sync.onLocalChange();
      vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    }
    expect(channel.updates).toEqual([]);
    expect(sync.pendingCount()).toBe(1);
    channel.setConnected(true);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(channel.updates).toEqual([[el("a", 5)]]);
    expect(sync.pendingCount()).toBe(0);
  });

  it("sends nothing when the board is read-only", () => {
    const { channel, sync, scene } = setup();
    channel.editable = false;
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([]));
    scene.edit(el("a", 1));
    sync.onLocalChange();
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    sync.flush();
    expect(channel.updates).toEqual([]);
  });

  it("sends a tombstone for an element it sent that Excalidraw dropped", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([]));
    scene.edit(el("tiny", 2));
    sync.flush();
    channel.listener.onEvent?.(updated(11, [el("tiny", 2)]));
    scene.elements = [];
    sync.flush();
    expect(channel.updates[1]).toEqual([expect.objectContaining({ id: "tiny", version: 3, isDeleted: true })]);
  });
});

describe("BoardSync: verify and full state", () => {
  it("verifies every 10 s with the scene's checksum, only when nothing is in flight", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    const elements = [el("a", 1), el("b", 2, { isDeleted: true })];
    channel.listener.onSnapshot?.(snapshot(elements));
    vi.advanceTimersByTime(VERIFY_INTERVAL_MS);
    expect(channel.raw).toEqual([
      { type: "board.verify", id: expect.any(String), checksum: boardChecksum(elements), count: 2 },
    ]);
    channel.pending = [{ type: "board.update", id: "x", elements: [] }];
    vi.advanceTimersByTime(VERIFY_INTERVAL_MS);
    expect(channel.raw).toHaveLength(1);
  });

  it("counts server elements the scene dropped, so the checksums agree", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    const elements = [el("a", 1), el("j", 1, { type: "junk" })];
    channel.listener.onSnapshot?.(snapshot(elements));
    expect(boardChecksum(sync.checksumElements())).toBe(boardChecksum(elements));
  });

  it("replaces the scene with board.state, keeping queued edits and newer events", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([el("a", 1), el("stale", 1)]));
    scene.edit(el("refused", 4)); // the server never took it
    sync.flush();
    channel.listener.onEvent?.(updated(31, [el("late", 1)]));
    channel.setConnected(false);
    scene.edit(el("mine", 1)); // queued while offline
    sync.flush();
    channel.listener.onBoardState?.({
      type: "board.state", id: "v-1", seq: 30,
      board: { elements: [el("a", 2), el("stale", 2, { isDeleted: true })] as never, files: [], checksum: "" },
    });
    expect(scene.elements.map((e) => [e.id, e.version]).sort()).toEqual([
      ["a", 2], ["late", 1], ["mine", 1], ["stale", 2],
    ]);
    // A new edit of the refused element is sent again.
    scene.edit(el("refused", 1));
    channel.setConnected(true);
    sync.flush();
    expect(channel.updates.at(-1)?.map((e) => e.id).sort()).toEqual(["mine", "refused"]);
  });

  it("checks soon after a refused update", () => {
    const { channel, sync, scene } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([]));
    channel.listener.onBoardError?.({ type: "error", id: "x", code: "board_full", message: "" }, null);
    vi.advanceTimersByTime(600);
    expect(channel.raw.map((m) => m.type)).toEqual(["board.verify"]);
  });
});

describe("BoardSync: images", () => {
  const image = (version: number, fileId = "f") =>
    el(fileId === "f" ? "img" : `img-${fileId}`, version, { type: "image", fileId, status: "saved" });

  it("fetches images the scene lacks from the server's URL", async () => {
    const { channel, sync, scene, files } = setup();
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([image(1), image(1, "later")], 10, [{ id: "f", mimeType: "image/png", url: "/u/f" }]));
    await vi.runOnlyPendingTimersAsync();
    expect(files.download).toHaveBeenCalledWith("/u/f", "image/png");
    expect(scene.files.f?.dataURL).toBe("data:image/png;base64,AAAA");
    channel.listener.onEvent?.({
      type: "event", seq: 11, stream: "all", prev: 10, kind: "board.file_added", actor: null, at: 0,
      payload: { id: "later", mimeType: "image/gif", url: "/u/later" },
    });
    await vi.runOnlyPendingTimersAsync();
    expect(scene.files.later?.mimeType).toBe("image/gif");
  });

  it("uploads a new image before sending its element", async () => {
    let finish!: (outcome: UploadOutcome) => void;
    const { channel, sync, scene, files } = setup({
      upload: vi.fn(() => new Promise<UploadOutcome>((resolve) => { finish = resolve; })),
    });
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([]));
    scene.files.f = { id: "f", mimeType: "image/png", dataURL: "data:image/png;base64,AAAA" };
    scene.edit(image(2));
    sync.flush();
    expect(files.upload).toHaveBeenCalledOnce();
    expect(channel.updates).toEqual([]);
    expect(sync.pendingCount()).toBe(1);
    finish({ ok: true, file: { id: "f", mimeType: "image/png", url: "/u/f" } });
    await vi.runOnlyPendingTimersAsync();
    expect(channel.updates).toEqual([[image(2)]]);
  });

  it("shows why an image was refused, and deletes it (sending the deletion)", async () => {
    const message = tooLargeMessage(6.2 * 1024 * 1024);
    const { channel, sync, scene } = setup({
      upload: vi.fn(async (): Promise<UploadOutcome> => ({ ok: false, retry: false, message })),
    });
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([]));
    scene.files.f = { id: "f", mimeType: "image/png", dataURL: "data:image/png;base64,AAAA" };
    scene.edit(image(2));
    sync.flush();
    await vi.runOnlyPendingTimersAsync();
    expect(sync.getView().alert?.text).toBe(message);
    expect(scene.elements).toEqual([expect.objectContaining({ id: "img", isDeleted: true, version: 3 })]);
    expect(channel.updates).toEqual([[expect.objectContaining({ id: "img", isDeleted: true })]]);
    sync.dismissAlert();
    expect(sync.getView().alert).toBeNull();
  });

  it("retries an upload that failed for a passing reason", async () => {
    const upload = vi
      .fn<() => Promise<UploadOutcome>>()
      .mockResolvedValueOnce({ ok: false, retry: true, message: "net" })
      .mockResolvedValueOnce({ ok: true, file: { id: "f", mimeType: "image/png", url: "/u/f" } });
    const { channel, sync, scene } = setup({ upload });
    sync.attach(scene);
    channel.listener.onSnapshot?.(snapshot([]));
    scene.files.f = { id: "f", mimeType: "image/png", dataURL: "data:image/png;base64,AAAA" };
    scene.edit(image(2));
    sync.flush();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(upload).toHaveBeenCalledTimes(2);
    expect(sync.getView().alert).toBeNull();
    expect(channel.updates).toEqual([[image(2)]]);
  });
});

describe("isDeferredState", () => {
  it("accepts a board.state with the board inline", () => {
    const frame = { type: "board.state", id: "deferred", seq: 4, board: { elements: [], files: [], checksum: "811c9dc5" } };
    expect(isDeferredState(frame)).toBe(true);
  });

  it("refuses anything else, including a still-deferred board", () => {
    expect(isDeferredState(null)).toBe(false);
    expect(isDeferredState({ type: "snapshot" })).toBe(false);
    expect(
      isDeferredState({ type: "board.state", id: "x", seq: 1, board: { elements: [], deferred: true } }),
    ).toBe(false);
  });
});
