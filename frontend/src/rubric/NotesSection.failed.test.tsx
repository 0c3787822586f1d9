// @vitest-environment happy-dom
/** A note the server would not save: said plainly, with Retry and Copy. */
import { act, cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Snapshot } from "../protocol";
import type { CommandOutcome, RoomView, RubricCommandInput } from "../room/controller";
import { applySnapshot, initialRoomState } from "../room/store";
import { NOTE_FAILED_TEXT } from "./NotesSection";
import { RubricPanel } from "./RubricPanel";

const snap: Snapshot = {
  type: "snapshot", protocol: 1, seq: 12, streams: { all: 12, me: 4 }, server_time: 0,
  interview: { public_id: "p", title: "T", kind: "system_design", status: "live", started_at: 1, ended_at: null },
  me: { user_id: 3, name: "Dana", role: "interviewer" }, participants: [], presence: [],
  agenda: [{ name: "Clarify", minutes: 5 }],
  timer: { phase_index: 0, running: true, anchor_ms: 0, phase_spent_ms: [0], added_ms: [0] },
  board: { elements: [], files: [], checksum: "811c9dc5" }, read_only: false,
  rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
};

function view(outcomes: Map<string, CommandOutcome>, pending: string[] = []): RoomView {
  return {
    room: applySnapshot(initialRoomState, snap),
    connection: {
      status: "connected", retryAt: null, closedReason: null,
      pending: pending.map((id) => ({ command: { type: "timer.pause", id }, createdAt: 0 })),
    },
    error: null,
    outcomes,
    retrying: new Set(),
  };
}

afterEach(() => {
  cleanup();
});

describe("a note the server failed to save", () => {
  it("says so, and offers Retry (a new message) and Copy", async () => {
    let next = 0;
    const send = vi.fn<(command: RubricCommandInput) => string>(() => `x-${(next += 1)}`);
    const user = userEvent.setup(); // gives the page a clipboard to write to
    const { rerender } = render(<RubricPanel view={view(new Map(), ["x-1"])} send={send} />);
    await user.type(screen.getByRole("textbox", { name: "Note" }), "Asked about scale{Enter}");
    expect(screen.getByTestId("notes-list").textContent).toContain("Sending…");

    rerender(<RubricPanel view={view(new Map([["x-1", { status: "failed" }]]))} send={send} />);
    const list = within(screen.getByTestId("notes-list"));
    expect(list.getByRole("alert").textContent).toBe(NOTE_FAILED_TEXT);
    expect(screen.getByTestId("notes-list").textContent).toContain("Asked about scale");

    await user.click(list.getByRole("button", { name: "Copy this note" }));
    expect(await navigator.clipboard.readText()).toBe("Asked about scale");
    expect(await list.findByText("Copied")).toBeTruthy();

    await user.click(list.getByRole("button", { name: "Retry saving this note" }));
    expect(send.mock.calls).toEqual([
      [{ type: "note.add", text: "Asked about scale" }],
      [{ type: "note.add", text: "Asked about scale" }],
    ]);
    act(() => {
      rerender(<RubricPanel view={view(new Map([["x-1", { status: "failed" }]]), ["x-2"])} send={send} />);
    });
    // The failed copy is replaced by the one on its way.
    expect(screen.getByTestId("notes-list").textContent).toContain("Sending…");
    expect(screen.queryByText(NOTE_FAILED_TEXT)).toBeNull();
  });
});
