import { describe, expect, it } from "vitest";
import { replaceCdnFallback } from "./selfHostedFonts.ts";

const SAMPLE =
  'P(jn,"ASSETS_FALLBACK_URL",`https://esm.sh/${M.PKG_NAME?`${M.PKG_NAME}@${M.PKG_VERSION}`:"@excalidraw/excalidraw"}/dist/prod/`);';

describe("replaceCdnFallback", () => {
  it("points the fallback at our static files", () => {
    const out = replaceCdnFallback(SAMPLE);
    expect(out).not.toBeNull();
    expect(out).not.toContain("esm.sh");
    expect(out).toContain('new URL("/static/excalidraw-assets/", self.location.href).href');
  });

  it("leaves code without the CDN alone", () => {
    expect(replaceCdnFallback("const a = 1;")).toBeNull();
  });

  it("refuses a changed fallback rather than shipping a CDN URL", () => {
    expect(() => replaceCdnFallback('const u = "https://esm.sh/other";')).toThrow(/changed shape/);
  });
});
