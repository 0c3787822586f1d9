/**
 * Saving the board as files: downloads for the user, and the final images the server
 * keeps when the round ends. Excalidraw-free so it can be tested without a DOM.
 *
 * SVG and fonts: Excalidraw embeds fonts in an SVG by subsetting them with WebAssembly
 * (plus Emscripten's `Function(...)`), which the room's CSP (no 'unsafe-eval') blocks. We
 * export with `skipInliningFonts` and give every text a generic fallback family, so the
 * SVG is valid and readable without any embedded or remote font. The PNG is drawn from
 * the canvas and keeps the hand-drawn fonts.
 */
import type { EndedState } from "../room/store";
import { csrfToken } from "./files";

/** A CSS generic family that looks closest to each Excalidraw font. */
export function genericFamilyFor(fontFamily: string): string {
  const f = fontFamily.toLowerCase();
  if (f.includes("cascadia") || f.includes("comic shanns")) return "monospace";
  if (f.includes("excalifont") || f.includes("virgil") || f.includes("xiaolai")) return "cursive";
  return "sans-serif";
}

/** `font-family` with a generic family appended (once). */
export function withGenericFallback(fontFamily: string): string {
  const trimmed = fontFamily.trim();
  const generic = genericFamilyFor(trimmed);
  if (!trimmed) return generic;
  const parts = trimmed.split(",").map((p) => p.trim().toLowerCase());
  return parts.includes(generic) ? trimmed : `${trimmed}, ${generic}`;
}

/** The part of an exported SVG element this module touches. */
export interface SvgTextRoot {
  querySelectorAll(selector: string): ArrayLike<{
    getAttribute(name: string): string | null;
    setAttribute(name: string, value: string): void;
  }>;
}

/** Give every <text> of an exported SVG a generic fallback family. Returns how many. */
export function addFontFallbacks(svg: SvgTextRoot): number {
  const texts = svg.querySelectorAll("text");
  for (let i = 0; i < texts.length; i += 1) {
    const text = texts[i];
    if (!text) continue;
    text.setAttribute("font-family", withGenericFallback(text.getAttribute("font-family") ?? ""));
  }
  return texts.length;
}

/** "mockroom-<id>-board.png": file names for the downloads. */
export function exportFileName(publicId: string, extension: "png" | "svg" | "excalidraw"): string {
  const safe = publicId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 40) || "board";
  return `mockroom-${safe}-board.${extension}`;
}

export function boardDownloadUrl(publicId: string): string {
  return `/interviews/${encodeURIComponent(publicId)}/board.excalidraw`;
}

export function finalBoardUrl(publicId: string): string {
  return `/interviews/${encodeURIComponent(publicId)}/board/final/`;
}

/**
 * Whether this client saves the final board images: only the interviewer's room, and only
 * when it saw the round end (so the board it draws is the stored, now read-only board).
 * The server enforces the same rule and refuses anyone else, and any upload while live.
 */
export function savesFinalBoard(role: string | undefined, ended: EndedState): boolean {
  return role === "interviewer" && ended === "during-session";
}

/**
 * Post the final board images (201 when saved; the server refuses a second upload with 409,
 * so the first image stands). True when the server took the request.
 */
export async function uploadFinalBoard(
  publicId: string,
  png: Blob,
  svg: Blob,
  fetchImpl: typeof fetch = fetch,
  token: string = csrfToken(),
): Promise<boolean> {
  const form = new FormData();
  form.append("png", png, "board.png");
  form.append("svg", svg, "board.svg");
  try {
    const response = await fetchImpl(finalBoardUrl(publicId), {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Save a blob as a file through a temporary link. */
export function downloadBlob(blob: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  link.style.display = "none";
  doc.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
