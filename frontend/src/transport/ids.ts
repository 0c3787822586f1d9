/**
 * Client message ids: `<session prefix>-<counter>`. The server deduplicates commands by
 * (sender, id) for the whole round, so the prefix must differ between page loads; it is
 * random per RoomSocket. Ids must match the protocol's pattern `^[\w.:-]+$` (≤ 64 chars).
 */

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Fills `bytes` with random values; crypto.getRandomValues when the platform has it. */
export type RandomFill = (bytes: Uint8Array<ArrayBuffer>) => void;

function defaultFill(bytes: Uint8Array<ArrayBuffer>): void {
  if (typeof globalThis.crypto?.getRandomValues === "function") {
    globalThis.crypto.getRandomValues(bytes);
    return;
  }
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
}

/** A random base-36 prefix of `length` characters (default 10, about 51 bits). */
export function randomSessionPrefix(length = 10, fill: RandomFill = defaultFill): string {
  const bytes = new Uint8Array(length);
  fill(bytes);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Returns a function that yields `${prefix}-1`, `${prefix}-2`, … */
export function createIdGenerator(prefix: string): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `${prefix}-${counter}`;
  };
}
