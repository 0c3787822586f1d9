import { describe, expect, it, vi } from "vitest";
import {
  blobToDataUrl,
  dataUrlByteLength,
  dataUrlMimeType,
  dataUrlToBlob,
  downloadImage,
  formatMiB,
  MAX_IMAGE_BYTES,
  readCookie,
  tooLargeMessage,
  uploadImage,
  uploadRefusalMessage,
} from "./files";

const png = (bytes: number) => new Blob([new Uint8Array(bytes)], { type: "image/png" });

describe("messages", () => {
  it("names the size of a too-large image", () => {
    expect(tooLargeMessage(6.2 * 1024 * 1024)).toBe(
      "That image is too large (6.2 MiB). Images must be 4 MiB or less.",
    );
    expect(formatMiB(MAX_IMAGE_BYTES + 1)).toBe("4.1");
    expect(formatMiB(6 * 1024 * 1024)).toBe("6.0");
  });

  it("explains refusals by status", () => {
    expect(uploadRefusalMessage(413, 7 * 1024 * 1024, "image/png")).toContain("(7.0 MiB)");
    expect(uploadRefusalMessage(415, 10, "image/svg+xml")).toBe(
      "That kind of image (image/svg+xml) can't be added to the board. Use PNG, JPEG, GIF or WebP.",
    );
    expect(uploadRefusalMessage(403, 10, "image/png")).toMatch(/read-only/);
    expect(uploadRefusalMessage(500, 10, "image/png")).toMatch(/error 500/);
  });
});

describe("readCookie", () => {
  it("finds the named cookie", () => {
    expect(readCookie("a=1; csrftoken=abc%3D; b=2", "csrftoken")).toBe("abc=");
    expect(readCookie("xcsrftoken=1", "csrftoken")).toBe("");
    expect(readCookie("", "csrftoken")).toBe("");
  });
});

describe("data URLs", () => {
  it("round-trips bytes and knows their size without decoding", async () => {
    const blob = new Blob([new Uint8Array([1, 2, 3, 250, 251])], { type: "image/gif" });
    const url = await blobToDataUrl(blob);
    expect(dataUrlMimeType(url)).toBe("image/gif");
    expect(dataUrlByteLength(url)).toBe(5);
    const back = dataUrlToBlob(url);
    expect(back.type).toBe("image/gif");
    expect([...new Uint8Array(await back.arrayBuffer())]).toEqual([1, 2, 3, 250, 251]);
  });
});

describe("uploadImage", () => {
  it("posts the file with the CSRF token and returns the stored file", async () => {
    const fetchImpl = vi.fn(async () =>
      new Response(JSON.stringify({ id: "f1", mimeType: "image/png", url: "/files/f1" }), { status: 201 }),
    );
    const outcome = await uploadImage("room1", "f1", png(10), fetchImpl, "tok");
    expect(outcome).toEqual({ ok: true, file: { id: "f1", mimeType: "image/png", url: "/files/f1" } });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/interviews/room1/files/");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok");
    const form = init.body as FormData;
    expect(form.get("file_id")).toBe("f1");
    expect((form.get("file") as Blob).size).toBe(10);
  });

  it("refuses a too-large blob without asking the server", async () => {
    const fetchImpl = vi.fn();
    const outcome = await uploadImage("r", "f", png(MAX_IMAGE_BYTES + 1), fetchImpl as unknown as typeof fetch);
    expect(outcome).toEqual({ ok: false, retry: false, message: tooLargeMessage(MAX_IMAGE_BYTES + 1) });
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it("reports 413 and 415 as final, server trouble as worth a retry", async () => {
    const answer = (status: number) => vi.fn(async () => new Response(JSON.stringify({ error: "no" }), { status }));
    expect(await uploadImage("r", "f", png(5), answer(413))).toMatchObject({ ok: false, retry: false });
    expect(await uploadImage("r", "f", png(5), answer(415))).toMatchObject({ ok: false, retry: false });
    expect(await uploadImage("r", "f", png(5), answer(503))).toMatchObject({ ok: false, retry: true });
    const offline = vi.fn(async () => {
      throw new TypeError("network");
    });
    expect(await uploadImage("r", "f", png(5), offline)).toMatchObject({ ok: false, retry: true });
  });
});

describe("downloadImage", () => {
  it("returns a data URL of the body", async () => {
    const fetchImpl = vi.fn(async () => new Response(new Uint8Array([9, 8]), { status: 200 }));
    expect(await downloadImage("/f", "image/png", fetchImpl)).toBe("data:image/png;base64,CQg=");
    const missing = vi.fn(async () => new Response("", { status: 404 }));
    await expect(downloadImage("/f", "image/png", missing)).rejects.toThrow(/404/);
  });
});
