import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe("room asset path", () => {
  it("reads #room-root[data-asset-path] into window.EXCALIDRAW_ASSET_PATH", async () => {
    const win: { EXCALIDRAW_ASSET_PATH?: string } = {};
    const doc = {
      getElementById: (id: string) =>
        id === "room-root" ? { getAttribute: () => "/static/excalidraw-assets" } : null,
    };
    vi.stubGlobal("window", win);
    vi.stubGlobal("document", doc);
    await import("./assetPath");
    expect(win.EXCALIDRAW_ASSET_PATH).toBe("/static/excalidraw-assets/");
  });
});
