import { describe, expect, it } from "vitest";
import { BACKOFF_CAP_MS, backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  it("is zero when the random draw is zero", () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(7, () => 0)).toBe(0);
  });

  it("doubles the ceiling each attempt, starting at 500 ms", () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, top)).toBe(499);
    expect(backoffDelay(1, top)).toBe(999);
    expect(backoffDelay(2, top)).toBe(1999);
    expect(backoffDelay(3, top)).toBe(3999);
  });

  it("never exceeds the 15 s cap, however many attempts", () => {
    for (const attempt of [5, 6, 10, 50, 1000]) {
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThan(BACKOFF_CAP_MS);
      expect(backoffDelay(attempt, () => 0.5)).toBe(7500);
    }
  });

  it("spreads delays uniformly below the ceiling (full jitter)", () => {
    expect(backoffDelay(2, () => 0.25)).toBe(500);
    expect(backoffDelay(2, () => 0.75)).toBe(1500);
  });

  it("treats odd inputs safely", () => {
    expect(backoffDelay(-3, () => 0.5)).toBe(250);
    expect(backoffDelay(1, () => 2)).toBe(1000);
  });
});
