"""A raw WebSocket relay: the baseline that bench_relay.py compares Channels against.

    .venv/bin/python tests/load/raw_relay.py --port 8765 [--cpu 0]

Plain asyncio + `websockets`, one process, no database, no validation, no auth. A client
connects to `ws://127.0.0.1:PORT/room/<n>/<role>`; every text message it sends goes to the
other sockets on the same `/room/<n>` as-is. A `board.update` is also answered with
`{"type": "ack", "id": ..., "seq": ...}` (a per-room counter), so a client sees the same
message flow as on the real room, minus the durability.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from collections import defaultdict

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve

rooms: dict[str, set[ServerConnection]] = defaultdict(set)
seqs: dict[str, int] = defaultdict(int)


def room_of(path: str) -> str | None:
    """`/room/12/candidate` → `/room/12`."""
    parts = path.strip("/").split("/")
    if len(parts) < 2 or parts[0] != "room":
        return None
    return f"/room/{parts[1]}"


async def relay(ws: ServerConnection) -> None:
    room = room_of(ws.request.path if ws.request else "")
    if room is None:
        await ws.close(code=4004, reason="use /room/<n>/<role>")
        return
    peers = rooms[room]
    peers.add(ws)
    try:
        async for message in ws:
            if isinstance(message, bytes):
                continue
            others = [peer for peer in peers if peer is not ws]
            if others:
                broadcast(others, message)
            # Only board updates are answered; look before parsing so cursors stay cheap.
            if '"board.update"' in message:
                content = orjson.loads(message)
                if content.get("type") == "board.update":
                    seqs[room] += 1
                    ack = {"type": "ack", "id": content.get("id"), "seq": seqs[room]}
                    await ws.send(orjson.dumps(ack).decode())
    finally:
        peers.discard(ws)
        if not peers:
            rooms.pop(room, None)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(
        relay,
        "127.0.0.1",
        port,
        compression=None,
        ping_interval=None,
        max_size=512 * 1024,
    ):
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cpu", type=int, help="pin this process to one core")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    asyncio.run(main(args.port))
