import { describe, expect, it } from "vitest";
import { createIdGenerator, randomSessionPrefix } from "./ids";

const ID_PATTERN = /^[\w.:-]+$/;

describe("message ids", () => {
  it("counts up under one prefix", () => {
    const next = createIdGenerator("abc");
    expect([next(), next(), next()]).toEqual(["abc-1", "abc-2", "abc-3"]);
  });

  it("keeps separate counters per generator", () => {
    const a = createIdGenerator("a");
    const b = createIdGenerator("b");
    a();
    expect(a()).toBe("a-2");
    expect(b()).toBe("b-1");
  });

  it("makes prefixes from the random source, in base 36", () => {
    const prefix = randomSessionPrefix(4, (bytes) => bytes.set([0, 10, 35, 36]));
    expect(prefix).toBe("0az0");
  });

  it("makes different prefixes on each call with the real source", () => {
    const seen = new Set(Array.from({ length: 50 }, () => randomSessionPrefix()));
    expect(seen.size).toBe(50);
  });

  it("produces ids the server accepts", () => {
    const id = createIdGenerator(randomSessionPrefix())();
    expect(id).toMatch(ID_PATTERN);
    expect(id.length).toBeLessThanOrEqual(64);
  });
});
