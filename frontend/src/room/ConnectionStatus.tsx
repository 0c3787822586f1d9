import type { SocketState } from "../transport/socket";
import { useLocalNow } from "./hooks";
import { connectionLabel, pendingLabel } from "./labels";

export function ConnectionStatus({ connection }: { connection: SocketState }) {
  const counting = connection.status === "reconnecting" && connection.retryAt !== null;
  const now = useLocalNow(counting);
  const tone = connection.closedReason ? "closed" : connection.status;
  const pending = pendingLabel(connection.pending.length);
  return (
    <p className={`room-connection room-connection--${tone}`}>
      <span className="room-connection__dot" aria-hidden="true" />
      <span data-testid="connection-status">{connectionLabel(connection, now)}</span>
      {pending ? (
        <span className="room-connection__pending" data-testid="pending-commands">
          {pending}
        </span>
      ) : null}
    </p>
  );
}
