/**
 * "End the round for everyone?" as an in-page modal dialog (the native <dialog>: focus is
 * kept inside, Escape cancels, the page behind is inert). Cancel has focus first, so a
 * stray Enter does not end the round.
 */
import { useEffect, useId, useRef } from "react";

export const END_ROUND_TITLE = "End the round for everyone?";
export const END_ROUND_TEXT =
  "The room becomes read-only and everyone moves on to their feedback form.";
export const END_ROUND_CONFIRM_LABEL = "End round now";

interface EndRoundDialogProps {
  open: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function EndRoundDialog({ open, onConfirm, onCancel }: EndRoundDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      cancelRef.current?.focus();
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="room-dialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      data-testid="end-round-dialog"
      onCancel={(event) => {
        // Escape: let React own the state, so the next open works.
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId} className="room-dialog__title">
        {END_ROUND_TITLE}
      </h2>
      <p id={textId}>{END_ROUND_TEXT}</p>
      <div className="room-dialog__actions">
        <button ref={cancelRef} type="button" className="secondary" onClick={onCancel}>
          Keep going
        </button>
        <button type="button" className="room-danger-button" onClick={onConfirm}>
          {END_ROUND_CONFIRM_LABEL}
        </button>
      </div>
    </dialog>
  );
}
