/**
 * Keeps Excalidraw's font-subsetting Web Worker from importing our entry chunk.
 *
 * Excalidraw 0.18 ships `subset-worker.chunk.js`, which is started with
 * `new Worker(import.meta.url, { type: "module" })`. It statically imports a
 * few tiny helper modules that the main Excalidraw code imports too. By
 * default Rolldown places such helpers in the entry chunk (board-*.js), so the
 * worker would import — and run — the whole board entry (React, Excalidraw,
 * `document.getElementById(...)`) inside the worker, fail, and Excalidraw would
 * fall back to subsetting on the main thread.
 *
 * This chunk-name function moves exactly those shared helpers into their own
 * small chunk, which both the board entry and the worker import.
 */

/** Minimal view of Rolldown's ChunkingContext used here. */
export interface ModuleGraph {
  getModuleInfo(id: string): {
    importers: readonly string[];
    dynamicImporters: readonly string[];
    importedIds: readonly string[];
  } | null;
}

export const EXCALIDRAW_SHARED_CHUNK = "excalidraw-shared";

const WORKER_ROOT_FILES = ["subset-worker.chunk.js", "subset-shared.chunk.js"];
const PROD_DIR_RE = /^(.*[\\/]@excalidraw[\\/]excalidraw[\\/]dist[\\/]prod)([\\/])[^\\/]+\.js$/;

function staticClosure(roots: readonly string[], graph: ModuleGraph): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id)) continue;
    const info = graph.getModuleInfo(id);
    if (!info) continue;
    seen.add(id);
    queue.push(...info.importedIds);
  }
  return seen;
}

/**
 * Returns EXCALIDRAW_SHARED_CHUNK for modules that the subsetting worker
 * imports statically and that are also imported from outside the worker's
 * own module graph; null (default chunking) for everything else.
 */
export function excalidrawWorkerSharedChunk(id: string, graph: ModuleGraph): string | null {
  const match = PROD_DIR_RE.exec(id);
  if (!match) return null;
  const [, dir, sep] = match;
  const roots = WORKER_ROOT_FILES.map((file) => `${dir}${sep}${file}`);
  if (roots.includes(id)) return null;

  const workerGraph = staticClosure(roots, graph);
  if (!workerGraph.has(id)) return null;

  const info = graph.getModuleInfo(id);
  if (!info) return null;
  const usedOutsideWorker =
    info.dynamicImporters.length > 0 || info.importers.some((importer) => !workerGraph.has(importer));
  return usedOutsideWorker ? EXCALIDRAW_SHARED_CHUNK : null;
}
