/**
 * Timer warnings for people, announced once per crossing: "2 minutes left in Design" when a
 * phase enters its last two minutes, "Time is up for Design" when it runs out. Moving to
 * another phase, or gaining time back (+1 min, reset), re-arms silently.
 */
import type { WarningLevel } from "./timerMath";

export interface TimerReading {
  readonly phaseIndex: number;
  readonly level: WarningLevel;
}

const RANK: Record<WarningLevel, number> = { none: 0, soon: 1, over: 2 };

/** The announcement for going from `previous` to `next`, or null. */
export function crossingMessage(
  previous: TimerReading | null,
  next: TimerReading,
  phaseName: string,
): string | null {
  if (!previous || previous.phaseIndex !== next.phaseIndex) return null;
  if (RANK[next.level] <= RANK[previous.level]) return null;
  return next.level === "over" ? `Time is up for ${phaseName}` : `2 minutes left in ${phaseName}`;
}

/** Remembers the last reading; the first reading only sets the baseline. */
export class CrossingWatcher {
  private last: TimerReading | null = null;

  observe(next: TimerReading, phaseName: string): string | null {
    const message = crossingMessage(this.last, next, phaseName);
    this.last = next;
    return message;
  }

  /** Forget the baseline (for example when there is no timer to read). */
  clear(): void {
    this.last = null;
  }
}
