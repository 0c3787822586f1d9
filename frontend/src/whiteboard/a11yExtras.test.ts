import { describe, expect, it } from "vitest";
import { nameColorPickers, nameModals } from "./a11yExtras";

class Fake {
  attributes = new Map<string, string>();
  constructor(private readonly trigger: Fake | null = null, attrs: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(attrs)) this.attributes.set(k, v);
  }
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  querySelector() {
    return this.trigger;
  }
}

describe("nameColorPickers", () => {
  it("names each picker dialog after its trigger, and leaves named ones alone", () => {
    const stroke = new Fake(new Fake(null, { "aria-label": "Stroke" }));
    const background = new Fake(new Fake(null, { title: "Show background picker" }));
    const bare = new Fake(null);
    const named = new Fake(null, { "aria-label": "Mine" });
    const root = { querySelectorAll: () => [stroke, background, bare, named] };
    expect(nameColorPickers(root)).toBe(3);
    expect(stroke.getAttribute("aria-label")).toBe("Stroke");
    expect(background.getAttribute("aria-label")).toBe("Show background picker");
    expect(bare.getAttribute("aria-label")).toBe("Colours");
    expect(named.getAttribute("aria-label")).toBe("Mine");
  });
});

describe("nameModals", () => {
  function modal(title: string | null, label: string | null = null) {
    const attributes = new Map<string, string>(label ? [["aria-label", label]] : []);
    return {
      textContent: "",
      getAttribute: (name: string) => attributes.get(name) ?? null,
      setAttribute: (name: string, value: string) => void attributes.set(name, value),
      querySelector: () => (title === null ? null : { textContent: ` ${title} ` }),
    };
  }

  it("names an unnamed modal after its title, and leaves named ones alone", () => {
    const unnamed = modal("Error");
    const untitled = modal(null);
    const named = modal("Help", "Keyboard shortcuts");
    const count = nameModals(
      { querySelectorAll: () => [unnamed, untitled, named] } as never,
      () => null,
    );
    expect(count).toBe(2);
    expect(unnamed.getAttribute("aria-label")).toBe("Error");
    expect(untitled.getAttribute("aria-label")).toBe("Dialog");
    expect(named.getAttribute("aria-label")).toBe("Keyboard shortcuts");
  });

  it("trusts aria-labelledby only when the title it names exists", () => {
    const pointsAtTitle = modal("Error");
    pointsAtTitle.setAttribute("aria-labelledby", "t1");
    expect(nameModals({ querySelectorAll: () => [pointsAtTitle] } as never, () => ({ textContent: "Help" }))).toBe(0);
    expect(nameModals({ querySelectorAll: () => [pointsAtTitle] } as never, () => null)).toBe(1);
  });
});
