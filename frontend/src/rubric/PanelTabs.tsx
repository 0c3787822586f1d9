/**
 * The side panel's tabs (WAI-ARIA tabs pattern): one Tab stop for the whole list, arrow keys,
 * Home and End move between tabs and open them.
 */
import type { KeyboardEvent } from "react";

export type PanelTab = "prompt" | "rubric" | "notes";

export const TAB_LABELS: Record<PanelTab, string> = {
  prompt: "Prompt",
  rubric: "Rubric",
  notes: "Notes",
};

/** Fixed ids: the skip links point at them, and a page holds one room. */
export const panelId = (tab: PanelTab) => `room-panel-${tab}`;
export const tabId = (tab: PanelTab) => `room-tab-${tab}`;

/** The tabs a role gets: the candidate has no notes. */
export function tabsFor(role: "interviewer" | "observer" | "candidate"): PanelTab[] {
  return role === "candidate" ? ["prompt", "rubric"] : ["prompt", "rubric", "notes"];
}

/** Which tab opens first: the rubric for staff (they score), the prompt for the candidate. */
export function defaultTab(role: "interviewer" | "observer" | "candidate"): PanelTab {
  return role === "candidate" ? "prompt" : "rubric";
}

/** The tab a key press moves to, or null for other keys. Pure. */
export function tabAfterKey(tabs: readonly PanelTab[], current: PanelTab, key: string): PanelTab | null {
  const index = tabs.indexOf(current);
  if (index < 0 || tabs.length === 0) return null;
  switch (key) {
    case "ArrowRight":
    case "ArrowDown":
      return tabs[(index + 1) % tabs.length] ?? null;
    case "ArrowLeft":
    case "ArrowUp":
      return tabs[(index - 1 + tabs.length) % tabs.length] ?? null;
    case "Home":
      return tabs[0] ?? null;
    case "End":
      return tabs[tabs.length - 1] ?? null;
    default:
      return null;
  }
}

interface PanelTabsProps {
  tabs: readonly PanelTab[];
  active: PanelTab;
  /** The panel is shown (not collapsed into its tab bar). */
  open: boolean;
  onSelect: (tab: PanelTab) => void;
}

export function PanelTabs({ tabs, active, open, onSelect }: PanelTabsProps) {
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const next = tabAfterKey(tabs, active, event.key);
    if (next === null) return;
    event.preventDefault();
    onSelect(next);
    document.getElementById(tabId(next))?.focus();
  };
  return (
    <div className="room-tabs" role="tablist" aria-label="Side panel">
      {tabs.map((tab) => {
        const selected = tab === active && open;
        return (
          <button
            key={tab}
            id={tabId(tab)}
            type="button"
            role="tab"
            className="room-tab"
            aria-selected={selected}
            aria-controls={panelId(tab)}
            tabIndex={tab === active ? 0 : -1}
            data-testid={`tab-${tab}`}
            onClick={() => onSelect(tab)}
            onKeyDown={onKeyDown}
          >
            {TAB_LABELS[tab]}
          </button>
        );
      })}
    </div>
  );
}
