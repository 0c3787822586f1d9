import { describe, expect, it } from "vitest";
import type { BoardSync } from "./boardSync";
import { installBoardHook } from "./testHook";

describe("window.__mockroomBoard", () => {
  it("exposes the scene and the pending count", () => {
    const elements = [
      { id: "a", type: "rectangle", version: 1, versionNonce: 1 },
      { id: "b", type: "rectangle", version: 2, versionNonce: 1, isDeleted: true },
    ];
    const sync = { allElements: () => elements, pendingCount: () => 3 } as unknown as BoardSync;
    const target: { __mockroomBoard?: Window["__mockroomBoard"] } = {};
    installBoardHook(sync, target);
    expect(target.__mockroomBoard?.getSceneElements().map((e) => e.id)).toEqual(["a"]);
    expect(target.__mockroomBoard?.getAllElements()).toHaveLength(2);
    expect(target.__mockroomBoard?.pendingCount()).toBe(3);
  });
});
