/**
 * Tells Excalidraw where to load its font files from.
 *
 * Excalidraw resolves every font URL against `window.EXCALIDRAW_ASSET_PATH`
 * (e.g. "/static/excalidraw-assets/" + "fonts/Virgil/Virgil-Regular.woff2").
 * When the global is unset it only uses its public CDN fallback, which our
 * Content-Security-Policy blocks, so this module must run before Excalidraw
 * renders. `main.tsx` imports it first.
 */

export const DEFAULT_ASSET_PATH = "/static/excalidraw-assets/";

declare global {
  interface Window {
    /** Base URL (or list of base URLs) that Excalidraw loads fonts from. */
    EXCALIDRAW_ASSET_PATH?: string | string[];
  }
}

/**
 * Pure part: turn the `data-asset-path` attribute value (or null when the
 * attribute/element is missing) into a base path that always ends in "/".
 */
export function resolveAssetPath(attributeValue: string | null | undefined): string {
  const trimmed = (attributeValue ?? "").trim();
  if (trimmed === "") {
    return DEFAULT_ASSET_PATH;
  }
  return trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}

/** Reads `#board-root[data-asset-path]` and sets the Excalidraw global. */
export function applyAssetPath(doc: Document = document): string {
  const root = doc.getElementById("board-root");
  const path = resolveAssetPath(root?.getAttribute("data-asset-path"));
  window.EXCALIDRAW_ASSET_PATH = path;
  return path;
}

if (typeof window !== "undefined" && typeof document !== "undefined") {
  applyAssetPath();
}
