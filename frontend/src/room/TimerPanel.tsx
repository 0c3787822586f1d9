import { useEffect, useRef, useState } from "react";
import type { PhaseOut, TimerOut } from "../protocol";
import { beep, prepareAudio } from "../timer/beep";
import { formatClock, formatElapsed, safeTimerView, warningLevel } from "../timer/timerMath";
import type { RoomController } from "./controller";
import { useTimerTick } from "./hooks";
import { timerStatusWord } from "./labels";

interface TimerPanelProps {
  controller: RoomController;
  timer: TimerOut | null;
  agenda: readonly PhaseOut[];
  /** The round is over: the status reads "Ended". */
  ended?: boolean;
}

export function TimerPanel({ controller, timer, agenda, ended = false }: TimerPanelProps) {
  const { now, announcement } = useTimerTick(controller);
  const view = timer ? safeTimerView(timer, agenda.map((p) => p.minutes), now) : null;
  const level = view ? warningLevel(view.remaining_ms) : "none";
  // The agenda sits outside the timer's box, so the bar can lay it out on its own line.
  return (
    <>
    <div className={`room-timer room-timer--${level}`} data-testid="timer" role="group" aria-label="Timer">
      {view && timer ? (
        <>
          <p className="room-timer__phase">
            <span className="room-sr-only">Current phase: </span>
            <span data-testid="timer-phase">{agenda[view.phase_index]?.name ?? ""}</span>{" "}
            <span className="room-timer__status" data-testid="timer-status">
              {timerStatusWord(timer, ended)}
            </span>
          </p>
          <p className="room-timer__clock">
            <span className="room-sr-only">{view.remaining_ms >= 0 ? "Time left: " : "Over by: "}</span>
            <span
              className="room-timer__remaining"
              data-testid="timer-remaining"
              data-remaining-ms={Math.round(view.remaining_ms)}
              data-level={level}
            >
              {view.remaining_ms >= 0 ? formatClock(view.remaining_ms) : `${formatClock(view.remaining_ms)} overtime`}
            </span>
          </p>
          <p className="room-timer__total">
            <span className="room-sr-only">Total time: </span>
            <span data-testid="timer-total">{formatElapsed(view.total_elapsed_ms)}</span>
            <span aria-hidden="true"> / </span>
            <span className="room-sr-only"> of </span>
            {formatElapsed(view.total_planned_ms)}
          </p>
        </>
      ) : (
        <p className="room-timer__empty">{timer ? "The timer does not match the agenda." : "Loading the timer…"}</p>
      )}
      <p className="room-sr-only" aria-live="polite" data-testid="timer-announcement">
        {announcement?.text ?? ""}
      </p>
    </div>
    {view && timer ? <Agenda agenda={agenda} timer={timer} /> : null}
    <SoundToggle announcementId={announcement?.id ?? 0} />
    </>
  );
}

function Agenda({ agenda, timer }: { agenda: readonly PhaseOut[]; timer: TimerOut }) {
  return (
    <ol className="room-agenda" aria-label="Agenda">
      {agenda.map((phase, index) => {
        const current = index === timer.phase_index;
        const added = Math.round((timer.added_ms[index] ?? 0) / 60_000);
        return (
          <li
            key={`${index}-${phase.name}`}
            className={current ? "room-agenda__phase room-agenda__phase--current" : "room-agenda__phase"}
            aria-current={current ? "step" : undefined}
          >
            <span className="room-agenda__name">{phase.name}</span>{" "}
            <span className="room-agenda__minutes">
              {phase.minutes} min{added > 0 ? ` +${added}` : ""}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** "Sound" checkbox, off by default: beeps once per announced warning when on. */
function SoundToggle({ announcementId }: { announcementId: number }) {
  const [enabled, setEnabled] = useState(false);
  const audio = useRef<AudioContext | null>(null);
  const lastBeeped = useRef(announcementId);
  useEffect(() => {
    if (announcementId === lastBeeped.current) return;
    lastBeeped.current = announcementId;
    if (enabled && audio.current) beep(audio.current);
  }, [announcementId, enabled]);
  useEffect(
    () => () => {
      void audio.current?.close().catch(() => undefined);
      audio.current = null;
    },
    [],
  );
  return (
    <label className="room-sound">
      <input
        type="checkbox"
        checked={enabled}
        onChange={(event) => {
          const on = event.target.checked;
          // Create the audio context inside the click: browsers require a user gesture.
          if (on) audio.current = prepareAudio(audio.current);
          setEnabled(on);
        }}
      />{" "}
      Sound
    </label>
  );
}
