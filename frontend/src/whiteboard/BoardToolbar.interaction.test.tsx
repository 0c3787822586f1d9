// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ComponentProps } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BoardToolbar, type ExportKind } from "./BoardToolbar";

type Props = ComponentProps<typeof BoardToolbar>;

/** The toolbar with spies for everything it asks of the board. */
function renderToolbar(overrides: Partial<Props> = {}) {
  const onExport = vi.fn<(kind: ExportKind) => void>();
  const onFollow = vi.fn<(userId: number | null) => void>();
  const onDismissAlert = vi.fn<() => void>();
  const props: Props = {
    publicId: "9f2c",
    canExport: true,
    exporting: null,
    onExport,
    people: [
      { user_id: 3, name: "Dana", role: "interviewer", connections: 1 },
      { user_id: 9, name: "Obi", role: "observer", connections: 2 },
    ],
    following: null,
    onFollow,
    alert: null,
    onDismissAlert,
    readOnly: false,
    ...overrides,
  };
  const user = userEvent.setup();
  const { rerender } = render(<BoardToolbar {...props} />);
  return { onExport, onFollow, onDismissAlert, user, rerender: (next: Partial<Props>) => rerender(<BoardToolbar {...props} {...next} />) };
}

afterEach(cleanup);

describe("BoardToolbar downloads", () => {
  it("asks for a PNG, then an SVG", async () => {
    const { onExport, user } = renderToolbar();
    await user.click(screen.getByRole("button", { name: "Download PNG" }));
    await user.click(screen.getByRole("button", { name: "Download SVG" }));
    expect(onExport.mock.calls).toEqual([["png"], ["svg"]]);
  });

  it("asks for nothing while an export runs or before the board is ready", async () => {
    const { onExport, user, rerender } = renderToolbar({ exporting: "png" });
    await user.click(screen.getByRole("button", { name: "Preparing PNG…" }));
    await user.click(screen.getByRole("button", { name: "Download SVG" }));
    rerender({ exporting: null, canExport: false });
    await user.click(screen.getByRole("button", { name: "Download PNG" }));
    await user.click(screen.getByRole("button", { name: "Download SVG" }));
    expect(onExport).not.toHaveBeenCalled();
  });
});

describe("BoardToolbar follow mode", () => {
  it("follows the person picked, by user id", async () => {
    const { onFollow, user } = renderToolbar();
    await user.selectOptions(screen.getByRole("combobox", { name: "Follow" }), "Obi (observer)");
    expect(onFollow.mock.calls).toEqual([[9]]);
  });

  it("stops following with Nobody", async () => {
    const { onFollow, user } = renderToolbar({ following: 3 });
    await user.selectOptions(screen.getByRole("combobox", { name: "Follow" }), "Nobody");
    expect(onFollow.mock.calls).toEqual([[null]]);
  });
});

describe("BoardToolbar alert", () => {
  it("dismisses the board's message", async () => {
    const { onDismissAlert, user } = renderToolbar({ alert: { id: 1, text: "That image is too large." } });
    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(onDismissAlert).toHaveBeenCalledTimes(1);
  });
});
