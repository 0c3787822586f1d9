/**
 * Images on the shared board travel over HTTP, never the WebSocket: upload with
 * `POST /interviews/<id>/files/`, fetch with `GET <url>`. Helpers here are plain functions
 * over fetch/Blob, so they run (and are tested) without a DOM.
 */

/** The server's limit per image. */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024; // as Excalidraw and the server
export const ACCEPTED_IMAGE_TYPES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

export interface StoredFile {
  id: string;
  mimeType: string;
  url: string;
}

export type UploadOutcome =
  | { ok: true; file: StoredFile }
  /** Worth another try later (network trouble, server error). */
  | { ok: false; retry: true; message: string }
  /** Refused for good: show `message`. */
  | { ok: false; retry: false; message: string };

/** "6.2" for 6.2 MiB: one decimal, never rounding a too-large size down to the limit. */
export function formatMiB(bytes: number): string {
  const tenths = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return Number.isInteger(tenths) ? `${tenths}.0` : String(tenths);
}

export function tooLargeMessage(bytes: number): string {
  return `That image is too large (${formatMiB(bytes)} MiB). Images must be 4 MiB or less.`;
}

export function unsupportedTypeMessage(mimeType: string): string {
  const named = mimeType ? ` (${mimeType})` : "";
  return `That kind of image${named} can't be added to the board. Use PNG, JPEG, GIF or WebP.`;
}

/** The words for a refused upload, by HTTP status. */
export function uploadRefusalMessage(status: number, bytes: number, mimeType: string, serverText = ""): string {
  if (status === 413) return tooLargeMessage(bytes);
  if (status === 415) return unsupportedTypeMessage(mimeType);
  if (status === 403) return "Images can't be added to this board now: it is read-only for you.";
  const detail = serverText ? `: ${serverText}` : ` (error ${status})`;
  return `The image could not be uploaded${detail}. It was removed from the board.`;
}

/** The value of cookie `name` in a `document.cookie` string, or "" when absent. */
export function readCookie(cookies: string, name: string): string {
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim();
      }
    }
  }
  return "";
}

export function csrfToken(): string {
  return typeof document === "undefined" ? "" : readCookie(document.cookie, "csrftoken");
}

/** Bytes of the data a base64 data URL holds (without decoding it). */
export function dataUrlByteLength(dataURL: string): number {
  const comma = dataURL.indexOf(",");
  const header = dataURL.slice(0, comma);
  const body = dataURL.slice(comma + 1);
  if (!header.endsWith(";base64")) return decodeURIComponent(body).length;
  const padding = body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
}

/** The MIME type named in a data URL ("" when there is none). */
export function dataUrlMimeType(dataURL: string): string {
  const match = /^data:([^;,]*)/.exec(dataURL);
  return match?.[1] ?? "";
}

export function dataUrlToBlob(dataURL: string, mimeType = dataUrlMimeType(dataURL)): Blob {
  const comma = dataURL.indexOf(",");
  const header = dataURL.slice(0, comma);
  const body = dataURL.slice(comma + 1);
  if (!header.endsWith(";base64")) return new Blob([decodeURIComponent(body)], { type: mimeType });
  const binary = atob(body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: mimeType });
}

export async function blobToDataUrl(blob: Blob, mimeType = blob.type): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return `data:${mimeType || "application/octet-stream"};base64,${btoa(binary)}`;
}

type Fetch = typeof fetch;

async function errorText(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string") {
      return (body as { error: string }).error;
    }
  } catch {
    // Not JSON: the status says enough.
  }
  return "";
}

function asStoredFile(value: unknown, fallbackId: string, fallbackType: string): StoredFile | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Partial<StoredFile>;
  if (typeof v.url !== "string" || !v.url) return null;
  return {
    id: typeof v.id === "string" && v.id ? v.id : fallbackId,
    mimeType: typeof v.mimeType === "string" && v.mimeType ? v.mimeType : fallbackType,
    url: v.url,
  };
}

/** Upload one image. Never throws: the outcome says what happened. */
export async function uploadImage(
  publicId: string,
  fileId: string,
  blob: Blob,
  fetchImpl: Fetch = fetch,
  token: string = csrfToken(),
): Promise<UploadOutcome> {
  if (blob.size > MAX_IMAGE_BYTES) return { ok: false, retry: false, message: tooLargeMessage(blob.size) };
  const form = new FormData();
  form.append("file_id", fileId);
  const extension = blob.type.split("/")[1]?.replace(/[^a-z0-9]/gi, "") || "bin";
  form.append("file", blob, `${fileId}.${extension}`);
  let response: Response;
  try {
    response = await fetchImpl(`/interviews/${encodeURIComponent(publicId)}/files/`, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    });
  } catch {
    return { ok: false, retry: true, message: "The image could not be uploaded (network error). It was removed from the board." };
  }
  if (response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    const file = asStoredFile(body, fileId, blob.type);
    if (file) return { ok: true, file };
    return { ok: false, retry: false, message: uploadRefusalMessage(response.status, blob.size, blob.type, "unexpected answer") };
  }
  const text = await errorText(response);
  if (response.status >= 500 || response.status === 429) {
    return { ok: false, retry: true, message: uploadRefusalMessage(response.status, blob.size, blob.type, text) };
  }
  return { ok: false, retry: false, message: uploadRefusalMessage(response.status, blob.size, blob.type, text) };
}

/** Fetch an uploaded image as a data URL (what Excalidraw's addFiles wants). */
export async function downloadImage(url: string, mimeType: string, fetchImpl: Fetch = fetch): Promise<string> {
  const response = await fetchImpl(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  const blob = await response.blob();
  return blobToDataUrl(blob, mimeType || blob.type);
}
