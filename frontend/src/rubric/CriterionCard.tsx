import { useEffect, useId, useState } from "react";
import type { CriterionOut } from "../protocol";
import type { MyScore } from "../room/store";
import { Debouncer } from "./debouncer";
import { saveLabel } from "./saveStatus";
import type { CommandTracker } from "./tracker";

/** The comment's limit on the server. */
export const COMMENT_MAX_LENGTH = 2000;

interface CriterionCardProps {
  criterion: CriterionOut;
  current: boolean;
  /** Staff scoring controls; null for the candidate's read-only view. */
  scoring: {
    saved: MyScore | undefined;
    /** The round is live: scores can change. */
    live: boolean;
    /** The round has ended: show the scores, change nothing. */
    ended: boolean;
    tracker: CommandTracker;
  } | null;
}

/** One criterion: name, description, anchored levels, and for staff the scoring controls. */
export function CriterionCard({ criterion, current, scoring }: CriterionCardProps) {
  const headingId = useId();
  const className = current ? "rubric-criterion rubric-criterion--current" : "rubric-criterion";
  return (
    <section
      className={className}
      data-testid={`criterion-${criterion.key}`}
      data-current={current ? "true" : undefined}
    >
      <div className="rubric-criterion__head">
        <h4 id={headingId} className="rubric-criterion__name">
          {criterion.name}
        </h4>
        {current ? (
          <span className="rubric-now">
            Now<span className="room-sr-only"> (criterion of the current phase)</span>
          </span>
        ) : null}
      </div>
      {criterion.description ? <p className="rubric-criterion__description">{criterion.description}</p> : null}
      {scoring ? (
        <ScoringControls criterion={criterion} headingId={headingId} {...scoring} />
      ) : (
        <ul className="rubric-levels">
          {criterion.levels.map((level) => (
            <li key={level.score} className="rubric-level rubric-level--static">
              <span className="rubric-level__name">
                {level.score} · {level.label}
              </span>
              {level.anchor ? <span className="rubric-level__anchor">{level.anchor}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface ScoringControlsProps {
  criterion: CriterionOut;
  headingId: string;
  saved: MyScore | undefined;
  live: boolean;
  ended: boolean;
  tracker: CommandTracker;
}

function ScoringControls({ criterion, headingId, saved, live, ended, tracker }: ScoringControlsProps) {
  const key = criterion.key;
  const baseId = useId();
  const [debouncer] = useState(() => new Debouncer());
  // The latest score.set this tab sent, and the score it carried.
  const [sent, setSent] = useState<{ id: string; score: number | null } | null>(null);
  const savedComment = saved?.comment ?? "";
  const [draft, setDraft] = useState(savedComment);
  const [seenComment, setSeenComment] = useState(savedComment);
  const [dirty, setDirty] = useState(false);
  const [focused, setFocused] = useState(false);

  const state = tracker.state(sent?.id ?? null, "me");
  const inFlight = state === "in-flight";
  // While our own change travels, show it; otherwise what the server has (maybe from another tab).
  const score = inFlight && sent ? sent.score : (saved?.score ?? null);

  // A new comment from the server (a snapshot, or another tab): take it unless the user is
  // editing here or our own save is on its way.
  if (savedComment !== seenComment) {
    setSeenComment(savedComment);
    if (!focused && !dirty && !inFlight) setDraft(savedComment);
  }

  // Leaving (unmount) saves a comment still waiting for its debounce.
  useEffect(() => () => void debouncer.flush(), [debouncer]);

  const save = (nextScore: number | null, comment: string) => {
    debouncer.cancel();
    setDirty(false);
    const id = tracker.send({ type: "score.set", criterion: key, score: nextScore, comment });
    setSent({ id, score: nextScore });
  };

  const label = saveLabel(state, dirty, saved !== undefined);
  const commentId = `${baseId}-comment`;
  return (
    <>
      <div className="rubric-levels" role="radiogroup" aria-labelledby={headingId}>
        {criterion.levels.map((level) => {
          const anchorId = `${baseId}-anchor-${level.score}`;
          const checked = score === level.score;
          return (
            <label
              key={level.score}
              className={checked ? "rubric-level rubric-level--checked" : "rubric-level"}
            >
              <input
                type="radio"
                name={`${baseId}-score`}
                value={level.score}
                checked={checked}
                disabled={!live}
                aria-label={`${level.score} ${level.label}`}
                aria-describedby={level.anchor ? anchorId : undefined}
                onChange={() => save(level.score, draft)}
              />
              <span className="rubric-level__text">
                <span className="rubric-level__name">
                  {level.score} · {level.label}
                </span>
                {level.anchor ? (
                  <span id={anchorId} className="rubric-level__anchor">
                    {level.anchor}
                  </span>
                ) : null}
              </span>
            </label>
          );
        })}
      </div>
      <div className="rubric-comment">
        <label htmlFor={commentId} className="rubric-comment__label">
          Comment
        </label>
        <textarea
          id={commentId}
          className="rubric-comment__input"
          rows={2}
          maxLength={COMMENT_MAX_LENGTH}
          value={draft}
          disabled={!live && !ended}
          readOnly={ended}
          onFocus={() => setFocused(true)}
          onChange={(event) => {
            const text = event.target.value;
            setDraft(text);
            if (!live) return;
            setDirty(true);
            debouncer.schedule(() => save(score, text));
          }}
          onBlur={() => {
            setFocused(false);
            if (debouncer.pending) debouncer.flush();
            else if (!inFlight) setDraft(savedComment);
          }}
        />
      </div>
      <div className="rubric-criterion__foot">
        <p className="rubric-status" data-testid={`score-status-${key}`} role="status">
          {label}
        </p>
        <button
          type="button"
          className="secondary button-small"
          disabled={!live || score === null}
          onClick={() => save(null, draft)}
        >
          Clear<span className="room-sr-only"> the score for {criterion.name}</span>
        </button>
      </div>
    </>
  );
}
