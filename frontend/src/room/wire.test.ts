import { describe, expect, it, vi } from "vitest";
import { WireTap, type TappableSocket } from "./wire";

class FakeSocket {
  readyState = 1;
  sent: string[] = [];
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  private listeners = new Map<string, Array<(event: { data?: unknown }) => void>>();
  addEventListener(type: string, listener: (event: { data?: unknown }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data?: unknown) {
    for (const l of this.listeners.get(type) ?? []) l({ data });
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {}
}

function nth<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

function setup() {
  const sockets: FakeSocket[] = [];
  const tap = new WireTap(() => {
    const s = new FakeSocket();
    sockets.push(s);
    return s as unknown as TappableSocket;
  });
  const frames = vi.fn();
  tap.subscribe(frames);
  return { tap, sockets, frames };
}

const cursor = { type: "cursor", pointer: { x: 1, y: 2, tool: "pointer" } } as const;

describe("WireTap", () => {
  it("sends only after the connection's snapshot", () => {
    const { tap, sockets } = setup();
    tap.createWebSocket("ws://x/");
    const ws = nth(sockets, 0);
    expect(tap.send(cursor)).toBe(false);
    ws.emit("message", JSON.stringify({ type: "snapshot" }));
    expect(tap.send(cursor)).toBe(true);
    expect(JSON.parse(nth(ws.sent, 0))).toEqual(cursor);
    ws.readyState = 3;
    expect(tap.send(cursor)).toBe(false);
  });

  it("passes on board.state and ephemeral frames of the current socket only", () => {
    const { tap, sockets, frames } = setup();
    tap.createWebSocket("ws://x/");
    tap.createWebSocket("ws://x/");
    const old = nth(sockets, 0);
    const current = nth(sockets, 1);
    old.emit("message", JSON.stringify({ type: "ephemeral", kind: "cursor" }));
    current.emit("message", JSON.stringify({ type: "ephemeral", kind: "cursor" }));
    current.emit("message", JSON.stringify({ type: "board.state", id: "v", seq: 1, board: {} }));
    current.emit("message", JSON.stringify({ type: "event", kind: "board.updated" }));
    current.emit("message", "not json ephemeral");
    expect(frames.mock.calls.map(([f]) => f.type)).toEqual(["ephemeral", "board.state"]);
  });

  it("stops sending once the socket closed", () => {
    const { tap, sockets } = setup();
    tap.createWebSocket("ws://x/");
    nth(sockets, 0).emit("message", JSON.stringify({ type: "snapshot" }));
    nth(sockets, 0).emit("close");
    expect(tap.send(cursor)).toBe(false);
  });
});
