/**
 * `window.__mockroomBoard`: a read-only peek at the board for browser tests (always set;
 * it exposes nothing the page does not already show).
 */
import type { BoardSync } from "./boardSync";
import type { WireElement } from "./reconcile";

export interface MockroomBoardHook {
  /** Live elements in scene order, as Excalidraw's getSceneElements() returns them. */
  getSceneElements(): readonly WireElement[];
  /** Every element, tombstones included. */
  getAllElements(): readonly WireElement[];
  /** Board changes not yet acknowledged by the server (queued, held or in the outbox). */
  pendingCount(): number;
}

declare global {
  interface Window {
    __mockroomBoard?: MockroomBoardHook;
  }
}

export function boardHook(sync: BoardSync): MockroomBoardHook {
  return {
    getSceneElements: () => sync.allElements().filter((element) => !element.isDeleted),
    getAllElements: () => sync.allElements(),
    pendingCount: () => sync.pendingCount(),
  };
}

export function installBoardHook(sync: BoardSync, target: Pick<Window, "__mockroomBoard"> = window): void {
  target.__mockroomBoard = boardHook(sync);
}
