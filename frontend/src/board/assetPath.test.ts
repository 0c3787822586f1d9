import { describe, expect, it } from "vitest";
import { DEFAULT_ASSET_PATH, resolveAssetPath } from "./assetPath";

describe("resolveAssetPath", () => {
  it("falls back to the default when the attribute is missing", () => {
    expect(resolveAssetPath(null)).toBe(DEFAULT_ASSET_PATH);
    expect(resolveAssetPath(undefined)).toBe(DEFAULT_ASSET_PATH);
  });

  it("falls back to the default when the attribute is blank", () => {
    expect(resolveAssetPath("")).toBe(DEFAULT_ASSET_PATH);
    expect(resolveAssetPath("   ")).toBe(DEFAULT_ASSET_PATH);
  });

  it("keeps a path that already ends in a slash", () => {
    expect(resolveAssetPath("/static/excalidraw-assets/")).toBe("/static/excalidraw-assets/");
  });

  it("adds a trailing slash when missing", () => {
    expect(resolveAssetPath("/static/excalidraw-assets")).toBe("/static/excalidraw-assets/");
    expect(resolveAssetPath("https://cdn.example.test/static/x")).toBe(
      "https://cdn.example.test/static/x/",
    );
  });

  it("trims surrounding whitespace", () => {
    expect(resolveAssetPath("  /assets  ")).toBe("/assets/");
  });

  it("uses /static/excalidraw-assets/ as the default", () => {
    expect(DEFAULT_ASSET_PATH).toBe("/static/excalidraw-assets/");
  });
});
