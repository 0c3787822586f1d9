import type { InterviewOut, PhaseOut, TimerOut } from "../protocol";
import type { CommandInput } from "../transport/outbox";
import { controlsState } from "./controls";

interface InterviewerControlsProps {
  interview: InterviewOut;
  timer: TimerOut;
  agenda: readonly PhaseOut[];
  send: (command: CommandInput) => void;
}

export const END_ROUND_CONFIRM =
  "End the round for everyone? The room becomes read-only and everyone moves on to feedback.";

export function InterviewerControls({ interview, timer, agenda, send }: InterviewerControlsProps) {
  const state = controlsState(interview, timer, agenda);
  const off = !state.timerEnabled;
  return (
    <div className="room-controls" role="group" aria-label="Interviewer controls">
      {state.showStartRound ? (
        <button type="button" onClick={() => send({ type: "round.start" })}>
          Start round
        </button>
      ) : null}
      {state.toggle === "start" ? (
        <button type="button" disabled={off} onClick={() => send({ type: "timer.start" })}>
          Start timer
        </button>
      ) : null}
      {state.toggle === "pause" ? (
        <button type="button" disabled={off} onClick={() => send({ type: "timer.pause" })}>
          Pause
        </button>
      ) : null}
      {state.toggle === "resume" ? (
        <button type="button" disabled={off} onClick={() => send({ type: "timer.resume" })}>
          Resume
        </button>
      ) : null}
      <button
        type="button"
        className="secondary"
        disabled={!state.canPrevious}
        onClick={() => send({ type: "timer.previous" })}
      >
        Previous phase
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!state.canNext}
        onClick={() => send({ type: "timer.next" })}
      >
        Next phase
      </button>
      <button
        type="button"
        className="secondary"
        disabled={off}
        onClick={() => send({ type: "timer.add_time", minutes: 1 })}
      >
        +1 min
      </button>
      <button
        type="button"
        className="secondary"
        disabled={off}
        onClick={() => send({ type: "timer.add_time", minutes: 5 })}
      >
        +5 min
      </button>
      <button
        type="button"
        className="secondary"
        disabled={off}
        onClick={() => send({ type: "timer.reset" })}
      >
        Reset timer
      </button>
      {state.showEndRound ? (
        <button
          type="button"
          className="room-danger-button"
          onClick={() => {
            if (window.confirm(END_ROUND_CONFIRM)) send({ type: "round.end" });
          }}
        >
          End round
        </button>
      ) : null}
    </div>
  );
}
