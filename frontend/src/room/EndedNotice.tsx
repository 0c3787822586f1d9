import type { RefObject } from "react";
import type { EndedState } from "./store";

export const ENDED_REDIRECT_MS = 1500;

interface EndedNoticeProps {
  ended: EndedState;
  feedbackUrl: string;
  /** Takes focus when the round ends during the session (the controls are gone). */
  focusRef?: RefObject<HTMLDivElement>;
}

export function EndedNotice({ ended, feedbackUrl, focusRef }: EndedNoticeProps) {
  if (ended === "no") return null;
  return (
    <div className="room-ended" role="status" data-testid="round-ended" tabIndex={-1} ref={focusRef}>
      {ended === "during-session" ? (
        <p>
          The round has ended. Taking you to <a href={feedbackUrl}>your feedback form</a>…
        </p>
      ) : (
        <p>
          The round has ended. <a href={feedbackUrl}>Go to your feedback form</a>
        </p>
      )}
    </div>
  );
}
