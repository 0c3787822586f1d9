// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RubricOut, Snapshot } from "../protocol";
import type { RoomView, RubricCommandInput } from "../room/controller";
import { applySnapshot, initialRoomState } from "../room/store";
import { AUTOSAVE_DELAY_MS } from "./debouncer";
import { RubricPanel } from "./RubricPanel";

const rubric: RubricOut = {
  title: "System design interview",
  criteria: [
    {
      key: "requirements", name: "Requirements and scoping", description: "Clarifies before designing.",
      weight: 2, phases: ["Clarify"],
      levels: [
        { score: 1, label: "Not yet", anchor: "Starts drawing without asking anything." },
        { score: 3, label: "Solid", anchor: "States assumptions." },
      ],
    },
    {
      key: "architecture", name: "High-level architecture", description: "",
      weight: 1, phases: ["Design"],
      levels: [
        { score: 1, label: "Not yet", anchor: "No clear components." },
        { score: 2, label: "Developing", anchor: "Some components." },
      ],
    },
  ],
};

const prompt = {
  revealed: false, text: "Design a chat service.", hints: "HINT-x", solution: "SOLUTION-x", notes: "NOTES-x",
};

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    type: "snapshot", protocol: 1, seq: 12, streams: { all: 12, me: 4 }, server_time: 0,
    interview: {
      public_id: "9f2c", title: "Design", kind: "system_design", status: "live", started_at: 1, ended_at: null,
    },
    me: { user_id: 3, name: "Dana", role: "interviewer" },
    participants: [], presence: [],
    agenda: [{ name: "Clarify", minutes: 5 }, { name: "Design", minutes: 20 }],
    timer: { phase_index: 0, running: true, anchor_ms: 0, phase_spent_ms: [0, 0], added_ms: [0, 0] },
    board: { elements: [], files: [], checksum: "811c9dc5" },
    read_only: false,
    rubric,
    rubric_hidden: false,
    scores: [{ criterion: "requirements", score: 3, comment: "Asked for the read/write ratio." }],
    notes: [],
    prompt,
    ...overrides,
  };
}

const ended = (): Snapshot => {
  const base = snapshot();
  return { ...base, interview: { ...base.interview, status: "ended", ended_at: 9 } };
};

/** Render the panel for this snapshot; `send` records every command the panel queues. */
function renderPanel(snap: Snapshot) {
  const view: RoomView = {
    room: applySnapshot(initialRoomState, snap),
    connection: { status: "connected", retryAt: null, pending: [], closedReason: null },
    error: null,
    outcomes: new Map(),
    retrying: new Set(),
  };
  let next = 0;
  const send = vi.fn<(command: RubricCommandInput) => string>(() => {
    next += 1;
    return `x-${next}`;
  });
  const user = userEvent.setup();
  render(<RubricPanel view={view} send={send} />);
  return { send, user };
}

const criterion = (key: string) => within(screen.getByTestId(`criterion-${key}`));

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("Scoring a criterion", () => {
  it("sends the chosen level with the comment already there", async () => {
    const { send, user } = renderPanel(snapshot());
    await user.click(criterion("requirements").getByRole("radio", { name: "1 Not yet" }));
    expect(send.mock.calls).toEqual([
      [{ type: "score.set", criterion: "requirements", score: 1, comment: "Asked for the read/write ratio." }],
    ]);
  });

  it("scores a criterion that had no score yet, with an empty comment", async () => {
    const { send, user } = renderPanel(snapshot());
    await user.click(criterion("architecture").getByRole("radio", { name: "2 Developing" }));
    expect(send.mock.calls).toEqual([[{ type: "score.set", criterion: "architecture", score: 2, comment: "" }]]);
  });

  it("clears a score, keeping the comment", async () => {
    const { send, user } = renderPanel(snapshot());
    await user.click(criterion("requirements").getByRole("button", { name: /Clear/ }));
    expect(send.mock.calls).toEqual([
      [{ type: "score.set", criterion: "requirements", score: null, comment: "Asked for the read/write ratio." }],
    ]);
  });

  it("saves a comment at once when the box loses focus", async () => {
    const { send, user } = renderPanel(snapshot());
    const box = criterion("architecture").getByRole("textbox", { name: "Comment" });
    // One paste, not keystrokes: a slow machine could pause between keys long enough to autosave.
    await user.click(box);
    await user.paste("Named the queue");
    await user.tab();
    expect(send.mock.calls).toEqual([
      [{ type: "score.set", criterion: "architecture", score: null, comment: "Named the queue" }],
    ]);
  });

  it("autosaves a comment once typing has paused, with the current score", () => {
    const { send } = renderPanel(snapshot());
    // Testing Library's user-event waits on real timers, so this edit is one change event.
    vi.useFakeTimers();
    const box = criterion("requirements").getByRole("textbox", { name: "Comment" });
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: "Asked about peaks" } });
    act(() => vi.advanceTimersByTime(AUTOSAVE_DELAY_MS - 1));
    expect(send).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(send.mock.calls).toEqual([
      [{ type: "score.set", criterion: "requirements", score: 3, comment: "Asked about peaks" }],
    ]);
  });

  it("sends nothing once the round has ended", async () => {
    const { send, user } = renderPanel(ended());
    await user.click(criterion("architecture").getByRole("radio", { name: "2 Developing" }));
    await user.click(criterion("requirements").getByRole("button", { name: /Clear/ }));
    await user.type(criterion("requirements").getByRole("textbox", { name: "Comment" }), "late");
    await user.tab();
    expect(send).not.toHaveBeenCalled();
  });
});

describe("Adding a note", () => {
  it("sends the trimmed note on Enter and empties the box", async () => {
    const { send, user } = renderPanel(snapshot());
    const box = screen.getByRole("textbox", { name: "Note" });
    await user.type(box, "  Asked about peak QPS  {Enter}");
    expect(send.mock.calls).toEqual([[{ type: "note.add", text: "Asked about peak QPS" }]]);
    expect(box).toHaveProperty("value", "");
  });

  it("sends the note with the Add note button, Shift+Enter only starting a new line", async () => {
    const { send, user } = renderPanel(snapshot());
    const box = screen.getByRole("textbox", { name: "Note" });
    await user.type(box, "Line one{Shift>}{Enter}{/Shift}Line two");
    expect(send).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Add note" }));
    expect(send.mock.calls).toEqual([[{ type: "note.add", text: "Line one\nLine two" }]]);
  });

  it("sends no blank note", async () => {
    const { send, user } = renderPanel(snapshot());
    await user.type(screen.getByRole("textbox", { name: "Note" }), "   {Enter}");
    expect(screen.getByRole("button", { name: "Add note" })).toHaveProperty("disabled", true);
    expect(send).not.toHaveBeenCalled();
  });

  it("jumps to the note box with Alt+N from anywhere", async () => {
    const { user } = renderPanel(snapshot());
    await user.keyboard("{Alt>}n{/Alt}");
    expect(document.activeElement).toBe(screen.getByRole("textbox", { name: "Note" }));
  });
});

describe("The interviewer's prompt and rubric switches", () => {
  it("reveals the prompt to the candidate", async () => {
    const { send, user } = renderPanel(snapshot());
    await user.click(screen.getByRole("button", { name: "Reveal prompt to candidate" }));
    expect(send.mock.calls).toEqual([[{ type: "prompt.reveal" }]]);
  });

  it("hides the rubric from the candidate", async () => {
    const { send, user } = renderPanel(snapshot());
    await user.click(screen.getByRole("checkbox", { name: "Hide rubric from candidate" }));
    expect(send.mock.calls).toEqual([[{ type: "rubric.visibility", hidden: true }]]);
  });

  it("shows a hidden rubric to the candidate again", async () => {
    const { send, user } = renderPanel(snapshot({ rubric_hidden: true }));
    await user.click(screen.getByRole("checkbox", { name: "Hide rubric from candidate" }));
    expect(send.mock.calls).toEqual([[{ type: "rubric.visibility", hidden: false }]]);
  });

  it("neither reveals nor hides anything once the round has ended", async () => {
    const { send, user } = renderPanel(ended());
    await user.click(screen.getByRole("button", { name: "Reveal prompt to candidate" }));
    await user.click(screen.getByRole("checkbox", { name: "Hide rubric from candidate" }));
    expect(send).not.toHaveBeenCalled();
  });
});
