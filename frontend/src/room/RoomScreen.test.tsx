import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../protocol";
import type { RoomSocketHandlers, SocketState } from "../transport/socket";
import { RoomController, type RoomTransport } from "./controller";
import { RoomScreen } from "./RoomApp";
import { BoardSync } from "../whiteboard/boardSync";
import { controllerChannel, httpFiles } from "../whiteboard/channel";

const config = {
  publicId: "9f2c",
  wsPath: "/ws/interviews/9f2c/",
  roundUrl: "/interviews/9f2c/",
  feedbackUrl: "/interviews/9f2c/feedback/",
  userId: 3,
  role: "interviewer" as const,
};

function controllerWith(
  snapshot: Snapshot | null,
  connection: Partial<SocketState> = {},
): RoomController {
  let handlers!: RoomSocketHandlers;
  const state: SocketState = {
    status: "connected", retryAt: null, pending: [], closedReason: null, ...connection,
  };
  const transport: RoomTransport = {
    start() {},
    stop() {},
    send: () => "x-1",
    resume: () => true,
    reconnectNow() {},
    getState: () => state,
    subscribe: () => () => undefined,
  };
  const controller = new RoomController((h) => {
    handlers = h;
    return transport;
  }, () => snapshot?.server_time ?? 0);
  if (snapshot) handlers.onSnapshot(snapshot);
  return controller;
}

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  const now = 1_767_225_600_000;
  return {
    type: "snapshot",
    protocol: 1,
    seq: 12,
    streams: { all: 12, me: 0 },
    server_time: now,
    interview: {
      public_id: "9f2c", title: "Design a URL shortener", kind: "system_design",
      status: "live", started_at: now - 600_000, ended_at: null,
    },
    me: { user_id: 3, name: "Dana", role: "interviewer" },
    participants: [],
    presence: [
      { user_id: 3, name: "Dana", role: "interviewer", connections: 2 },
      { user_id: 7, name: "Sam", role: "candidate", connections: 1 },
    ],
    agenda: [{ name: "Clarify", minutes: 5 }, { name: "Design", minutes: 20 }],
    timer: {
      phase_index: 1, running: true, anchor_ms: now - 60_000,
      phase_spent_ms: [310_000, 1_000], added_ms: [0, 0],
    },
    board: { elements: [], files: [], checksum: "811c9dc5" },
    read_only: false,
    rubric: null, rubric_hidden: false, scores: [], notes: [], prompt: { revealed: false, text: null },
    ...overrides,
  };
}

const render = (controller: RoomController) =>
  renderToStaticMarkup(<RoomScreen controller={controller} config={config} />);

describe("RoomScreen with the shared board", () => {
  it("renders the labelled board region and waits for the browser to load Excalidraw", () => {
    const controller = controllerWith(snapshot());
    const board = new BoardSync(controllerChannel(controller), httpFiles("9f2c"));
    const html = renderToStaticMarkup(<RoomScreen controller={controller} config={config} board={board} />);
    expect(html).toContain('<section aria-label="Whiteboard" class="room-board room-board--live">');
    expect(html).toContain('role="status">Loading the whiteboard…</p>');
    expect(html).not.toContain("The shared whiteboard appears here.");
    expect(html).toContain('<aside aria-label="Prompt, rubric and notes"');
  });
});

describe("RoomScreen markup", () => {
  it("shows the header, timer and regions for an interviewer", () => {
    const html = render(controllerWith(snapshot()));
    expect(html).toContain("<h1 class=\"room-title\">Design a URL shortener</h1>");
    expect(html).toContain('data-testid="connection-status">Connected</span>');
    expect(html).toMatch(/data-testid="presence-list"[^>]*>.*Dana.*interviewer.*\(2 tabs\).*Sam.*candidate/);
    expect(html).toContain('data-testid="timer-phase">Design</span>');
    expect(html).toContain('data-remaining-ms="1139000"');
    expect(html).toContain(">18:59</span>");
    expect(html).toContain('data-testid="timer-total">06:11</span>');
    expect(html).toContain('data-testid="timer-status">Running</span>');
    expect(html).toMatch(/aria-current="step"><span class="room-agenda__name">Design/);
    expect(html).toContain('aria-live="polite"');
    for (const name of ["Pause", "Previous phase", "Next phase", "+1 min", "+5 min", "Reset timer", "End round"]) {
      expect(html).toContain(`>${name}</button>`);
    }
    // Start, pause and resume are one button, so focus stays on it when its label changes.
    expect(html).toContain('data-testid="timer-primary">Pause</button>');
    expect(html).not.toContain(">Start round</button>");
    expect(html).not.toContain(">Start timer</button>");
    expect(html).toContain('<section aria-label="Whiteboard" class="room-board">');
    expect(html).toContain("The shared whiteboard appears here.");
    expect(html).toContain('<aside aria-label="Prompt, rubric and notes"');
    expect(html).toContain('role="alert"');
    expect(html).not.toContain("<main");
  });

  it("shows overtime with its own style", () => {
    const base = snapshot();
    const html = render(
      controllerWith({
        ...base,
        timer: { ...base.timer, phase_index: 0, phase_spent_ms: [325_000, 0], running: false, anchor_ms: null },
      }),
    );
    expect(html).toContain("room-timer--over");
    expect(html).toContain(">+00:25 overtime</span>");
    expect(html).toContain('data-remaining-ms="-25000"');
    expect(html).toContain('data-testid="timer-status">Paused</span>');
  });

  it("offers Start round and disabled timer buttons before the round", () => {
    const base = snapshot();
    const html = render(
      controllerWith({
        ...base,
        interview: { ...base.interview, status: "scheduled", started_at: null },
        timer: { phase_index: 0, running: false, anchor_ms: null, phase_spent_ms: [0, 0], added_ms: [0, 0] },
      }),
    );
    expect(html).toContain('data-testid="timer-primary">Start round</button>');
    expect(html).not.toContain(">Start timer</button>");
    expect(html).toMatch(/<button [^>]*disabled=""[^>]*>Next phase<\/button>/);
    expect(html).toContain('data-testid="timer-status">Not started</span>');
    expect(html).not.toContain(">End round</button>");
  });

  it("hides the controls from a candidate", () => {
    const html = render(
      controllerWith(snapshot({ me: { user_id: 7, name: "Sam", role: "candidate" }, streams: { all: 12, me: 0 } })),
    );
    expect(html).not.toContain("Interviewer controls");
    expect(html).not.toContain(">Pause</button>");
  });

  it("links to the feedback step when the round had already ended", () => {
    const base = snapshot();
    const html = render(
      controllerWith({ ...base, interview: { ...base.interview, status: "ended", ended_at: 1 } }),
    );
    expect(html).toContain('The round has ended. <a href="/interviews/9f2c/feedback/">Go to your feedback form</a>');
    expect(html).toContain('data-testid="timer-status">Ended</span>');
    expect(html).not.toContain(">End round</button>");
  });

  it("shows the connection trouble and the pending commands", () => {
    const html = render(
      controllerWith(null, {
        status: "offline",
        pending: [{ command: { type: "timer.pause", id: "a-1" }, createdAt: 0 }],
      }),
    );
    expect(html).toContain(
      'data-testid="connection-status">Offline — changes will be sent when you&#x27;re back</span>',
    );
    expect(html).toContain('data-testid="pending-commands">1 change waiting to be sent</span>');
    expect(html).toContain("Loading the timer…");
  });
});

describe("RoomScreen side panel", () => {
  it("replaces the placeholder with the prompt, rubric and notes", () => {
    const html = render(controllerWith(snapshot()));
    expect(html).toContain('<aside aria-label="Prompt, rubric and notes" class="room-side"');
    // Tabs: the rubric is open for staff, the others wait hidden (still in the page).
    expect(html).toContain('aria-selected="true" aria-controls="room-panel-rubric"');
    expect(html).toMatch(/id="room-panel-notes" role="tabpanel"[^>]*hidden=""/);
    expect(html).toMatch(/id="room-panel-rubric" role="tabpanel"(?![^>]*hidden)[^>]*>/);
    expect(html).not.toContain("The rubric and your private notes appear here.");
    expect(html).toContain('data-testid="prompt-panel"');
    expect(html).toContain('data-testid="rubric-panel"');
    expect(html).toContain('data-testid="note-input"');
  });

  it("shows the candidate no notes", () => {
    const html = render(
      controllerWith(snapshot({ me: { user_id: 7, name: "Sam", role: "candidate" }, streams: { all: 12, me: 0 } })),
    );
    expect(html).toContain('data-testid="rubric-panel"');
    expect(html).not.toContain("notes-list");
    expect(html).not.toContain("note-input");
  });
});
