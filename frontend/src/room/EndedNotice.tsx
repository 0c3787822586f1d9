import type { EndedState } from "./store";

export const ENDED_REDIRECT_MS = 1500;

export function EndedNotice({ ended, roundUrl }: { ended: EndedState; roundUrl: string }) {
  if (ended === "no") return null;
  return (
    <div className="room-ended" role="status" data-testid="round-ended">
      {ended === "during-session" ? (
        <p>The round has ended. Taking you to the feedback step…</p>
      ) : (
        <p>
          The round has ended. <a href={roundUrl}>Go to the feedback step</a>
        </p>
      )}
    </div>
  );
}
