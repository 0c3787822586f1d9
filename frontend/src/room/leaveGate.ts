/**
 * Work that should finish before the room navigates away (e.g. saving the final board
 * images when the round ends). The redirect waits for it, but never longer than a limit.
 */
export class LeaveGate {
  private readonly tasks = new Set<Promise<unknown>>();

  /** Keep the page until `task` settles (or the wait limit passes). */
  hold(task: Promise<unknown>): void {
    const tracked = task.then(
      () => undefined,
      () => undefined,
    );
    this.tasks.add(tracked);
    void tracked.then(() => this.tasks.delete(tracked));
  }

  get busy(): boolean {
    return this.tasks.size > 0;
  }

  /** Resolves when everything held so far has settled, or after `maxWaitMs`. */
  settled(maxWaitMs: number): Promise<void> {
    const all = Promise.all([...this.tasks]).then(() => undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      void all.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
