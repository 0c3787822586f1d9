/**
 * One pending action, run after a quiet period unless replaced, flushed or cancelled. Used to
 * autosave a comment ~600 ms after the last keystroke (and at once on blur).
 */
export const AUTOSAVE_DELAY_MS = 600;

export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private action: (() => void) | null = null;

  constructor(private readonly delayMs: number = AUTOSAVE_DELAY_MS) {}

  /** Replace any waiting action with this one, to run after the delay. */
  schedule(action: () => void): void {
    this.cancel();
    this.action = action;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  /** Run the waiting action now, if any. True when one ran. */
  flush(): boolean {
    const action = this.action;
    this.cancel();
    if (!action) return false;
    action();
    return true;
  }

  /** Drop the waiting action without running it. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.action = null;
  }

  get pending(): boolean {
    return this.action !== null;
  }
}
