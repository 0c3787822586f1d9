import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import type { RubricOut, Snapshot } from "../protocol";
import type { RoomView } from "../room/controller";
import { applySnapshot, initialRoomState } from "../room/store";
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

const staffPrompt = {
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
    notes: [{ id: 1, text: "Clarified scale first", elapsed_ms: 90_500, phase_index: 0, phase_name: "Clarify", at: 5 }],
    prompt: staffPrompt,
    ...overrides,
  };
}

const candidate = (overrides: Partial<Snapshot> = {}) =>
  snapshot({
    me: { user_id: 7, name: "Sam", role: "candidate" },
    streams: { all: 12, me: 0 },
    scores: [], notes: [], prompt: { revealed: false, text: null },
    ...overrides,
  });

function render(snap: Snapshot | null) {
  const view: RoomView = {
    room: snap ? applySnapshot(initialRoomState, snap) : initialRoomState,
    connection: { status: "connected", retryAt: null, pending: [], closedReason: null },
    error: null,
    outcomes: new Map(),
    retrying: new Set(),
  };
  const send = vi.fn(() => "x-1");
  return renderToStaticMarkup(<RubricPanel view={view} send={send} />);
}

/** The opening tag of every element with this tag name that has all these attribute strings. */
function tags(html: string, tag: string, ...attrs: string[]): string[] {
  const all = html.match(new RegExp(`<${tag}\\b[^>]*>`, "g")) ?? [];
  return all.filter((t) => attrs.every((a) => t.includes(a)));
}

/** The markup of the element with this data-testid, up to the end of the document. */
function from(html: string, testId: string): string {
  const at = html.indexOf(`data-testid="${testId}"`);
  expect(at).toBeGreaterThan(-1);
  return html.slice(at);
}

describe("RubricPanel for the interviewer", () => {
  const html = render(snapshot());

  it("shows the prompt with the private parts folded away, and the reveal button", () => {
    const prompt = from(html, "prompt-panel");
    expect(prompt).toContain("Design a chat service.");
    expect(prompt).toContain("<summary>Hints and solution (staff only)</summary>");
    for (const secret of ["HINT-x", "SOLUTION-x", "NOTES-x"]) expect(prompt).toContain(secret);
    expect(prompt).toContain(">Reveal prompt to candidate</button>");
  });

  it("says the prompt was revealed once it was", () => {
    const revealed = render(snapshot({ prompt: { ...staffPrompt, revealed: true } }));
    expect(revealed).toContain("Revealed to the candidate");
    expect(revealed).not.toContain("Reveal prompt to candidate");
  });

  it("lists the criteria with anchors and highlights the current phase's", () => {
    const panel = from(html, "rubric-panel");
    expect(panel).toContain("System design interview</h3>");
    expect(panel).toMatch(/data-testid="criterion-requirements" data-current="true"/);
    expect(panel).toMatch(/data-testid="criterion-architecture">/);
    expect(panel.match(/class="rubric-now"/g)).toHaveLength(1);
    expect(panel).toContain("Requirements and scoping</h4>");
    expect(panel).toContain("Starts drawing without asking anything.");
    expect(panel).toContain("3 · Solid");
  });

  it("scores with one labelled radiogroup per criterion, showing my saved score", () => {
    const groups = html.match(/<div class="rubric-levels" role="radiogroup" aria-labelledby="[^"]+">/g);
    expect(groups).toHaveLength(2);
    expect(tags(html, "input", 'type="radio"', 'aria-label="3 Solid"', "checked")).toHaveLength(1);
    expect(tags(html, "input", 'type="radio"', 'aria-label="1 Not yet"', "checked")).toHaveLength(0);
    expect(tags(html, "input", 'type="radio"')).toHaveLength(4);
    expect(tags(html, "input", 'type="radio"', "disabled")).toHaveLength(0);
    expect(html).toContain(">Asked for the read/write ratio.</textarea>");
    expect(html).toMatch(/<label for="[^"]+" class="rubric-comment__label">Comment<\/label>/);
    expect(html).toContain('data-testid="score-status-requirements" role="status">Saved</p>');
    expect(html).toContain('data-testid="score-status-architecture" role="status"></p>');
    expect(html).toMatch(/>Clear<span class="room-sr-only"> the score for Requirements and scoping<\/span><\/button>/);
  });

  it("offers to hide the rubric from the candidate", () => {
    expect(html).toMatch(/<input id="[^"]+" type="checkbox"[^>]*\/><label for="[^"]+">Hide rubric from candidate<\/label>/);
    const hidden = render(snapshot({ rubric_hidden: true }));
    expect(tags(hidden, "input", 'type="checkbox"', 'checked=""')).toHaveLength(1);
    expect(tags(html, "input", 'type="checkbox"', "checked")).toHaveLength(0);
    expect(hidden).toContain("The candidate can&#x27;t see the rubric.");
  });

  it("takes notes, with the Alt+N shortcut, and lists them with time and phase", () => {
    expect(html).toMatch(/<textarea[^>]*data-testid="note-input"[^>]*aria-keyshortcuts="Alt\+N"/);
    expect(html).toMatch(/<label for="[^"]+" class="rubric-note-form__label">Note<\/label>/);
    expect(html).toContain(">Alt+N</kbd>");
    expect(html).toContain(">Add note</button>");
    const notes = from(html, "notes-list");
    expect(notes).toContain('<time dateTime="PT1M30S">01:30</time> · Clarify');
    expect(notes).toContain("Clarified scale first");
  });

  it("keeps headings in order", () => {
    const levels = [...html.matchAll(/<h(\d)/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(3);
    for (let i = 1; i < levels.length; i += 1) {
      expect((levels[i] ?? 0) - (levels[i - 1] ?? 0)).toBeLessThanOrEqual(1);
    }
  });
});

describe("RubricPanel for an observer", () => {
  const html = render(snapshot({ me: { user_id: 9, name: "Obi", role: "observer" }, read_only: true }));

  it("scores and takes notes, but neither reveals the prompt nor hides the rubric", () => {
    expect(html).toContain('type="radio"');
    expect(tags(html, "input", 'type="radio"', "disabled")).toHaveLength(0);
    expect(html).toContain('data-testid="note-input"');
    expect(html).toContain("Hints and solution (staff only)");
    expect(html).not.toContain("Reveal prompt to candidate");
    expect(html).not.toContain("Hide rubric from candidate");
    expect(html).toContain("Not shown to the candidate yet.");
  });
});

describe("RubricPanel before and after the round", () => {
  it("disables scores and notes with a hint before the round starts", () => {
    const base = snapshot();
    const html = render({ ...base, interview: { ...base.interview, status: "scheduled", started_at: null } });
    expect(html).toContain("Scoring opens when the round starts.");
    expect(html).toContain("Notes open when the round starts.");
    expect(tags(html, "input", 'type="radio"', 'disabled=""')).toHaveLength(4);
    expect(tags(html, "textarea", 'data-testid="note-input"', 'disabled=""')).toHaveLength(1);
    expect(tags(html, "textarea", "rubric-comment__input", 'disabled=""')).toHaveLength(2);
    expect(html).toMatch(/disabled="">Add note<\/button>/);
    // The interviewer may still reveal the prompt and hide the rubric ahead of the round.
    expect(html).toMatch(/<button type="button" class="button-small">Reveal prompt to candidate/);
  });

  it("shows my scores read-only once the round has ended", () => {
    const base = snapshot();
    const html = render({ ...base, interview: { ...base.interview, status: "ended", ended_at: 9 } });
    expect(html).toContain("The round has ended: your scores are read-only.");
    expect(tags(html, "input", 'type="radio"', 'aria-label="3 Solid"', 'checked=""', 'disabled=""')).toHaveLength(1);
    expect(tags(html, "textarea", "rubric-comment__input", 'readonly=""')).toHaveLength(2);
    expect(html).toContain("Asked for the read/write ratio.</textarea>");
    expect(html).toContain("Clarified scale first");
    expect(html).toMatch(/disabled="">Reveal prompt to candidate/);
  });
});

describe("RubricPanel for the candidate", () => {
  it("shows the criteria and anchors read-only, and nothing private", () => {
    const html = render(candidate());
    const panel = from(html, "rubric-panel");
    expect(panel).toContain("This is what the interviewer looks for.");
    expect(panel).toContain("Starts drawing without asking anything.");
    expect(panel).toContain("3 · Solid");
    expect(panel).toMatch(/data-testid="criterion-requirements" data-current="true"/);
    for (const absent of ['type="radio"', "<textarea", "<input", "notes-list", "score-status", "Hints and solution", "Hide rubric"]) {
      expect(html).not.toContain(absent);
    }
    expect(from(html, "prompt-panel")).toContain("The interviewer hasn&#x27;t shared the prompt yet.");
  });

  it("shows the prompt once revealed", () => {
    const html = render(candidate({ prompt: { revealed: true, text: "Design a chat service." } }));
    expect(from(html, "prompt-panel")).toContain("Design a chat service.");
    expect(html).not.toContain("hasn&#x27;t shared");
  });

  it("says so when the interviewer hid the rubric", () => {
    const html = render(candidate({ rubric: null, rubric_hidden: true }));
    expect(from(html, "rubric-panel")).toContain("The interviewer has hidden the rubric for this round.");
    expect(html).not.toContain("criterion-");
  });

  it("never renders private prompt parts even if they were sent", () => {
    const html = render(candidate({ prompt: { ...staffPrompt, revealed: true } }));
    for (const secret of ["HINT-x", "SOLUTION-x", "NOTES-x"]) expect(html).not.toContain(secret);
  });
});

describe("RubricPanel before the snapshot", () => {
  it("waits", () => {
    expect(render(null)).toContain("Loading the rubric…");
  });
});
