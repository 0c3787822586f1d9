import { describe, expect, it } from "vitest";
import vectors from "../../../tests/vectors/reconcile.json";
import { boardChecksum, incomingWins, isWireElement, ordered, reconcile, type WireElement } from "./reconcile";

interface MergeVector {
  name: string;
  current: WireElement | null;
  incoming: WireElement;
  incoming_wins: boolean;
}

interface ChecksumVector {
  name: string;
  elements: Array<{ id: string; version: number }>;
  checksum: string;
}

const merge = vectors.merge as MergeVector[];
const checksums = vectors.checksum as ChecksumVector[];

describe("incomingWins matches the shared vectors (tests/vectors/reconcile.json)", () => {
  it("has vectors to check", () => {
    expect(merge.length).toBeGreaterThan(0);
  });

  it.each(merge.map((v) => [v.name, v] as const))("%s", (_name, vector) => {
    expect(incomingWins(vector.current, vector.incoming)).toBe(vector.incoming_wins);
  });

  it.each(merge.map((v) => [v.name, v] as const))("reconcile agrees: %s", (_name, vector) => {
    const current = new Map<string, WireElement>(
      vector.current ? [[vector.current.id, vector.current]] : [],
    );
    const { board, accepted } = reconcile(current, [vector.incoming]);
    expect(accepted).toEqual(vector.incoming_wins ? [vector.incoming] : []);
    expect(board.get(vector.incoming.id)).toBe(vector.incoming_wins ? vector.incoming : vector.current);
  });
});

describe("boardChecksum matches the shared vectors", () => {
  it("has vectors to check", () => {
    expect(checksums.length).toBeGreaterThan(0);
  });

  it.each(checksums.map((v) => [v.name, v] as const))("%s", (_name, vector) => {
    expect(boardChecksum(vector.elements)).toBe(vector.checksum);
  });
});

const el = (id: string, version: number, versionNonce: number, extra: Partial<WireElement> = {}): WireElement => ({
  id, type: "rectangle", version, versionNonce, ...extra,
});

describe("reconcile", () => {
  it("does not change the board it was given", () => {
    const current = new Map([["a", el("a", 1, 1)]]);
    const { board } = reconcile(current, [el("a", 2, 1)]);
    expect(current.get("a")?.version).toBe(1);
    expect(board.get("a")?.version).toBe(2);
  });

  it("lets a later duplicate in the same batch compete, keeping one accepted entry per id", () => {
    const { board, accepted } = reconcile(new Map(), [el("a", 1, 5), el("b", 1, 1), el("a", 2, 9), el("a", 2, 10)]);
    expect(board.get("a")).toEqual(el("a", 2, 9));
    expect(accepted.map((e) => [e.id, e.version])).toEqual([["a", 2], ["b", 1]]);
  });
});

describe("ordered", () => {
  it("sorts by fractional index, missing indices last, then by id", () => {
    const list = [
      el("z", 1, 1, { index: null }),
      el("b", 1, 1, { index: "a1" }),
      el("a", 1, 1, { index: "a1" }),
      el("c", 1, 1, { index: "a0" }),
      el("d", 1, 1),
    ];
    expect(ordered(list).map((e) => e.id)).toEqual(["c", "a", "b", "d", "z"]);
  });
});

describe("isWireElement", () => {
  it("accepts elements and refuses junk", () => {
    expect(isWireElement(el("a", 1, 2))).toBe(true);
    expect(isWireElement({ id: "a", version: 1, versionNonce: 2 })).toBe(false);
    expect(isWireElement({ id: "", type: "x", version: 1, versionNonce: 2 })).toBe(false);
    expect(isWireElement(null)).toBe(false);
    expect(isWireElement({ id: "a", type: "x", version: "1", versionNonce: 2 })).toBe(false);
  });
});
