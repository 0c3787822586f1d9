/**
 * The practice board keeps its drawing in this browser's localStorage, so a reload loses
 * nothing. Pure helpers here; the component wires them to Excalidraw.
 */

export const PRACTICE_BOARD_KEY = "mockroom.practice-board.v1";

export interface StoredElement {
  id: string;
  type: string;
  isDeleted?: boolean;
  [key: string]: unknown;
}

/** Parse what we stored; anything unreadable becomes an empty board rather than an error. */
export function parseStoredElements(raw: string | null): StoredElement[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value.filter(
      (item): item is StoredElement =>
        typeof item === "object" &&
        item !== null &&
        typeof (item as StoredElement).id === "string" &&
        typeof (item as StoredElement).type === "string",
    );
  } catch {
    return [];
  }
}

/** Serialize only live elements; tombstones have no value on a private board. */
export function serializeElements(elements: readonly StoredElement[]): string {
  return JSON.stringify(elements.filter((element) => !element.isDeleted));
}
