/**
 * `window.__mockroomBoard`: a read-only peek at the board for browser tests.
 *
 * Only the browser tests' build (`npm run build:e2e`, i.e. `vite build --mode e2e`) installs
 * it: the caller guards the install with `import.meta.env.MODE === "e2e"`, which Vite turns
 * into a literal, so every other build drops the call and this module with it
 * (tests/test_frontend_build.py checks both builds).
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
