import { describe, expect, it } from "vitest";
import { newTabId, withTabId } from "./tabId";

describe("the tab id on the socket URL", () => {
  it("is added as a query parameter", () => {
    expect(withTabId("ws://h/ws/interviews/p/", "abc")).toBe("ws://h/ws/interviews/p/?tab=abc");
    expect(withTabId("ws://h/ws/?x=1", "a b")).toBe("ws://h/ws/?x=1&tab=a%20b");
  });

  it("differs between page loads", () => {
    const one = newTabId();
    expect(one).toMatch(/^[0-9a-z]{12}$/);
    expect(newTabId()).not.toBe(one);
  });
});
