/**
 * The agenda timer's readings, mirroring `mockroom/live/timer.py::view` exactly. The state
 * is timestamps and banked milliseconds; every reading is a pure function of (state, now).
 * tests/vectors/timer.json is shared with the Python tests.
 */
import type { TimerOut } from "../protocol";

export interface TimerView {
  phase_index: number;
  running: boolean;
  /** The current phase's planned time, including added time. */
  planned_ms: number;
  /** Time spent in the current phase. */
  elapsed_ms: number;
  /** planned − elapsed; negative in overtime (never clamped). */
  remaining_ms: number;
  overtime_ms: number;
  total_elapsed_ms: number;
  total_planned_ms: number;
  /** Time spent in each phase so far. */
  phase_actual_ms: number[];
}

export class TimerMathError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "TimerMathError";
  }
}

function currentStretch(timer: TimerOut, nowMs: number): number {
  if (!timer.running || timer.anchor_ms === null) return 0;
  return Math.max(0, nowMs - timer.anchor_ms);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Read the timer at `nowMs` (server ms). Throws TimerMathError when agenda and timer disagree. */
export function timerView(timer: TimerOut, agendaMinutes: readonly number[], nowMs: number): TimerView {
  if (agendaMinutes.length !== timer.phase_spent_ms.length) {
    throw new TimerMathError("agenda_mismatch", "The agenda and the timer disagree.");
  }
  const index = timer.phase_index;
  const plannedMinutes = agendaMinutes[index];
  if (plannedMinutes === undefined || timer.added_ms.length !== agendaMinutes.length) {
    throw new TimerMathError("agenda_mismatch", "The agenda and the timer disagree.");
  }
  const actual = [...timer.phase_spent_ms];
  actual[index] = (actual[index] ?? 0) + currentStretch(timer, nowMs);
  const planned = plannedMinutes * 60_000 + (timer.added_ms[index] ?? 0);
  const elapsed = actual[index] ?? 0;
  const remaining = planned - elapsed;
  return {
    phase_index: index,
    running: timer.running,
    planned_ms: planned,
    elapsed_ms: elapsed,
    remaining_ms: remaining,
    overtime_ms: Math.max(0, -remaining),
    total_elapsed_ms: sum(actual),
    total_planned_ms: sum(agendaMinutes.map((m) => m * 60_000)) + sum(timer.added_ms),
    phase_actual_ms: actual,
  };
}

/** The same, or null instead of an exception (for display code). */
export function safeTimerView(
  timer: TimerOut,
  agendaMinutes: readonly number[],
  nowMs: number,
): TimerView | null {
  try {
    return timerView(timer, agendaMinutes, nowMs);
  } catch (error) {
    if (error instanceof TimerMathError) return null;
    throw error;
  }
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

function minutesSeconds(totalSeconds: number): string {
  return `${twoDigits(Math.floor(totalSeconds / 60))}:${twoDigits(totalSeconds % 60)}`;
}

/**
 * A countdown reading: "04:05" while time is left (seconds rounded up, so the display reads
 * 05:00 at the start and 00:00 only when time is up); overtime as "+00:25" (rounded down).
 */
export function formatClock(ms: number): string {
  if (ms >= 0) return minutesSeconds(Math.ceil(ms / 1000));
  return `+${minutesSeconds(Math.floor(-ms / 1000))}`;
}

/** A count-up reading (elapsed time), "12:34", seconds rounded down. */
export function formatElapsed(ms: number): string {
  return minutesSeconds(Math.floor(Math.max(0, ms) / 1000));
}

export type WarningLevel = "none" | "soon" | "over";

export const SOON_MS = 2 * 60_000;

/** "over" once time is up (≤ 0), "soon" within the last two minutes, else "none". */
export function warningLevel(remainingMs: number): WarningLevel {
  if (remainingMs <= 0) return "over";
  if (remainingMs <= SOON_MS) return "soon";
  return "none";
}

/** Is the timer untouched: not running and nothing spent in any phase? */
export function timerUntouched(timer: TimerOut): boolean {
  return !timer.running && timer.phase_spent_ms.every((ms) => ms === 0);
}
