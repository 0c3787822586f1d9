import { useEffect, useId, useRef, useState } from "react";
import type { RubricOut } from "../protocol";
import type { MyScore } from "../room/store";
import { CriterionCard } from "./CriterionCard";
import { isCurrentCriterion } from "./phaseMatch";
import type { CommandTracker } from "./tracker";

interface RubricSectionProps {
  rubric: RubricOut | null;
  rubricHidden: boolean;
  role: "interviewer" | "observer" | "candidate";
  phaseName: string | null;
  myScores: ReadonlyMap<string, MyScore>;
  live: boolean;
  ended: boolean;
  tracker: CommandTracker;
}

export const SCORING_CLOSED_HINT = "Scoring opens when the round starts.";
export const SCORING_ENDED_HINT = "The round has ended: your scores are read-only.";

/** True when the element scrolls its own content (the side panel on laptops). */
function scrollsItself(element: HTMLElement): boolean {
  if (element.scrollHeight <= element.clientHeight) return false;
  const overflow = window.getComputedStyle(element).overflowY;
  return overflow === "auto" || overflow === "scroll";
}

export function RubricSection(props: RubricSectionProps) {
  const { rubric, rubricHidden, role, phaseName, myScores, live, ended, tracker } = props;
  const headingId = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const previousPhase = useRef<string | null | undefined>(undefined);
  const staff = role !== "candidate";

  // When the phase changes, bring its first criterion into view inside the panel. Only when
  // the panel scrolls by itself (laptops): stacked under the board, the page must not jump.
  useEffect(() => {
    const before = previousPhase.current;
    previousPhase.current = phaseName;
    if (before === undefined || before === phaseName) return;
    const list = listRef.current;
    const first = list?.querySelector<HTMLElement>('[data-current="true"]');
    const panel = list?.closest<HTMLElement>(".room-tabpanel, .room-side");
    if (!first || !panel || !scrollsItself(panel)) return;
    // Someone working in the panel (typing a comment, about to pick a score) keeps their place.
    if (panel.contains(document.activeElement)) return;
    // scrollIntoView also scrolls the page when the panel is partly off screen; put the page
    // back so the header and board stay where the user left them.
    const { scrollX, scrollY } = window;
    first.scrollIntoView?.({ block: "nearest" });
    if (window.scrollX !== scrollX || window.scrollY !== scrollY) window.scrollTo(scrollX, scrollY);
  }, [phaseName]);

  let body;
  if (!rubric) {
    body = (
      <p className="rubric-muted">
        {role === "candidate" && rubricHidden
          ? "The interviewer has hidden the rubric for this round."
          : "There is no rubric for this round."}
      </p>
    );
  } else {
    body = (
      <>
        {role === "candidate" ? (
          <p className="rubric-muted">This is what the interviewer looks for.</p>
        ) : null}
        {staff && !live ? (
          <p className="rubric-hint" data-testid="scoring-hint">
            {ended ? SCORING_ENDED_HINT : SCORING_CLOSED_HINT}
          </p>
        ) : null}
        <div className="rubric-criteria" ref={listRef}>
          {rubric.criteria.map((criterion) => (
            <CriterionCard
              key={criterion.key}
              criterion={criterion}
              current={isCurrentCriterion(criterion, phaseName)}
              scoring={
                staff ? { saved: myScores.get(criterion.key), live, ended, tracker } : null
              }
            />
          ))}
        </div>
      </>
    );
  }

  return (
    <section className="rubric-block" aria-labelledby={headingId} data-testid="rubric-panel">
      <h3 id={headingId} className="rubric-block__title">
        {rubric ? rubric.title || "Rubric" : "Rubric"}
      </h3>
      {role === "interviewer" ? (
        <HideRubricToggle hidden={rubricHidden} ended={ended} tracker={tracker} />
      ) : null}
      {role === "observer" && rubricHidden ? (
        <p className="rubric-muted">The interviewer has hidden the rubric from the candidate.</p>
      ) : null}
      {body}
    </section>
  );
}

interface HideRubricToggleProps {
  hidden: boolean;
  ended: boolean;
  tracker: CommandTracker;
}

function HideRubricToggle({ hidden, ended, tracker }: HideRubricToggleProps) {
  const id = useId();
  const [sent, setSent] = useState<{ id: string; hidden: boolean } | null>(null);
  const inFlight = tracker.state(sent?.id ?? null, "all") === "in-flight";
  const checked = inFlight && sent ? sent.hidden : hidden;
  return (
    <div className="rubric-toggle">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={ended}
        aria-describedby={`${id}-help`}
        onChange={(event) => {
          const next = event.target.checked;
          setSent({ id: tracker.send({ type: "rubric.visibility", hidden: next }), hidden: next });
        }}
      />
      <label htmlFor={id}>Hide rubric from candidate</label>
      <p id={`${id}-help`} className="rubric-toggle__help">
        {checked ? "The candidate can't see the rubric." : "The candidate sees the criteria and anchors, never scores."}
      </p>
    </div>
  );
}
