/**
 * Commands waiting for the server's verdict. Each stays here, in the order it was made,
 * until an `ack` or `error` with its id arrives. After every (re)connect the whole outbox
 * is sent again; the server deduplicates by id, so a command is never applied twice.
 */
import type { RoundEnd, RoundStart, TimerAddTime, TimerCommand } from "../protocol";

/** A state-changing client message, with its id. */
export type OutgoingCommand = RoundStart | RoundEnd | TimerCommand | TimerAddTime;

/** The same, before the transport has given it an id. */
export type CommandInput = OutgoingCommand extends infer C
  ? C extends OutgoingCommand
    ? Omit<C, "id">
    : never
  : never;

export interface PendingCommand {
  readonly command: OutgoingCommand;
  /** Local ms when the command was made. */
  readonly createdAt: number;
}

export class Outbox {
  private readonly items = new Map<string, PendingCommand>();
  private cached: readonly PendingCommand[] = [];

  add(command: OutgoingCommand, createdAt: number): void {
    this.items.set(command.id, { command, createdAt });
    this.cached = [...this.items.values()];
  }

  /** Remove and return the command with this id (undefined when it is not pending). */
  settle(id: string): PendingCommand | undefined {
    const item = this.items.get(id);
    if (item) {
      this.items.delete(id);
      this.cached = [...this.items.values()];
    }
    return item;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  get size(): number {
    return this.items.size;
  }

  /** Pending commands, oldest first. The array is replaced (not mutated) on every change. */
  list(): readonly PendingCommand[] {
    return this.cached;
  }
}
