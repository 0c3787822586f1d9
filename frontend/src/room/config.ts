/** Reads the room's settings from the mount element's data attributes (set by Django). */

export type Role = "interviewer" | "candidate" | "observer";

export interface RoomConfig {
  publicId: string;
  /** Path of the room's WebSocket, e.g. "/ws/interviews/<public_id>/". */
  wsPath: string;
  /** The round's page: where everyone goes once the round ends. */
  roundUrl: string;
  /** This person's feedback form: where the room takes everyone once the round ends. */
  feedbackUrl: string;
  userId: number | null;
  /** The role the page was rendered for; the snapshot's `me.role` wins once it arrives. */
  role: Role | null;
}

const ROLES: readonly string[] = ["interviewer", "candidate", "observer"];

/** Pure: from a DOMStringMap-like record. Returns null when required attributes are missing. */
export function readRoomConfig(data: Readonly<Record<string, string | undefined>>): RoomConfig | null {
  const publicId = data.publicId?.trim() ?? "";
  const wsPath = data.wsPath?.trim() ?? "";
  if (!publicId || !wsPath) return null;
  const userId = Number.parseInt(data.userId ?? "", 10);
  const role = data.role?.trim() ?? "";
  return {
    publicId,
    wsPath,
    roundUrl: data.roundUrl?.trim() || `/interviews/${publicId}/`,
    feedbackUrl: data.feedbackUrl?.trim() || `/interviews/${publicId}/feedback/`,
    userId: Number.isFinite(userId) ? userId : null,
    role: ROLES.includes(role) ? (role as Role) : null,
  };
}
