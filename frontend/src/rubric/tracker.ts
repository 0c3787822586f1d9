/** What the panel's parts need to send commands and follow what became of them. */
import type { CommandOutcome, RubricCommandInput } from "../room/controller";
import type { LastSeen } from "../room/store";
import { commandState, type CommandState } from "./saveStatus";

export interface CommandTracker {
  /** Queue a command (it survives reconnects); returns its message id. */
  send(command: RubricCommandInput): string;
  /** Where the command with this id stands; `stream` is where its event arrives. */
  state(id: string | null, stream: "all" | "me"): CommandState;
}

export function makeTracker(
  send: (command: RubricCommandInput) => string,
  pendingIds: ReadonlySet<string>,
  outcomes: ReadonlyMap<string, CommandOutcome>,
  lastSeen: LastSeen,
): CommandTracker {
  return {
    send,
    state: (id, stream) => commandState(id, pendingIds, outcomes, lastSeen[stream]),
  };
}
