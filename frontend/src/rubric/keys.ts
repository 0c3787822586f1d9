/** Keyboard decisions for the notes box, pure so they can be tested without a DOM. */

type Keys = Pick<KeyboardEvent, "code" | "altKey" | "ctrlKey" | "metaKey">;

/**
 * Alt+N (Option+N on macOS) focuses the note box. `code` is the physical key, so it works
 * whatever character Option+N produces on a Mac, and on non-Latin layouts.
 */
export function isNoteShortcut(event: Keys): boolean {
  return event.code === "KeyN" && event.altKey && !event.ctrlKey && !event.metaKey;
}

export const NOTE_SHORTCUT = "Alt+N";

type EnterKeys = Pick<KeyboardEvent, "key" | "shiftKey" | "altKey" | "ctrlKey" | "metaKey" | "isComposing">;

/** Enter adds the note; Shift+Enter (or Enter while composing with an IME) does not. */
export function isSubmitNoteKey(event: EnterKeys): boolean {
  return (
    event.key === "Enter" &&
    !event.shiftKey &&
    !event.altKey &&
    !event.ctrlKey &&
    !event.metaKey &&
    !event.isComposing
  );
}
