/** Which interviewer controls to show and enable, from the room state. Pure. */
import type { InterviewOut, PhaseOut, TimerOut } from "../protocol";
import { timerUntouched } from "../timer/timerMath";

export interface ControlsState {
  showStartRound: boolean;
  showEndRound: boolean;
  /** Timer buttons work only while the round is live. */
  timerEnabled: boolean;
  /** The start/pause/resume button to show. */
  toggle: "start" | "pause" | "resume";
  canPrevious: boolean;
  canNext: boolean;
}

export function controlsState(
  interview: InterviewOut,
  timer: TimerOut,
  agenda: readonly PhaseOut[],
): ControlsState {
  const live = interview.status === "live";
  let toggle: ControlsState["toggle"] = "resume";
  if (timer.running) toggle = "pause";
  else if (timerUntouched(timer)) toggle = "start";
  return {
    showStartRound: interview.status === "scheduled",
    showEndRound: live,
    timerEnabled: live,
    toggle,
    canPrevious: live && timer.phase_index > 0,
    canNext: live && timer.phase_index < agenda.length - 1,
  };
}
