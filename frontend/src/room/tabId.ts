/**
 * One id per page load, sent as `?tab=` on the room's WebSocket URL. Every reconnect of this
 * page carries the same id, so a server can count a person's open tabs (distinct ids) rather
 * than their connections, which a reconnect briefly doubles while the old socket times out.
 * The server stores it with each connection and counts distinct ids (live/services.py).
 */
import { randomSessionPrefix } from "../transport/ids";

export function withTabId(url: string, tab: string): string {
  const separator = url.includes("?") ? "&" : "?";
  return `${url}${separator}tab=${encodeURIComponent(tab)}`;
}

export function newTabId(): string {
  return randomSessionPrefix(12);
}
