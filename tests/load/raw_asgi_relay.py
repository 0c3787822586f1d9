"""The raw relay as the smallest possible ASGI app: the floor of each ASGI server.

    PYTHONPATH=tests/load .venv/bin/daphne -p 8765 raw_asgi_relay:app
    PYTHONPATH=tests/load .venv/bin/uvicorn --port 8765 --loop uvloop --http httptools \
        --ws websockets raw_asgi_relay:app
    PYTHONPATH=tests/load .venv/bin/granian --interface asgi --workers 1 --port 8765 \
        raw_asgi_relay:app

The same relay as tests/load/raw_relay.py (rooms in a dict, no Django, no database, no
validation, no auth), served through ASGI so that bench_relay.py can measure what each
server costs before any of our code runs. A client connects to
`ws://HOST:PORT/room/<n>/<role>`; every text frame it sends goes verbatim to the other
sockets of `/room/<n>`, and a `board.update` is also answered with
`{"type": "ack", "id": ..., "seq": ...}` (a per-room counter).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

rooms: dict[str, list[Send]] = {}
seqs: dict[str, int] = {}


def room_of(path: str) -> str | None:
    """`/room/12/candidate` → `/room/12`."""
    parts = path.strip("/").split("/")
    if len(parts) < 2 or parts[0] != "room":
        return None
    return f"/room/{parts[1]}"


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    room = room_of(scope["path"])
    await receive()  # websocket.connect
    if room is None:
        await send({"type": "websocket.close", "code": 4004})
        return
    await send({"type": "websocket.accept"})
    peers = rooms.setdefault(room, [])
    peers.append(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                continue
            frame = {"type": "websocket.send", "text": text}
            for peer in peers:
                if peer is not send:
                    # A peer that has just gone costs only that peer its frame.
                    with contextlib.suppress(Exception):
                        await peer(frame)
            # Only board updates are answered; look before parsing so cursors stay cheap.
            if '"board.update"' in text:
                content = orjson.loads(text)
                if content.get("type") == "board.update":
                    seqs[room] = seqs.get(room, 0) + 1
                    ack = {"type": "ack", "id": content.get("id"), "seq": seqs[room]}
                    await send({"type": "websocket.send", "text": orjson.dumps(ack).decode()})
    finally:
        peers.remove(send)
        if not peers:
            rooms.pop(room, None)
            seqs.pop(room, None)
