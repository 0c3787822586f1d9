import { useId, useState } from "react";
import type { PromptOut } from "../protocol";
import type { CommandTracker } from "./tracker";

interface PromptSectionProps {
  prompt: PromptOut;
  role: "interviewer" | "observer" | "candidate";
  ended: boolean;
  tracker: CommandTracker;
}

function hasText(value: string | null | undefined): value is string {
  return typeof value === "string" && value.trim() !== "";
}

/** The prompt: the candidate sees only what was revealed; staff see everything. */
export function PromptSection({ prompt, role, ended, tracker }: PromptSectionProps) {
  const headingId = useId();
  return (
    <section className="rubric-block" aria-labelledby={headingId} data-testid="prompt-panel">
      <h3 id={headingId} className="rubric-block__title">
        Prompt
      </h3>
      {role === "candidate" ? (
        <CandidatePrompt prompt={prompt} />
      ) : (
        <StaffPrompt prompt={prompt} interviewer={role === "interviewer"} ended={ended} tracker={tracker} />
      )}
    </section>
  );
}

function CandidatePrompt({ prompt }: { prompt: PromptOut }) {
  if (prompt.revealed && hasText(prompt.text)) {
    return <p className="rubric-prompt__text">{prompt.text}</p>;
  }
  return <p className="rubric-muted">The interviewer hasn&apos;t shared the prompt yet.</p>;
}

interface StaffPromptProps {
  prompt: PromptOut;
  interviewer: boolean;
  ended: boolean;
  tracker: CommandTracker;
}

function StaffPrompt({ prompt, interviewer, ended, tracker }: StaffPromptProps) {
  const [revealId, setRevealId] = useState<string | null>(null);
  const revealing = tracker.state(revealId, "all") === "in-flight";
  const text = hasText(prompt.text) ? prompt.text : null;
  const extras = [
    { title: "Hints", body: prompt.hints },
    { title: "Solution", body: prompt.solution },
    { title: "Interviewer notes", body: prompt.notes },
  ].filter((item): item is { title: string; body: string } => hasText(item.body));

  let reveal = null;
  if (text !== null) {
    if (prompt.revealed) {
      reveal = (
        <p className="rubric-prompt__state rubric-prompt__state--revealed" data-testid="prompt-revealed">
          Revealed to the candidate
        </p>
      );
    } else if (interviewer) {
      reveal = (
        <p className="rubric-prompt__state">
          <button
            type="button"
            className="button-small"
            disabled={ended || revealing}
            onClick={() => setRevealId(tracker.send({ type: "prompt.reveal" }))}
          >
            Reveal prompt to candidate
          </button>
          {revealing ? <span className="rubric-muted"> Revealing…</span> : null}
        </p>
      );
    } else {
      reveal = <p className="rubric-prompt__state rubric-muted">Not shown to the candidate yet.</p>;
    }
  }

  return (
    <>
      {text !== null ? (
        <p className="rubric-prompt__text">{text}</p>
      ) : (
        <p className="rubric-muted">This round has no prompt.</p>
      )}
      {reveal}
      <details className="rubric-private">
        <summary>Hints and solution (staff only)</summary>
        {extras.length ? (
          extras.map((item) => (
            <div key={item.title} className="rubric-private__item">
              <h4 className="rubric-private__title">{item.title}</h4>
              <p className="rubric-prompt__text">{item.body}</p>
            </div>
          ))
        ) : (
          <p className="rubric-muted">No hints, solution or notes for this prompt.</p>
        )}
      </details>
    </>
  );
}
