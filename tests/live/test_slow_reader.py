"""A socket that stops reading cannot make the server hold its frames without bound.

Each socket's frames wait in one outbox (live/consumers.py); when the transport stops
taking them, because the client stopped reading and the TCP window closed, the outbox
fills, and past ROOM_OUTBOX_FRAMES the socket is closed with 4011. Its client reconnects
and resumes. The others in the room are not held up meanwhile.

This needs a real server that applies backpressure (uvicorn, the production server) and a
real TCP client with a small receive buffer that reads nothing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket

import pytest
import websockets

from tests.conftest import ORIGIN
from tests.live.cluster import Cluster, RoomClient, migrate_and_create_rooms

pytestmark = pytest.mark.slow

OUTBOX_FRAMES = 64
UPDATES = 300
FILLER_BYTES = 45_000  # random, so per-message deflate can't shrink it: ~60 KB a frame


# uvicorn, the production server. (granian 2.8 stalled its whole worker in one run of two
# here, every thread idle and every socket's acks stopped, once a reader stopped reading:
# docs/performance-relay.md. Daphne buffers unread frames without limit below the ASGI
# interface, where no application can see them: docs/adr/0010.)
@pytest.fixture(params=["uvicorn"])
def room_on_server(request, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ROOM_OUTBOX_FRAMES=str(OUTBOX_FRAMES),
        # This test is about reading, not about the sender's own limits.
        ROOM_RATE_PER_SECOND="100000",
        ROOM_BURST="100000",
        ROOM_BYTES_PER_SECOND=str(1 << 40),
        ROOM_BYTES_BURST=str(1 << 40),
    )
    room = migrate_and_create_rooms(env, ["slow"])["slow"]
    cluster = Cluster(env, tmp_path)
    server = cluster.start(request.param)
    try:
        yield cluster, server, room
    finally:
        cluster.stop()


def client(room, who: str) -> RoomClient:
    person = room[who]
    return RoomClient(
        who,
        user_id=person["user_id"],
        role=person["role"],
        session=person["session"],
        public_id=room["public_id"],
    )


async def stalled_socket(port: int, room) -> websockets.ClientConnection:
    """Ivy's second tab, which takes its snapshot and then never reads again: a tiny receive
    buffer and a one-message queue, so the kernel soon closes the TCP window."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, ("127.0.0.1", port))
    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/interviews/{room['public_id']}/",
        sock=raw,
        additional_headers={"Origin": ORIGIN, "Cookie": f"sessionid={room['ivy']['session']}"},
        max_queue=1,
        open_timeout=20,
    )
    first = json.loads(await ws.recv())
    assert first["type"] == "snapshot"
    return ws


def update(number: int) -> dict:
    element = {
        "id": f"note-{number}",
        "type": "text",
        "version": 1,
        "versionNonce": number,
        "text": base64.b64encode(os.urandom(FILLER_BYTES)).decode(),
    }
    return {"type": "board.update", "id": f"c-{number}", "elements": [element]}


async def test_a_socket_that_stops_reading_is_dropped_and_the_room_goes_on(room_on_server):
    cluster, server, room = room_on_server
    await cluster.ready(server)
    cole, ivy = client(room, "cole"), client(room, "ivy")
    await cole.connect(server)
    await ivy.connect(server)
    stalled = await stalled_socket(server.port, room)

    numbers = iter(range(UPDATES))
    async with asyncio.timeout(120):  # a server that stalls fails here, not by hanging
        await cole.pump(lambda: update(next(numbers)), window=32, cap=UPDATES)
    await cole.settle(within=120)
    assert not cole.errors
    # Ivy's reading tab got every update, while her other tab stalled.
    await ivy.wait(
        lambda: len([e for e in ivy.events.values() if e["kind"] == "board.updated"]) == UPDATES,
        within=60,
    )
    board = sorted(e["seq"] for e in ivy.events.values() if e["kind"] == "board.updated")
    assert board == sorted(cole.acks[f"c-{n}"][0]["seq"] for n in range(UPDATES))

    # The stalled tab was closed with 4011 long before it could be sent everything: what it
    # gets when it reads again is what the kernel and its outbox held, then the close.
    received = 0
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            try:
                frame = json.loads(await asyncio.wait_for(stalled.recv(), timeout=10))
            except TimeoutError:
                raise AssertionError(f"not closed; {received} events read") from None
            received += frame["type"] == "event"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4011
    assert received < UPDATES

    # The room goes on: Cole and Ivy are still answered, and nothing went wrong server-side.
    await ivy.ws.send(json.dumps({"type": "ping", "t": 1}))
    await ivy.wait(lambda: ivy.pongs > 0)
    await cole.close()
    await ivy.close()
    assert cluster.tracebacks() == []
