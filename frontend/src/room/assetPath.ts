/**
 * Tells Excalidraw where its fonts are, from `#room-root[data-asset-path]` (see
 * board/assetPath.ts for why this must run before Excalidraw's module is evaluated).
 * `main.tsx` imports this module first.
 */
import { resolveAssetPath } from "../board/assetPath";

export function applyRoomAssetPath(doc: Document = document): string {
  const path = resolveAssetPath(doc.getElementById("room-root")?.getAttribute("data-asset-path"));
  window.EXCALIDRAW_ASSET_PATH = path;
  return path;
}

if (typeof window !== "undefined" && typeof document !== "undefined") {
  applyRoomAssetPath();
}
