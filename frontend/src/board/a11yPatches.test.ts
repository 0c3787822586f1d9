import { describe, expect, it } from "vitest";
import { nameUnlabelledControls } from "./a11yPatches";

class FakeElement {
  attributes = new Map<string, string>();
  constructor(public textContent: string | null) {}
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
}

function rootWith(elements: FakeElement[]): ParentNode {
  return {
    querySelectorAll: () => elements,
  } as unknown as ParentNode;
}

describe("nameUnlabelledControls", () => {
  it("labels an icon-only menu trigger", () => {
    const trigger = new FakeElement("");
    expect(nameUnlabelledControls(rootWith([trigger]))).toBe(1);
    expect(trigger.getAttribute("aria-label")).toBe("Main menu");
  });

  it("keeps an existing label and visible text", () => {
    const labelled = new FakeElement("");
    labelled.setAttribute("aria-label", "Menu");
    const withText = new FakeElement("Menu");
    expect(nameUnlabelledControls(rootWith([labelled, withText]))).toBe(0);
    expect(labelled.getAttribute("aria-label")).toBe("Menu");
    expect(withText.getAttribute("aria-label")).toBeNull();
  });
});
