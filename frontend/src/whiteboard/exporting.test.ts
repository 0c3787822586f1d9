import { describe, expect, it, vi } from "vitest";
import {
  addFontFallbacks,
  boardDownloadUrl,
  exportFileName,
  finalBoardUrl,
  savesFinalBoard,
  uploadFinalBoard,
  withGenericFallback,
} from "./exporting";

describe("font fallbacks for SVG export", () => {
  it("appends the closest generic family once", () => {
    expect(withGenericFallback("Excalifont, Xiaolai, Segoe UI Emoji")).toBe(
      "Excalifont, Xiaolai, Segoe UI Emoji, cursive",
    );
    expect(withGenericFallback("Comic Shanns, Segoe UI Emoji")).toBe("Comic Shanns, Segoe UI Emoji, monospace");
    expect(withGenericFallback("Nunito, Segoe UI Emoji")).toBe("Nunito, Segoe UI Emoji, sans-serif");
    expect(withGenericFallback("Nunito, sans-serif")).toBe("Nunito, sans-serif");
    expect(withGenericFallback("")).toBe("sans-serif");
  });

  it("rewrites every text element", () => {
    const attrs = [new Map([["font-family", "Virgil, Segoe UI Emoji"]]), new Map<string, string>()];
    const texts = attrs.map((m) => ({
      getAttribute: (n: string) => m.get(n) ?? null,
      setAttribute: (n: string, v: string) => void m.set(n, v),
    }));
    expect(addFontFallbacks({ querySelectorAll: () => texts })).toBe(2);
    expect(attrs.map((m) => m.get("font-family"))).toEqual(["Virgil, Segoe UI Emoji, cursive", "sans-serif"]);
  });
});

describe("names and URLs", () => {
  it("builds safe file names and the server's paths", () => {
    expect(exportFileName("9f2c", "png")).toBe("mockroom-9f2c-board.png");
    expect(exportFileName("../x y", "svg")).toBe("mockroom-xy-board.svg");
    expect(boardDownloadUrl("9f2c")).toBe("/interviews/9f2c/board.excalidraw");
    expect(finalBoardUrl("9f2c")).toBe("/interviews/9f2c/board/final/");
  });
});

describe("uploadFinalBoard", () => {
  it("posts png and svg with the CSRF token", async () => {
    const fetchImpl = vi.fn(async () => new Response("{}", { status: 200 }));
    const ok = await uploadFinalBoard(
      "9f2c",
      new Blob(["p"], { type: "image/png" }),
      new Blob(["<svg/>"], { type: "image/svg+xml" }),
      fetchImpl,
      "tok",
    );
    expect(ok).toBe(true);
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/interviews/9f2c/board/final/");
    expect((init.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok");
    const form = init.body as FormData;
    expect((form.get("png") as File).name).toBe("board.png");
    expect((form.get("svg") as File).type).toBe("image/svg+xml");
  });

  it("reports failure without throwing", async () => {
    const refused = vi.fn(async () => new Response("", { status: 403 }));
    expect(await uploadFinalBoard("x", new Blob([]), new Blob([]), refused, "")).toBe(false);
    const offline = vi.fn(async () => {
      throw new TypeError("offline");
    });
    expect(await uploadFinalBoard("x", new Blob([]), new Blob([]), offline, "")).toBe(false);
  });
});

describe("savesFinalBoard", () => {
  it("is the interviewer's room that saw the round end, and nobody else", () => {
    expect(savesFinalBoard("interviewer", "during-session")).toBe(true);
    for (const role of ["candidate", "observer", undefined]) {
      expect(savesFinalBoard(role, "during-session")).toBe(false);
    }
    // Not while the round is live, and not on opening an ended room later.
    expect(savesFinalBoard("interviewer", "no")).toBe(false);
    expect(savesFinalBoard("interviewer", "on-load")).toBe(false);
  });
});
