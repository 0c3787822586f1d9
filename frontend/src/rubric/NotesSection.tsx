import { useEffect, useId, useRef, useState, type RefObject } from "react";
import type { NoteOut } from "../protocol";
import { formatElapsed } from "../timer/timerMath";
import { isNoteShortcut, isSubmitNoteKey, NOTE_SHORTCUT } from "./keys";
import type { CommandTracker } from "./tracker";

/** The note's limit on the server. */
export const NOTE_MAX_LENGTH = 4000;

export const NOTES_CLOSED_HINT = "Notes open when the round starts.";
export const NOTES_ENDED_HINT = "The round has ended: your notes are read-only.";

interface NotesSectionProps {
  notes: readonly NoteOut[];
  live: boolean;
  ended: boolean;
  tracker: CommandTracker;
}

/** ISO 8601 duration for a <time> element ("PT12M3S"). */
function isoDuration(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  return `PT${Math.floor(total / 60)}M${total % 60}S`;
}

/**
 * Alt+N (Option+N on a Mac) focuses the note box from anywhere. Listening on window in the
 * capture phase runs before the whiteboard's own key handlers, which never see it.
 */
function useNoteShortcut(input: RefObject<HTMLTextAreaElement | null>): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isNoteShortcut(event)) return;
      const box = input.current;
      if (!box || box.disabled) return;
      event.preventDefault();
      event.stopPropagation();
      box.focus();
    };
    window.addEventListener("keydown", onKeyDown, true);
    return () => window.removeEventListener("keydown", onKeyDown, true);
  }, [input]);
}

/** My private notes: a box to add one, and the list, stamped with round time and phase. */
export function NotesSection({ notes, live, ended, tracker }: NotesSectionProps) {
  const headingId = useId();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  // Component state: typed text outlives reconnects (only sending clears it).
  const [text, setText] = useState("");
  // Notes sent from this tab whose event has not arrived yet (they wait in the outbox).
  const [sent, setSent] = useState<readonly { id: string; text: string }[]>([]);
  useNoteShortcut(inputRef);

  const waiting = sent
    .map((note) => ({ ...note, state: tracker.state(note.id, "me") }))
    .filter((note) => note.state === "in-flight" || note.state === "refused");

  const submit = () => {
    const body = text.trim();
    if (!live || body === "") return;
    const id = tracker.send({ type: "note.add", text: body });
    setSent([...waiting.map(({ id: noteId, text: noteText }) => ({ id: noteId, text: noteText })), { id, text: body }]);
    setText("");
  };

  return (
    <section className="rubric-block" aria-labelledby={headingId}>
      <h3 id={headingId} className="rubric-block__title">
        My notes
      </h3>
      <form
        className="rubric-note-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="rubric-note-form__head">
          <label htmlFor={inputId} className="rubric-note-form__label">
            Note
          </label>
          <kbd className="rubric-kbd" title="Alt+N (Option+N on a Mac) jumps to the note box">
            {NOTE_SHORTCUT}
          </kbd>
        </div>
        <textarea
          id={inputId}
          ref={inputRef}
          className="rubric-note-form__input"
          data-testid="note-input"
          rows={3}
          maxLength={NOTE_MAX_LENGTH}
          value={text}
          disabled={!live}
          aria-keyshortcuts={NOTE_SHORTCUT}
          aria-describedby={hintId}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (!isSubmitNoteKey(event.nativeEvent)) return;
            event.preventDefault();
            submit();
          }}
        />
        <p id={hintId} className="rubric-note-form__hint">
          {live
            ? "Enter adds the note; Shift+Enter starts a new line. Alt+N (Option+N on a Mac) jumps here from anywhere. Only you see your notes."
            : ended
              ? NOTES_ENDED_HINT
              : NOTES_CLOSED_HINT}
        </p>
        <button type="submit" className="button-small" disabled={!live || text.trim() === ""}>
          Add note
        </button>
      </form>
      {notes.length === 0 && waiting.length === 0 ? <p className="rubric-muted">No notes yet.</p> : null}
      <ol className="rubric-notes" data-testid="notes-list" aria-label="My notes so far">
        {notes.map((note) => (
          <li key={note.id} className="rubric-note">
            <p className="rubric-note__meta">
              <time dateTime={isoDuration(note.elapsed_ms)}>{formatElapsed(note.elapsed_ms)}</time>
              {note.phase_name ? ` · ${note.phase_name}` : ""}
            </p>
            <p className="rubric-note__text">{note.text}</p>
          </li>
        ))}
        {waiting.map((note) => (
          <li key={note.id} className="rubric-note rubric-note--waiting">
            <p className="rubric-note__meta">{note.state === "refused" ? "Not saved" : "Sending…"}</p>
            <p className="rubric-note__text">{note.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
