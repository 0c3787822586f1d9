/**
 * What to send: the elements whose `version` grew since this client last sent or received
 * them, batched for the wire. Pure (no timers, no sockets); BoardSync drives it.
 */
import { incomingWins, type WireElement } from "./reconcile";

/** The server takes at most 5000 elements per `board.update`. */
export const MAX_ELEMENTS_PER_MESSAGE = 5000;
/** Frames are capped at 512 KiB; we stay well below, leaving room for the envelope. */
export const MAX_MESSAGE_BYTES = 400 * 1024;
/** `{"type":"board.update","id":"<≤64 chars>","elements":[]}` with room to spare. */
const ENVELOPE_BYTES = 128;

const encoder = new TextEncoder();

/** Bytes of `text` in UTF-8. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

export interface BatchLimits {
  maxCount: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: BatchLimits = {
  maxCount: MAX_ELEMENTS_PER_MESSAGE,
  maxBytes: MAX_MESSAGE_BYTES,
};

/**
 * Split into batches of at most `maxCount` elements whose serialized message stays under
 * `maxBytes`. An element that alone is bigger than the limit goes alone (the server will
 * answer `too_large`; nothing better can be done with it). Order is kept.
 */
export function splitBatches<E>(elements: readonly E[], limits: BatchLimits = DEFAULT_LIMITS): E[][] {
  const batches: E[][] = [];
  let batch: E[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const element of elements) {
    const size = utf8Length(JSON.stringify(element)) + 1; // the comma
    if (batch.length > 0 && (batch.length >= limits.maxCount || bytes + size > limits.maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = ENVELOPE_BYTES;
    }
    batch.push(element);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Remembers, per element id, the highest version sent or received, and queues local
 * changes until they are handed to the transport.
 */
export class SyncTracker {
  private readonly known = new Map<string, number>();
  private readonly queue = new Map<string, WireElement>();
  private readonly sent = new Set<string>();
  private held = new Set<string>();

  /** Versions the server gave us (snapshot, events, full state): never echo them back. */
  noteReceived(elements: Iterable<WireElement>): void {
    for (const element of elements) {
      const known = this.known.get(element.id);
      if (known === undefined || element.version > known) this.known.set(element.id, element.version);
      const queued = this.queue.get(element.id);
      // A queued copy that would lose against what the server has is not worth sending.
      if (queued && !incomingWins(element, queued)) this.queue.delete(element.id);
    }
  }

  /**
   * After the scene was replaced wholesale: what we know is exactly `elements`. Queued
   * copies that are no newer than the replacement are dropped.
   */
  resetTo(elements: Iterable<WireElement>): void {
    this.known.clear();
    for (const element of elements) this.known.set(element.id, element.version);
    for (const [id, queued] of this.queue) {
      const known = this.known.get(id);
      if (known === undefined || queued.version <= known) this.queue.delete(id);
      else this.known.set(id, queued.version);
    }
  }

  /**
   * Queue every element whose version grew. `hold(element)` true keeps an element back
   * without marking it, so it is picked up by a later call (e.g. an image still uploading).
   * Returns how many elements were queued.
   */
  collect(elements: Iterable<WireElement>, hold?: (element: WireElement) => boolean): number {
    const held = new Set<string>();
    let added = 0;
    for (const element of elements) {
      const known = this.known.get(element.id);
      if (known !== undefined && element.version <= known) continue;
      if (hold?.(element)) {
        held.add(element.id);
        continue;
      }
      this.known.set(element.id, element.version);
      // A copy: Excalidraw mutates its element objects in place.
      this.queue.set(element.id, { ...element });
      added += 1;
    }
    this.held = held;
    return added;
  }

  /** Queue elements made here (e.g. a tombstone for an element Excalidraw dropped). */
  enqueue(elements: Iterable<WireElement>): void {
    for (const element of elements) {
      const known = this.known.get(element.id);
      if (known !== undefined && element.version <= known) continue;
      this.known.set(element.id, element.version);
      this.queue.set(element.id, { ...element });
    }
  }

  /** Hand out everything queued, in batches, and forget it. */
  drain(limits: BatchLimits = DEFAULT_LIMITS): WireElement[][] {
    if (this.queue.size === 0) return [];
    const elements = [...this.queue.values()];
    this.queue.clear();
    for (const element of elements) this.sent.add(element.id);
    return splitBatches(elements, limits);
  }

  /** The highest version sent or received for `id`. */
  knownVersion(id: string): number | undefined {
    return this.known.get(id);
  }

  /** This client sent `id` at least once. */
  hasSent(id: string): boolean {
    return this.sent.has(id);
  }

  isQueued(id: string): boolean {
    return this.queue.has(id);
  }

  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  get queuedCount(): number {
    return this.queue.size;
  }

  /** Elements kept back by the last collect(). */
  get heldCount(): number {
    return this.held.size;
  }
}
