import { describe, expect, it } from "vitest";
import { isNoteShortcut, isSubmitNoteKey } from "./keys";

const key = (over: Partial<KeyboardEvent>) =>
  ({ code: "", key: "", altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, isComposing: false, ...over }) as KeyboardEvent;

describe("isNoteShortcut", () => {
  it("is Alt+N by physical key, whatever character Option+N types on a Mac", () => {
    expect(isNoteShortcut(key({ code: "KeyN", key: "n", altKey: true }))).toBe(true);
    expect(isNoteShortcut(key({ code: "KeyN", key: "˜", altKey: true }))).toBe(true);
    expect(isNoteShortcut(key({ code: "KeyN", key: "Dead", altKey: true }))).toBe(true);
  });

  it("is not N alone, nor with Ctrl or Cmd, nor another key", () => {
    expect(isNoteShortcut(key({ code: "KeyN", key: "n" }))).toBe(false);
    expect(isNoteShortcut(key({ code: "KeyN", altKey: true, ctrlKey: true }))).toBe(false);
    expect(isNoteShortcut(key({ code: "KeyN", altKey: true, metaKey: true }))).toBe(false);
    expect(isNoteShortcut(key({ code: "KeyM", altKey: true }))).toBe(false);
  });
});

describe("isSubmitNoteKey", () => {
  it("submits on Enter", () => {
    expect(isSubmitNoteKey(key({ key: "Enter" }))).toBe(true);
  });

  it("keeps Shift+Enter for a new line, and Enter that ends an IME composition", () => {
    expect(isSubmitNoteKey(key({ key: "Enter", shiftKey: true }))).toBe(false);
    expect(isSubmitNoteKey(key({ key: "Enter", isComposing: true }))).toBe(false);
    expect(isSubmitNoteKey(key({ key: "a" }))).toBe(false);
  });
});
