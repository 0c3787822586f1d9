import { Excalidraw } from "@excalidraw/excalidraw";
import { useEffect, useMemo, useRef } from "react";
import { watchUnlabelledControls } from "./a11yPatches";
import {
  PRACTICE_BOARD_KEY,
  parseStoredElements,
  serializeElements,
  type StoredElement,
} from "./practiceStore";

export const BOARD_LABEL = "Practice whiteboard";
const SAVE_DELAY_MS = 300;

type InitialData = NonNullable<Parameters<typeof Excalidraw>[0]["initialData"]>;

/**
 * Full Excalidraw editor filling its container (#board-root gets its height from the
 * Django template's CSS). All tools stay visible. The drawing is kept in localStorage.
 */
export function PracticeBoard() {
  const saveTimer = useRef<number | undefined>(undefined);
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => (region.current ? watchUnlabelledControls(region.current) : undefined), []);
  const initialData = useMemo(
    () =>
      ({
        elements: parseStoredElements(window.localStorage.getItem(PRACTICE_BOARD_KEY)),
      }) as unknown as InitialData,
    [],
  );

  const save = (elements: readonly unknown[]) => {
    window.clearTimeout(saveTimer.current);
    saveTimer.current = window.setTimeout(() => {
      window.localStorage.setItem(
        PRACTICE_BOARD_KEY,
        serializeElements(elements as readonly StoredElement[]),
      );
    }, SAVE_DELAY_MS);
  };

  return (
    <div ref={region} className="practice-board" role="region" aria-label={BOARD_LABEL}>
      <Excalidraw name={BOARD_LABEL} initialData={initialData} onChange={(elements) => save(elements)} />
    </div>
  );
}
