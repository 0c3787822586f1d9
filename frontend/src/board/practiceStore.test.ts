import { describe, expect, it } from "vitest";
import { parseStoredElements, serializeElements } from "./practiceStore";

describe("practice board storage", () => {
  it("round-trips live elements", () => {
    const elements = [{ id: "a", type: "rectangle" }, { id: "b", type: "text", text: "hi" }];
    expect(parseStoredElements(serializeElements(elements))).toEqual(elements);
  });

  it("drops deleted elements when saving", () => {
    const saved = serializeElements([
      { id: "a", type: "rectangle" },
      { id: "b", type: "ellipse", isDeleted: true },
    ]);
    expect(parseStoredElements(saved).map((e) => e.id)).toEqual(["a"]);
  });

  it.each([null, "", "not json", "{}", "[1, null, {\"id\": 3}]"])(
    "treats unreadable storage %j as an empty board",
    (raw) => {
      expect(parseStoredElements(raw)).toEqual([]);
    },
  );
});
