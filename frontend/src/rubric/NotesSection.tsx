import { useEffect, useId, useRef, useState, type RefObject } from "react";
import { flushSync } from "react-dom";
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
  /** Show the notes (their tab) before the shortcut focuses the box. */
  reveal?: () => void;
}

export const NOTE_FAILED_TEXT = "Couldn't save: retry or copy your note.";

/** ISO 8601 duration for a <time> element ("PT12M3S"). */
function isoDuration(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  return `PT${Math.floor(total / 60)}M${total % 60}S`;
}

/**
 * Alt+N (Option+N on a Mac) focuses the note box from anywhere. Listening on window in the
 * capture phase runs before the whiteboard's own key handlers, which never see it.
 */
function useNoteShortcut(input: RefObject<HTMLTextAreaElement | null>, reveal?: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isNoteShortcut(event)) return;
      if (!input.current || input.current.disabled) return;
      event.preventDefault();
      event.stopPropagation();
      // Render the notes tab now, so the box can take focus in this same key press.
      if (reveal) flushSync(reveal);
      input.current?.focus();
    };
    window.addEventListener("keydown", onKeyDown, true);
    return () => window.removeEventListener("keydown", onKeyDown, true);
  }, [input, reveal]);
}

/** Put text on the clipboard; false when the browser refuses (then the text is selected). */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** My private notes: a box to add one, and the list, stamped with round time and phase. */
export function NotesSection({ notes, live, ended, tracker, reveal }: NotesSectionProps) {
  const headingId = useId();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  // Component state: typed text outlives reconnects (only sending clears it).
  const [text, setText] = useState("");
  // Notes sent from this tab whose event has not arrived yet (they wait in the outbox).
  const [sent, setSent] = useState<readonly { id: string; text: string }[]>([]);
  const [copied, setCopied] = useState<string | null>(null);
  useNoteShortcut(inputRef, reveal);

  const waiting = sent
    .map((note) => ({ ...note, state: tracker.state(note.id, "me") }))
    .filter((note) => note.state === "in-flight" || note.state === "refused");

  const keep = (drop: string | null = null) =>
    waiting.filter((note) => note.id !== drop).map(({ id: noteId, text: noteText }) => ({ id: noteId, text: noteText }));

  const submit = () => {
    const body = text.trim();
    if (!live || body === "") return;
    const id = tracker.send({ type: "note.add", text: body });
    setSent([...keep(), { id, text: body }]);
    setText("");
  };

  /** Send a note the server did not save again, as a new message. */
  const retry = (note: { id: string; text: string }) => {
    if (!live) return;
    const id = tracker.send({ type: "note.add", text: note.text });
    setSent([...keep(note.id), { id, text: note.text }]);
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
          <li key={note.id} className="rubric-note rubric-note--waiting" data-state={note.state}>
            <p className="rubric-note__meta" role={note.state === "refused" ? "alert" : undefined}>
              {note.state === "refused" ? NOTE_FAILED_TEXT : "Sending…"}
            </p>
            <p className="rubric-note__text">{note.text}</p>
            {note.state === "refused" ? (
              <p className="rubric-note__actions">
                <button type="button" className="button-small" disabled={!live} onClick={() => retry(note)}>
                  Retry<span className="room-sr-only"> saving this note</span>
                </button>{" "}
                <button
                  type="button"
                  className="secondary button-small"
                  onClick={() => {
                    void copyText(note.text).then((ok) => {
                      if (ok) setCopied(note.id);
                      else {
                        // No clipboard: put the text back in the box, where it can be copied.
                        setText(note.text);
                        inputRef.current?.focus();
                      }
                    });
                  }}
                >
                  Copy<span className="room-sr-only"> this note</span>
                </button>{" "}
                {copied === note.id ? <span role="status">Copied</span> : null}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
