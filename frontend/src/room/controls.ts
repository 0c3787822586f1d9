/** Which interviewer controls to show and enable, from the room state. Pure. */
import type { InterviewOut, PhaseOut, TimerOut } from "../protocol";
import { timerUntouched } from "../timer/timerMath";

/**
 * The one primary button, in one place: "Start round" before the round (it also starts the
 * first phase), then Pause / Resume, or "Start timer" when a live round's timer was reset.
 */
export type PrimaryAction = "start-round" | "start" | "pause" | "resume";

export interface ControlsState {
  showEndRound: boolean;
  /** Timer buttons work only while the round is live. */
  timerEnabled: boolean;
  primary: PrimaryAction;
  canPrevious: boolean;
  canNext: boolean;
}

export const PRIMARY_LABELS: Record<PrimaryAction, string> = {
  "start-round": "Start round",
  start: "Start timer",
  pause: "Pause",
  resume: "Resume",
};

export function controlsState(
  interview: InterviewOut,
  timer: TimerOut,
  agenda: readonly PhaseOut[],
): ControlsState {
  const live = interview.status === "live";
  let primary: PrimaryAction = "resume";
  if (interview.status === "scheduled") primary = "start-round";
  else if (timer.running) primary = "pause";
  else if (timerUntouched(timer)) primary = "start";
  return {
    showEndRound: live,
    timerEnabled: live,
    primary,
    canPrevious: live && timer.phase_index > 0,
    canNext: live && timer.phase_index < agenda.length - 1,
  };
}
