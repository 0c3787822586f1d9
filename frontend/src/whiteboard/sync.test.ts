import { describe, expect, it } from "vitest";
import type { WireElement } from "./reconcile";
import { MAX_ELEMENTS_PER_MESSAGE, splitBatches, SyncTracker, utf8Length } from "./sync";

const el = (id: string, version: number, extra: Record<string, unknown> = {}): WireElement => ({
  id, type: "rectangle", version, versionNonce: version * 7, ...extra,
});

describe("SyncTracker", () => {
  it("queues only elements whose version grew since sent", () => {
    const t = new SyncTracker();
    expect(t.collect([el("a", 1), el("b", 1)])).toBe(2);
    expect(t.drain().flat().map((e) => e.id)).toEqual(["a", "b"]);
    expect(t.collect([el("a", 1), el("b", 2)])).toBe(1);
    expect(t.drain()).toEqual([[el("b", 2)]]);
    expect(t.collect([el("a", 1), el("b", 2)])).toBe(0);
    expect(t.drain()).toEqual([]);
    expect(t.hasSent("a")).toBe(true);
    expect(t.hasSent("c")).toBe(false);
  });

  it("does not echo what it received", () => {
    const t = new SyncTracker();
    t.noteReceived([el("a", 4)]);
    expect(t.collect([el("a", 4)])).toBe(0);
    expect(t.collect([el("a", 5)])).toBe(1);
    expect(t.knownVersion("a")).toBe(5);
  });

  it("coalesces repeated changes of one element into its newest copy", () => {
    const t = new SyncTracker();
    t.collect([el("a", 1)]);
    t.collect([el("a", 2)]);
    t.collect([el("a", 3)]);
    expect(t.queuedCount).toBe(1);
    expect(t.drain()).toEqual([[el("a", 3)]]);
  });

  it("copies elements so later in-place mutation does not change what is queued", () => {
    const t = new SyncTracker();
    const live = { ...el("a", 1) } as { version: number } & WireElement;
    t.collect([live]);
    live.version = 99;
    expect(t.drain()[0]?.[0]?.version).toBe(1);
  });

  it("drops a queued copy that lost to a received one", () => {
    const t = new SyncTracker();
    t.collect([el("a", 2)]);
    t.noteReceived([el("a", 3)]);
    expect(t.queuedCount).toBe(0);
    t.collect([el("b", 2)]);
    t.noteReceived([el("b", 1)]);
    expect(t.queuedCount).toBe(1);
  });

  it("holds elements back without forgetting them", () => {
    const t = new SyncTracker();
    const hold = (e: WireElement) => e.type === "image";
    expect(t.collect([el("a", 1), el("img", 3, { type: "image" })], hold)).toBe(1);
    expect(t.heldCount).toBe(1);
    expect(t.isHeld("img")).toBe(true);
    expect(t.collect([el("img", 3, { type: "image" })])).toBe(1);
    expect(t.heldCount).toBe(0);
  });

  it("resets to a replaced scene, keeping only newer queued copies", () => {
    const t = new SyncTracker();
    t.collect([el("a", 5), el("b", 2)]);
    t.resetTo([el("a", 3), el("b", 4)]);
    expect(t.drain()).toEqual([[el("a", 5)]]);
    expect(t.knownVersion("b")).toBe(4);
    // A version the server never accepted is forgotten, so a new edit is sent again.
    t.resetTo([el("a", 3)]);
    expect(t.collect([el("a", 4)])).toBe(1);
  });

  it("enqueues made-up elements such as tombstones", () => {
    const t = new SyncTracker();
    t.enqueue([el("a", 2, { isDeleted: true })]);
    t.enqueue([el("a", 1)]);
    expect(t.drain()).toEqual([[el("a", 2, { isDeleted: true })]]);
  });
});

describe("splitBatches", () => {
  it("keeps one batch when small", () => {
    expect(splitBatches([1, 2, 3])).toEqual([[1, 2, 3]]);
    expect(splitBatches([])).toEqual([]);
  });

  it("splits by count", () => {
    const items = Array.from({ length: MAX_ELEMENTS_PER_MESSAGE * 2 + 1 }, (_, i) => el(`e${i}`, 1));
    const batches = splitBatches(items);
    expect(batches.map((b) => b.length)).toEqual([MAX_ELEMENTS_PER_MESSAGE, MAX_ELEMENTS_PER_MESSAGE, 1]);
    expect(batches.flat()).toEqual(items);
  });

  it("splits by serialized size, under the limit", () => {
    const big = "x".repeat(100 * 1024);
    const items = Array.from({ length: 9 }, (_, i) => el(`e${i}`, 1, { text: big }));
    const batches = splitBatches(items);
    expect(batches.length).toBeGreaterThan(2);
    for (const batch of batches) {
      const message = JSON.stringify({ type: "board.update", id: "x".repeat(64), elements: batch });
      expect(utf8Length(message)).toBeLessThan(400 * 1024);
    }
    expect(batches.flat()).toEqual(items);
  });

  it("counts UTF-8 bytes, not characters", () => {
    expect(utf8Length("é")).toBe(2);
    const items = [{ t: "é".repeat(60) }, { t: "é".repeat(60) }];
    expect(splitBatches(items, { maxCount: 10, maxBytes: 128 + 200 })).toHaveLength(2);
  });

  it("sends an oversized element alone", () => {
    const items = [el("a", 1), el("b", 1, { text: "y".repeat(500) }), el("c", 1)];
    const batches = splitBatches(items, { maxCount: 10, maxBytes: 400 });
    expect(batches.map((b) => b.map((e) => e.id))).toEqual([["a"], ["b"], ["c"]]);
  });
});
