/**
 * Clock offset between this browser and the server, from ping/pong samples.
 *
 * A sample is (t_sent, t_received) on the local clock and the server's clock in between:
 *   offset = server_time − (t_sent + t_received) / 2,   rtt = t_received − t_sent.
 * The error of a sample is at most rtt / 2, so among the last 20 samples the one with the
 * smallest round trip is the best estimate.
 */

export const MAX_CLOCK_SAMPLES = 20;

export interface ClockSample {
  readonly offset: number;
  readonly rtt: number;
}

/** One sample from a ping sent at `sentAt`, answered at `receivedAt` (local ms). */
export function clockSample(sentAt: number, receivedAt: number, serverTime: number): ClockSample {
  return { offset: serverTime - (sentAt + receivedAt) / 2, rtt: receivedAt - sentAt };
}

/** The sample with the smallest RTT (the earliest of equals), or undefined when none. */
export function bestSample(samples: readonly ClockSample[]): ClockSample | undefined {
  let best: ClockSample | undefined;
  for (const sample of samples) {
    if (!best || sample.rtt < best.rtt) best = sample;
  }
  return best;
}

export class ServerClock {
  private samples: ClockSample[] = [];
  /** Rough offset from a snapshot's server_time, used until a ping comes back. */
  private roughOffset = 0;

  /** Add a ping/pong sample. Samples with a negative RTT (local clock jumped) are ignored. */
  addSample(sentAt: number, receivedAt: number, serverTime: number): void {
    const sample = clockSample(sentAt, receivedAt, serverTime);
    if (!Number.isFinite(sample.offset) || !(sample.rtt >= 0)) return;
    this.samples.push(sample);
    if (this.samples.length > MAX_CLOCK_SAMPLES) {
      this.samples.splice(0, this.samples.length - MAX_CLOCK_SAMPLES);
    }
  }

  /** A one-way reading (e.g. a snapshot's server_time received at localNow). */
  seed(serverTime: number, localNow: number): void {
    if (Number.isFinite(serverTime)) this.roughOffset = serverTime - localNow;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** Server clock minus local clock, in ms. */
  get offset(): number {
    return bestSample(this.samples)?.offset ?? this.roughOffset;
  }

  /** The server's clock now, in whole ms. */
  serverNow(localNow: number = Date.now()): number {
    return Math.round(localNow + this.offset);
  }
}
