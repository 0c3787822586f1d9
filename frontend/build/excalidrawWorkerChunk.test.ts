import { describe, expect, it } from "vitest";
import {
  EXCALIDRAW_SHARED_CHUNK,
  excalidrawWorkerSharedChunk,
  type ModuleGraph,
} from "./excalidrawWorkerChunk";

const P = "/app/node_modules/@excalidraw/excalidraw/dist/prod";

// Shape of the real Excalidraw 0.18.1 graph (file names shortened).
const modules: Record<string, { importedIds: string[]; dynamicImporters?: string[] }> = {
  "/app/src/board/main.tsx": { importedIds: [`${P}/index.js`] },
  [`${P}/index.js`]: { importedIds: [`${P}/chunk-main.js`, `${P}/chunk-helpers.js`] },
  [`${P}/chunk-main.js`]: { importedIds: [`${P}/chunk-fonts.js`, `${P}/chunk-helpers.js`] },
  [`${P}/chunk-fonts.js`]: { importedIds: [] },
  [`${P}/chunk-helpers.js`]: { importedIds: [] },
  [`${P}/chunk-wasm.js`]: { importedIds: [`${P}/chunk-helpers.js`] },
  [`${P}/subset-worker.chunk.js`]: {
    importedIds: [`${P}/chunk-wasm.js`, `${P}/chunk-fonts.js`, `${P}/chunk-helpers.js`],
    dynamicImporters: [`${P}/chunk-main.js`],
  },
  [`${P}/subset-shared.chunk.js`]: {
    importedIds: [`${P}/chunk-wasm.js`, `${P}/chunk-helpers.js`],
    dynamicImporters: [`${P}/chunk-main.js`],
  },
};

const graph: ModuleGraph = {
  getModuleInfo(id) {
    const mod = modules[id];
    if (!mod) return null;
    const importers = Object.entries(modules)
      .filter(([, other]) => other.importedIds.includes(id))
      .map(([otherId]) => otherId);
    return { importers, importedIds: mod.importedIds, dynamicImporters: mod.dynamicImporters ?? [] };
  },
};

describe("excalidrawWorkerSharedChunk", () => {
  it("moves helpers shared by the worker and the main bundle into their own chunk", () => {
    expect(excalidrawWorkerSharedChunk(`${P}/chunk-helpers.js`, graph)).toBe(EXCALIDRAW_SHARED_CHUNK);
    expect(excalidrawWorkerSharedChunk(`${P}/chunk-fonts.js`, graph)).toBe(EXCALIDRAW_SHARED_CHUNK);
  });

  it("leaves worker-only modules and the worker entries alone", () => {
    expect(excalidrawWorkerSharedChunk(`${P}/chunk-wasm.js`, graph)).toBeNull();
    expect(excalidrawWorkerSharedChunk(`${P}/subset-worker.chunk.js`, graph)).toBeNull();
    expect(excalidrawWorkerSharedChunk(`${P}/subset-shared.chunk.js`, graph)).toBeNull();
  });

  it("leaves modules the worker does not use alone", () => {
    expect(excalidrawWorkerSharedChunk(`${P}/chunk-main.js`, graph)).toBeNull();
    expect(excalidrawWorkerSharedChunk(`${P}/index.js`, graph)).toBeNull();
    expect(excalidrawWorkerSharedChunk("/app/src/board/main.tsx", graph)).toBeNull();
  });
});
