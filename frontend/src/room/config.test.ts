import { describe, expect, it } from "vitest";
import { readRoomConfig } from "./config";

describe("readRoomConfig", () => {
  it("reads the data attributes Django renders", () => {
    expect(
      readRoomConfig({
        publicId: "abc",
        wsPath: "/ws/interviews/abc/",
        roundUrl: "/interviews/abc/",
        feedbackUrl: "/interviews/abc/feedback/",
        userId: "7",
        role: "candidate",
      }),
    ).toEqual({
      publicId: "abc",
      wsPath: "/ws/interviews/abc/",
      roundUrl: "/interviews/abc/",
      feedbackUrl: "/interviews/abc/feedback/",
      userId: 7,
      role: "candidate",
    });
  });

  it("needs a public id and a socket path", () => {
    expect(readRoomConfig({ wsPath: "/ws/x/" })).toBeNull();
    expect(readRoomConfig({ publicId: "x" })).toBeNull();
  });

  it("fills in what it can and drops what it does not understand", () => {
    expect(readRoomConfig({ publicId: "x", wsPath: "/ws/x/", userId: "me", role: "admin" })).toEqual({
      publicId: "x",
      wsPath: "/ws/x/",
      roundUrl: "/interviews/x/",
      feedbackUrl: "/interviews/x/feedback/",
      userId: null,
      role: null,
    });
  });
});
