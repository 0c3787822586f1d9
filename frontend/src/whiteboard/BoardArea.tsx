import { lazy, Suspense, useSyncExternalStore } from "react";
import type { RoomBoardProps } from "./RoomBoard";

// Excalidraw is big: load it after the room itself is on screen.
const RoomBoard = lazy(() => import("./RoomBoard"));

function subscribeNever(): () => void {
  return () => undefined;
}

/** The board region. Excalidraw renders only in the browser; elsewhere a placeholder. */
export function BoardArea(props: RoomBoardProps) {
  const inBrowser = useSyncExternalStore(subscribeNever, () => true, () => false);
  const loading = (
    <p className="room-placeholder room-board__loading" role="status">
      Loading the whiteboard…
    </p>
  );
  return (
    <section aria-label="Whiteboard" className="room-board room-board--live">
      {inBrowser ? (
        <Suspense fallback={loading}>
          <RoomBoard {...props} />
        </Suspense>
      ) : (
        loading
      )}
    </section>
  );
}
