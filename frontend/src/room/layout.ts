/** The room's side panel: its width bounds and the keyboard steps of its resize handle. Pure. */

export const SIDE_DEFAULT_PX = 360;
export const SIDE_MIN_PX = 260;
export const SIDE_MAX_PX = 640;
export const SIDE_STEP_PX = 24;

/** Narrow screens get the phone layout: board first, panels as sheets. */
export const NARROW_QUERY = "(max-width: 47.99rem)";

export function clampSide(px: number, viewportWidth: number = Number.POSITIVE_INFINITY): number {
  // The board keeps at least half the screen.
  const max = Math.min(SIDE_MAX_PX, Math.max(SIDE_MIN_PX, Math.floor(viewportWidth / 2)));
  return Math.round(Math.min(max, Math.max(SIDE_MIN_PX, px)));
}

/**
 * The panel's width after a key press on its handle (the handle is on the panel's left edge,
 * so ArrowLeft widens it). Null for keys the handle does not use.
 */
export function sideAfterKey(px: number, key: string, viewportWidth?: number): number | null {
  switch (key) {
    case "ArrowLeft":
      return clampSide(px + SIDE_STEP_PX, viewportWidth);
    case "ArrowRight":
      return clampSide(px - SIDE_STEP_PX, viewportWidth);
    case "Home":
      return clampSide(SIDE_MIN_PX, viewportWidth);
    case "End":
      return clampSide(SIDE_MAX_PX, viewportWidth);
    default:
      return null;
  }
}
