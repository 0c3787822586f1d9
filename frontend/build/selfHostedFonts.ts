/**
 * Points Excalidraw's font fallback at our own static files instead of esm.sh.
 *
 * Excalidraw 0.18 lists, for every font face, the URL under EXCALIDRAW_ASSET_PATH and then
 * a CDN fallback (`ASSETS_FALLBACK_URL`, https://esm.sh/...). The browser never needs the
 * fallback when our files are served, but Chromium still reports a CSP violation for each
 * face, and SVG export may embed the CDN address. We replace that one expression with
 * our own absolute URL, and fail the build if the expression ever changes shape.
 */

export const SELF_HOSTED_ASSETS = "/static/excalidraw-assets/";

const FALLBACK_RE = /`https:\/\/esm\.sh\/\$\{[^`]*`[^`]*`:"@excalidraw\/excalidraw"\}\/dist\/prod\/`/g;

/** Replace the CDN fallback expression; returns null when the code doesn't contain it. */
export function replaceCdnFallback(code: string): string | null {
  if (!code.includes("https://esm.sh/")) return null;
  const replaced = code.replace(
    FALLBACK_RE,
    `new URL(${JSON.stringify(SELF_HOSTED_ASSETS)}, self.location.href).href`,
  );
  if (replaced.includes("https://esm.sh/")) {
    throw new Error("Excalidraw's CDN fallback changed shape; update build/selfHostedFonts.ts");
  }
  return replaced;
}

export function selfHostedFonts() {
  return {
    name: "mockroom-self-hosted-fonts",
    transform(code: string, id: string) {
      if (!id.includes("@excalidraw")) return null;
      const replaced = replaceCdnFallback(code);
      return replaced === null ? null : { code: replaced, map: null };
    },
  };
}
