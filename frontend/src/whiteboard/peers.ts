/**
 * Other people on the board: their cursors (drawn by Excalidraw as collaborators) and
 * their viewports (for follow mode). Pure helpers; RoomBoard wires them to Excalidraw.
 */
import type { Cursor, PersonOut, PresenceOut, Viewport } from "../protocol";

export const CURSOR_INTERVAL_MS = 50; // ≤ 20 per second
export const VIEWPORT_INTERVAL_MS = 200; // ≤ 5 per second
/** Selected ids shared with others: enough to highlight, small enough to send often. */
export const MAX_SHARED_SELECTION = 100;

export interface PeerCursor {
  pointer: { x: number; y: number; tool: "pointer" | "laser" };
  button: "down" | "up";
  selected: string[];
}

export type PeerViewport = Omit<Viewport, "type">;

/** What Excalidraw's `collaborators` map holds per person (a subset of its Collaborator). */
export interface PeerCollaborator {
  id: string;
  socketId: string;
  username: string;
  pointer?: PeerCursor["pointer"];
  button?: "down" | "up";
  selectedElementIds?: Record<string, true>;
}

export function peerLabel(person: Pick<PersonOut, "name" | "role">): string {
  return `${person.name} (${person.role})`;
}

/** Excalidraw keys collaborators by "socket id"; one person (all their tabs) is one key. */
export function peerKey(userId: number): string {
  return `user-${userId}`;
}

export function userIdFromKey(key: string): number | null {
  const match = /^user-(\d+)$/.exec(key);
  return match ? Number(match[1]) : null;
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function parseCursor(payload: Record<string, unknown>): PeerCursor | null {
  const pointer = payload.pointer as Partial<Cursor["pointer"]> | undefined;
  if (typeof pointer !== "object" || pointer === null || !finite(pointer.x) || !finite(pointer.y)) return null;
  const selected = Array.isArray(payload.selected)
    ? payload.selected.filter((id): id is string => typeof id === "string").slice(0, MAX_SHARED_SELECTION)
    : [];
  return {
    pointer: { x: pointer.x, y: pointer.y, tool: pointer.tool === "laser" ? "laser" : "pointer" },
    button: payload.button === "down" ? "down" : "up",
    selected,
  };
}

export function parseViewport(payload: Record<string, unknown>): PeerViewport | null {
  const { scrollX, scrollY, zoom, width, height } = payload;
  if (!finite(scrollX) || !finite(scrollY) || !finite(zoom) || !finite(width) || !finite(height)) return null;
  if (zoom <= 0 || width <= 0 || height <= 0) return null;
  return { scrollX, scrollY, zoom, width, height };
}

/** Excalidraw's zoom range. */
const MIN_ZOOM = 0.1;
const MAX_ZOOM = 30;

/**
 * Where to scroll so that my view is centred where the leader's is, at their zoom.
 * A scene point p shows at screen (p + scroll) * zoom, so the leader's centre is
 * width / 2 / zoom - scrollX.
 */
export function followViewport(
  leader: PeerViewport,
  mine: { width: number; height: number },
): { scrollX: number; scrollY: number; zoom: number } {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, leader.zoom));
  const centreX = leader.width / 2 / leader.zoom - leader.scrollX;
  const centreY = leader.height / 2 / leader.zoom - leader.scrollY;
  return {
    scrollX: mine.width / 2 / zoom - centreX,
    scrollY: mine.height / 2 / zoom - centreY,
    zoom,
  };
}

export function sameViewport(a: PeerViewport | null, b: PeerViewport): boolean {
  if (!a) return false;
  const near = (x: number, y: number, eps: number) => Math.abs(x - y) <= eps;
  return (
    near(a.scrollX, b.scrollX, 0.5) &&
    near(a.scrollY, b.scrollY, 0.5) &&
    near(a.zoom, b.zoom, 1e-4) &&
    a.width === b.width &&
    a.height === b.height
  );
}

/**
 * The collaborators to show: everyone present but me, with their last cursor if any.
 * Ordered by name so the avatar list is stable.
 */
export function collaboratorsFor(
  presence: ReadonlyMap<number, PresenceOut>,
  meId: number | null,
  cursors: ReadonlyMap<number, PeerCursor>,
): Map<string, PeerCollaborator> {
  const people = [...presence.values()]
    .filter((person) => person.user_id !== meId)
    .sort((a, b) => a.name.localeCompare(b.name) || a.user_id - b.user_id);
  const map = new Map<string, PeerCollaborator>();
  for (const person of people) {
    const key = peerKey(person.user_id);
    const cursor = cursors.get(person.user_id);
    const entry: PeerCollaborator = { id: key, socketId: key, username: peerLabel(person) };
    if (cursor) {
      entry.pointer = cursor.pointer;
      entry.button = cursor.button;
      entry.selectedElementIds = Object.fromEntries(cursor.selected.map((id) => [id, true as const]));
    }
    map.set(key, entry);
  }
  return map;
}

/** People to offer in "Follow": present, not me. */
export function followCandidates(presence: ReadonlyMap<number, PresenceOut>, meId: number | null): PresenceOut[] {
  return [...presence.values()]
    .filter((person) => person.user_id !== meId)
    .sort((a, b) => a.name.localeCompare(b.name) || a.user_id - b.user_id);
}

/**
 * Calls `send` at most once per `intervalMs`, always with the latest value: the first
 * call after a quiet spell goes at once, later ones are coalesced into one trailing call.
 */
export class Throttle<T> {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: { value: T } | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  push(value: T): void {
    this.pending = { value };
    if (this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.fire();
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
  }

  private fire(): void {
    this.timer = undefined;
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    this.last = this.now();
    this.send(pending.value);
  }
}
