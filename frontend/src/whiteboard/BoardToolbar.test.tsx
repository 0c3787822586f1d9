import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BoardToolbar } from "./BoardToolbar";

const base = {
  publicId: "9f2c",
  canExport: true,
  exporting: null,
  onExport: () => undefined,
  people: [
    { user_id: 3, name: "Dana", role: "interviewer" as const, connections: 1 },
    { user_id: 9, name: "Obi", role: "observer" as const, connections: 2 },
  ],
  following: null,
  onFollow: () => undefined,
  alert: null,
  onDismissAlert: () => undefined,
  readOnly: false,
};

describe("BoardToolbar markup", () => {
  it("offers the three downloads and a follow choice", () => {
    const html = renderToStaticMarkup(<BoardToolbar {...base} />);
    expect(html).toContain('<button type="button" class="secondary button-small">Download PNG</button>');
    expect(html).toContain('<button type="button" class="secondary button-small">Download SVG</button>');
    expect(html).toContain(
      '<a class="button button-secondary button-small" href="/interviews/9f2c/board.excalidraw" download="mockroom-9f2c-board.excalidraw">Download .excalidraw</a>',
    );
    expect(html).toMatch(/<label class="room-board__follow">Follow <select[^>]*>/);
    expect(html).toContain('<option value="" selected="">Nobody</option>');
    expect(html).toContain('<option value="3">Dana (interviewer)</option>');
    expect(html).toContain('<option value="9">Obi (observer)</option>');
    expect(html).toContain('role="alert" data-testid="board-alert"></div>');
    expect(html).not.toContain("View only");
  });

  it("shows an alert, the export in progress and the read-only note", () => {
    const html = renderToStaticMarkup(
      <BoardToolbar
        {...base}
        exporting="png"
        readOnly
        following={3}
        alert={{ id: 1, text: "That image is too large (6.2 MiB). Images must be 4 MiB or less." }}
      />,
    );
    expect(html).toContain("Preparing PNG…</button>");
    expect(html).toContain('<button type="button" class="secondary button-small" disabled="">Download SVG</button>');
    expect(html).toContain('<option value="3" selected="">Dana (interviewer)</option>');
    expect(html).toContain(
      'role="alert" data-testid="board-alert"><span>That image is too large (6.2 MiB). Images must be 4 MiB or less.</span><button type="button" class="secondary button-small">Dismiss</button></div>',
    );
    expect(html).toContain('data-testid="board-read-only">View only</span>');
  });

  it("cannot export before the board is ready", () => {
    const html = renderToStaticMarkup(<BoardToolbar {...base} canExport={false} people={[]} />);
    expect(html).toContain('disabled="">Download PNG</button>');
    expect(html).toMatch(/<select disabled=""/);
  });
});
