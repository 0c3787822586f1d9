/**
 * Reconnect delays: exponential backoff with "full jitter" (a uniformly random delay
 * between 0 and the exponential ceiling), so a room full of clients that lost the server
 * at the same moment does not reconnect in lockstep.
 */

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 15_000;

/**
 * The delay before reconnect attempt number `attempt` (0 for the first retry).
 * `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs: number = BACKOFF_BASE_MS,
  capMs: number = BACKOFF_CAP_MS,
): number {
  const safeAttempt = Math.max(0, Math.floor(attempt));
  // 2 ** 30 is far past any cap we use; stop there so the number never overflows.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(safeAttempt, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}
