/**
 * Which rubric criteria belong to the phase the round is in: those whose `phases` list
 * names the current agenda phase. Pure.
 */
import type { CriterionOut, PhaseOut, TimerOut } from "../protocol";

/** Phase names compare without case and surrounding or repeated spaces. */
export function samePhase(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();
  return norm(a) !== "" && norm(a) === norm(b);
}

/** The current agenda phase's name, or null before the timer and agenda are known. */
export function currentPhaseName(
  agenda: readonly PhaseOut[],
  timer: Pick<TimerOut, "phase_index"> | null,
): string | null {
  if (!timer) return null;
  return agenda[timer.phase_index]?.name ?? null;
}

export function isCurrentCriterion(
  criterion: Pick<CriterionOut, "phases">,
  phaseName: string | null,
): boolean {
  if (phaseName === null) return false;
  return criterion.phases.some((phase) => samePhase(phase, phaseName));
}

/** Keys of the criteria of the current phase, in rubric order. */
export function currentCriterionKeys(
  criteria: readonly Pick<CriterionOut, "key" | "phases">[],
  phaseName: string | null,
): string[] {
  return criteria.filter((c) => isCurrentCriterion(c, phaseName)).map((c) => c.key);
}
