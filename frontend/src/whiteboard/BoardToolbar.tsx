import type { PresenceOut } from "../protocol";
import type { BoardAlert } from "./boardSync";
import { boardDownloadUrl, exportFileName } from "./exporting";
import { peerLabel } from "./peers";

export type ExportKind = "png" | "svg";

interface BoardToolbarProps {
  publicId: string;
  /** Excalidraw is ready, so images can be made. */
  canExport: boolean;
  /** An export in progress. */
  exporting: ExportKind | null;
  onExport: (kind: ExportKind) => void;
  /** Other people present, to follow. */
  people: readonly PresenceOut[];
  following: number | null;
  onFollow: (userId: number | null) => void;
  alert: BoardAlert | null;
  onDismissAlert: () => void;
  /** "View only" note for observers and after the round. */
  readOnly: boolean;
}

/** Above the board: downloads, follow mode, and the board's own messages. */
export function BoardToolbar(props: BoardToolbarProps) {
  const { publicId, canExport, exporting, onExport, people, following, onFollow, alert, onDismissAlert } = props;
  return (
    <div className="room-board__bar">
      <div className="room-board__tools" role="group" aria-label="Board downloads">
        <button
          type="button"
          className="secondary button-small"
          disabled={!canExport || exporting !== null}
          onClick={() => onExport("png")}
        >
          {exporting === "png" ? "Preparing PNG…" : "Download PNG"}
        </button>
        <button
          type="button"
          className="secondary button-small"
          disabled={!canExport || exporting !== null}
          onClick={() => onExport("svg")}
        >
          {exporting === "svg" ? "Preparing SVG…" : "Download SVG"}
        </button>
        <a
          className="button button-secondary button-small"
          href={boardDownloadUrl(publicId)}
          download={exportFileName(publicId, "excalidraw")}
        >
          Download .excalidraw
        </a>
      </div>
      <div className="room-board__status">
        {props.readOnly ? (
          <span className="room-board__note" data-testid="board-read-only">
            View only
          </span>
        ) : null}
        <label className="room-board__follow">
          Follow{" "}
          <select
            value={following === null ? "" : String(following)}
            onChange={(event) => onFollow(event.target.value === "" ? null : Number(event.target.value))}
            disabled={people.length === 0 && following === null}
          >
            <option value="">Nobody</option>
            {people.map((person) => (
              <option key={person.user_id} value={String(person.user_id)}>
                {peerLabel(person)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="room-alert room-board__alert" role="alert" data-testid="board-alert">
        {alert ? (
          <>
            <span>{alert.text}</span>
            <button type="button" className="secondary button-small" onClick={onDismissAlert}>
              Dismiss
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}
