import { describe, expect, it } from "vitest";
import { MAX_CLOCK_SAMPLES, ServerClock, bestSample, clockSample } from "./clock";

describe("clockSample", () => {
  it("takes the midpoint of the round trip", () => {
    // Sent at 1000, back at 1100, server said 5050 → server is 3000 ahead.
    expect(clockSample(1000, 1100, 5050)).toEqual({ offset: 4000, rtt: 100 });
    expect(clockSample(1000, 1000, 500)).toEqual({ offset: -500, rtt: 0 });
  });
});

describe("bestSample", () => {
  it("picks the smallest RTT", () => {
    expect(
      bestSample([
        { offset: 10, rtt: 80 },
        { offset: 20, rtt: 30 },
        { offset: 30, rtt: 50 },
      ]),
    ).toEqual({ offset: 20, rtt: 30 });
    expect(bestSample([])).toBeUndefined();
  });
});

describe("ServerClock", () => {
  it("has no offset before any reading", () => {
    const clock = new ServerClock();
    expect(clock.offset).toBe(0);
    expect(clock.serverNow(1234)).toBe(1234);
  });

  it("uses a snapshot reading until the first pong", () => {
    const clock = new ServerClock();
    clock.seed(10_500, 10_000);
    expect(clock.serverNow(20_000)).toBe(20_500);
    clock.addSample(30_000, 30_040, 30_220);
    expect(clock.offset).toBe(200);
  });

  it("uses the sample with the smallest RTT", () => {
    const clock = new ServerClock();
    clock.addSample(0, 400, 1_200); // offset 1000, rtt 400
    clock.addSample(1_000, 1_020, 2_510); // offset 1500, rtt 20
    clock.addSample(2_000, 2_300, 3_150); // offset 1000, rtt 300
    expect(clock.offset).toBe(1_500);
    expect(clock.serverNow(10_000)).toBe(11_500);
  });

  it("keeps only the last 20 samples", () => {
    const clock = new ServerClock();
    clock.addSample(0, 2, 1_001); // offset 1000, best RTT, but will age out
    for (let i = 0; i < MAX_CLOCK_SAMPLES; i += 1) {
      clock.addSample(i * 1000, i * 1000 + 50, i * 1000 + 25 + 7); // offset 7, rtt 50
    }
    expect(clock.sampleCount).toBe(MAX_CLOCK_SAMPLES);
    expect(clock.offset).toBe(7);
  });

  it("ignores samples with a negative round trip", () => {
    const clock = new ServerClock();
    clock.addSample(1000, 900, 99_999);
    expect(clock.sampleCount).toBe(0);
  });
});
