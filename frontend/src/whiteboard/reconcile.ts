/**
 * Merging board elements with Excalidraw's rule — the same pure function as the server's
 * mockroom/whiteboard/reconcile.py. tests/vectors/reconcile.json is shared with the Python
 * tests, so both sides agree on every case.
 *
 * For one element id: the higher `version` wins; on equal versions the lower `versionNonce`
 * wins; an identical (version, versionNonce) is the same edit and changes nothing. Deleted
 * elements stay as tombstones (`isDeleted`), so a stale copy cannot resurrect them.
 */

/** The fields of an Excalidraw element that the merge needs; the rest travels untouched. */
export interface WireElement {
  readonly id: string;
  readonly version: number;
  readonly versionNonce: number;
  readonly isDeleted?: boolean;
  readonly index?: string | null;
  readonly [key: string]: unknown;
}

/** Does `incoming` replace `current`? */
export function incomingWins(
  current: Pick<WireElement, "version" | "versionNonce"> | null | undefined,
  incoming: Pick<WireElement, "version" | "versionNonce">,
): boolean {
  if (!current) return true;
  if (incoming.version !== current.version) return incoming.version > current.version;
  return incoming.versionNonce < current.versionNonce;
}

export interface ReconcileResult<E extends WireElement> {
  /** The merged board, id → element (a new map; `current` is not changed). */
  readonly board: Map<string, E>;
  /** The incoming elements that were accepted, in the order given, one per id. */
  readonly accepted: E[];
}

/**
 * Merge a batch into a board. A later duplicate id in the same batch competes with the
 * earlier one by the same rule; `accepted` keeps the first position of each id, like a
 * Python dict does.
 */
export function reconcile<E extends WireElement>(
  current: ReadonlyMap<string, E>,
  incoming: Iterable<E>,
): ReconcileResult<E> {
  const board = new Map(current);
  const accepted = new Map<string, E>();
  for (const element of incoming) {
    if (incomingWins(board.get(element.id), element)) {
      board.set(element.id, element);
      accepted.set(element.id, element);
    }
  }
  return { board, accepted: [...accepted.values()] };
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** FNV-1a 32-bit over "id:version\n" for every element (tombstones too) sorted by id, as 8 hex digits. */
export function boardChecksum(elements: Iterable<Pick<WireElement, "id" | "version">>): string {
  const sorted = [...elements].sort((a, b) => compareStrings(String(a.id), String(b.id)));
  let value = FNV_OFFSET;
  for (const element of sorted) {
    for (const byte of encoder.encode(`${element.id}:${element.version}\n`)) {
      value ^= byte;
      value = Math.imul(value, FNV_PRIME) >>> 0;
    }
  }
  return value.toString(16).padStart(8, "0");
}

/** Scene order: by fractional `index` (elements without one last), then by id. */
export function ordered<E extends Pick<WireElement, "id" | "index">>(elements: Iterable<E>): E[] {
  return [...elements].sort((a, b) => {
    const aMissing = a.index == null;
    const bMissing = b.index == null;
    if (aMissing !== bMissing) return aMissing ? 1 : -1;
    return compareStrings(String(a.index ?? ""), String(b.index ?? "")) || compareStrings(String(a.id), String(b.id));
  });
}

/** A plain object with the merge fields typed right? Guards what comes off the wire. */
export function isWireElement(value: unknown): value is WireElement {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === "string" &&
    e.id !== "" &&
    typeof e.type === "string" &&
    typeof e.version === "number" &&
    Number.isFinite(e.version) &&
    typeof e.versionNonce === "number" &&
    Number.isFinite(e.versionNonce)
  );
}
