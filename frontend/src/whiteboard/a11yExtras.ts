/**
 * Accessibility fixes the shared board needs on top of board/a11yPatches.ts. Excalidraw
 * 0.18 wraps each colour picker of the properties panel in `role="dialog"` without a name
 * (axe: aria-dialog-name, serious). We name each after its trigger ("Stroke", ...).
 */
import { watchUnlabelledControls } from "../board/a11yPatches";

interface ElementLike {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): ElementLike | null;
}

interface RootLike {
  querySelectorAll(selector: string): ArrayLike<ElementLike>;
}

/** Name every unnamed colour-picker dialog inside `root`; returns how many were named. */
export function nameColorPickers(root: RootLike): number {
  const dialogs = root.querySelectorAll('.color-picker-container[role="dialog"]');
  let named = 0;
  for (let i = 0; i < dialogs.length; i += 1) {
    const dialog = dialogs[i];
    if (!dialog || dialog.getAttribute("aria-label") || dialog.getAttribute("aria-labelledby")) continue;
    const trigger = dialog.querySelector(".color-picker__button");
    const label = trigger?.getAttribute("aria-label") || trigger?.getAttribute("title") || "Colours";
    dialog.setAttribute("aria-label", label);
    named += 1;
  }
  return named;
}

interface ModalLike extends ElementLike {
  textContent: string | null;
}

/** Excalidraw's modal dialogs (errors, help) carry role="dialog" but no name: name each
 * after its title, so screen readers announce "Error" rather than "dialog". */
export function nameModals(
  root: { querySelectorAll(selector: string): ArrayLike<ModalLike> },
  lookup: (id: string) => { textContent: string | null } | null = (id) =>
    document.getElementById(id),
): number {
  const modals = root.querySelectorAll('.Modal[role="dialog"]');
  let named = 0;
  for (let i = 0; i < modals.length; i += 1) {
    const modal = modals[i];
    if (!modal || modal.getAttribute("aria-label")) continue;
    // Excalidraw points aria-labelledby at a title that error dialogs don't render.
    const labelledBy = modal.getAttribute("aria-labelledby");
    if (labelledBy && lookup(labelledBy)?.textContent?.trim()) continue;
    const title = modal.querySelector(".Dialog__title, h2, h3") as ModalLike | null;
    modal.setAttribute("aria-label", title?.textContent?.trim() || "Dialog");
    named += 1;
  }
  return named;
}

/** Keep the board's controls named as Excalidraw re-renders; returns a stop function. */
export function watchBoardControls(root: HTMLElement): () => void {
  const stopShared = watchUnlabelledControls(root);
  const rename = () => {
    nameColorPickers(root);
    // Modals render in a portal outside the board's element.
    nameModals(document.body);
  };
  rename();
  const observer = new MutationObserver(rename);
  observer.observe(document.body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    stopShared();
  };
}
