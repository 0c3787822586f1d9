import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { InterviewOut, PhaseOut, TimerOut } from "../protocol";
import type { CommandInput } from "../transport/outbox";
import { controlsState, PRIMARY_LABELS, type PrimaryAction } from "./controls";
import { EndRoundDialog } from "./EndRoundDialog";

interface InterviewerControlsProps {
  interview: InterviewOut;
  timer: TimerOut;
  agenda: readonly PhaseOut[];
  send: (command: CommandInput) => void;
  /** Say something through the room's polite live region. */
  announce?: (text: string) => void;
}

/** What the primary button sends. Starting the round also starts its first phase. */
export function primaryCommands(action: PrimaryAction): CommandInput[] {
  switch (action) {
    case "start-round":
      // One connection's messages are handled in order: the round is live before the timer starts.
      return [{ type: "round.start" }, { type: "timer.start" }];
    case "start":
      return [{ type: "timer.start" }];
    case "pause":
      return [{ type: "timer.pause" }];
    case "resume":
      return [{ type: "timer.resume" }];
  }
}

/**
 * The interviewer's controls. Start round, Start timer, Pause and Resume are one button that
 * changes its label, so keyboard focus stays on it; the change is announced. A button that
 * becomes unavailable while focused (Next phase in the last phase) hands focus to the
 * primary button.
 */
export function InterviewerControls({ interview, timer, agenda, send, announce }: InterviewerControlsProps) {
  const state = controlsState(interview, timer, agenda);
  const off = !state.timerEnabled;
  const primaryRef = useRef<HTMLButtonElement>(null);
  const endRef = useRef<HTMLButtonElement>(null);
  const groupRef = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState(false);
  const label = PRIMARY_LABELS[state.primary];

  // The primary button's new label, said when it has focus (screen readers do not reread it).
  const lastLabel = useRef(label);
  useEffect(() => {
    if (lastLabel.current === label) return;
    lastLabel.current = label;
    if (document.activeElement === primaryRef.current) announce?.(`Button now reads ${label}.`);
  }, [label, announce]);

  // A focused button that became disabled loses focus to <body>: bring it to the primary.
  const focusedName = useRef<string | null>(null);
  useLayoutEffect(() => {
    const group = groupRef.current;
    const name = focusedName.current;
    if (!group || name === null) return;
    const button = [...group.querySelectorAll<HTMLButtonElement>("button")].find(
      (b) => b.dataset.control === name,
    );
    if (!button?.disabled) return;
    // Browsers either move focus to <body> or leave it on the disabled button.
    const active = document.activeElement;
    if (active === null || active === document.body || active === button) {
      focusedName.current = "primary";
      primaryRef.current?.focus();
      announce?.(`${button.textContent ?? "That button"} is not available now; focus is on ${label}.`);
    }
  });

  const run = (action: PrimaryAction) => {
    for (const command of primaryCommands(action)) send(command);
  };

  const button = (name: string, text: string, disabled: boolean, command: CommandInput) => (
    <button
      type="button"
      className="secondary button-small"
      data-control={name}
      disabled={disabled}
      onFocus={() => (focusedName.current = name)}
      onClick={() => send(command)}
    >
      {text}
    </button>
  );

  return (
    <div
      className="room-controls"
      role="group"
      aria-label="Interviewer controls"
      ref={groupRef}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null) && event.relatedTarget !== null) {
          focusedName.current = null;
        }
      }}
    >
      <button
        ref={primaryRef}
        type="button"
        className="button-small room-primary"
        data-control="primary"
        data-testid="timer-primary"
        onFocus={() => (focusedName.current = "primary")}
        onClick={() => run(state.primary)}
      >
        {label}
      </button>
      {button("previous", "Previous phase", !state.canPrevious, { type: "timer.previous" })}
      {button("next", "Next phase", !state.canNext, { type: "timer.next" })}
      {button("add1", "+1 min", off, { type: "timer.add_time", minutes: 1 })}
      {button("add5", "+5 min", off, { type: "timer.add_time", minutes: 5 })}
      {button("reset", "Reset timer", off, { type: "timer.reset" })}
      {state.showEndRound ? (
        <button
          ref={endRef}
          type="button"
          className="button-small room-danger-button"
          data-control="end"
          onFocus={() => (focusedName.current = "end")}
          onClick={() => setConfirming(true)}
        >
          End round
        </button>
      ) : null}
      <EndRoundDialog
        open={confirming}
        onCancel={() => {
          setConfirming(false);
          endRef.current?.focus();
        }}
        onConfirm={() => {
          setConfirming(false);
          send({ type: "round.end" });
          announce?.("Ending the round…");
        }}
      />
    </div>
  );
}
