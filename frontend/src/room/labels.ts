/** Words the room shows for states; pure so they can be tested without a DOM. */
import type { TimerOut } from "../protocol";
import type { SocketState } from "../transport/socket";

export function connectionLabel(state: SocketState, localNow: number): string {
  if (state.closedReason) return `Disconnected: ${state.closedReason}`;
  switch (state.status) {
    case "connected":
      return "Connected";
    case "offline":
      return "Offline — changes will be sent when you're back";
    case "reconnecting": {
      if (state.retryAt !== null && state.retryAt > localNow) {
        return `Reconnecting in ${Math.ceil((state.retryAt - localNow) / 1000)}s…`;
      }
      return "Reconnecting…";
    }
    default:
      return "Connecting…";
  }
}

export function pendingLabel(count: number): string {
  if (count <= 0) return "";
  return count === 1 ? "1 change waiting to be sent" : `${count} changes waiting to be sent`;
}

export type TimerStatusWord = "Not started" | "Running" | "Paused" | "Ended";

/** `ended`: the round is over, whatever the timer's last state was. */
export function timerStatusWord(timer: TimerOut, ended = false): TimerStatusWord {
  if (ended) return "Ended";
  if (timer.running) return "Running";
  return timer.phase_spent_ms.some((ms) => ms > 0) ? "Paused" : "Not started";
}

export function tabsLabel(connections: number): string {
  return connections > 1 ? `(${connections} tabs)` : "";
}
