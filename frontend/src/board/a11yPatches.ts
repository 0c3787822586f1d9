/**
 * Excalidraw 0.18 renders a few icon-only buttons without an accessible name (the main
 * menu trigger is one). Screen readers announce them as "button", and axe flags them as
 * critical. We name them, and keep naming them as Excalidraw re-renders.
 */

export const UNNAMED_CONTROLS: ReadonlyArray<readonly [selector: string, label: string]> = [
  [".main-menu-trigger", "Main menu"],
];

/** Give every known unnamed control inside `root` a label; returns how many were named. */
export function nameUnlabelledControls(root: ParentNode): number {
  let named = 0;
  for (const [selector, label] of UNNAMED_CONTROLS) {
    root.querySelectorAll<HTMLElement>(selector).forEach((element) => {
      if (!element.getAttribute("aria-label") && !element.textContent?.trim()) {
        element.setAttribute("aria-label", label);
        named += 1;
      }
    });
  }
  return named;
}

/** Keep naming controls as they appear; returns a function that stops watching. */
export function watchUnlabelledControls(root: HTMLElement): () => void {
  nameUnlabelledControls(root);
  const observer = new MutationObserver(() => nameUnlabelledControls(root));
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
