"""Connection-level abuse through the production topology (ops/cluster.py: nginx with the room
hash, 2 uvicorn workers, PostgreSQL, Redis). Each abuser gets a clear refusal, and the other
participant in the room is still answered meanwhile:

- one user opening more room sockets than ROOM_MAX_CONNECTIONS_PER_USER: the extra ones are
  told `too_many_connections` and closed with 4029;
- sockets that never send their handshake (or send half of it): nginx closes them after its
  `client_header_timeout` (10 s), and they never reach a worker;
- a socket that stops reading, behind nginx (proxy buffering off): the worker's outbox fills,
  it is closed with 4011, and when the client reads again it gets what the buffers held, then
  that close.

One cluster for the module (it takes ~10 s to start); each case has a round of its own.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
from types import SimpleNamespace
from typing import Any

import pytest
import websockets

from ops.cluster import Topology
from tests.live.cluster import RoomClient, migrate_and_create_rooms

pytestmark = pytest.mark.slow

MAX_CONNECTIONS = 3
OUTBOX_FRAMES = 64
HEADER_TIMEOUT = 10  # deploy/nginx-loopback.conf: client_header_timeout
ROUNDS = ["flood", "split", "silent", "stalled"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    topology = Topology(
        tmp_path_factory.mktemp("hostile"),
        workers=2,
        extra_env={
            "ROOM_MAX_CONNECTIONS_PER_USER": str(MAX_CONNECTIONS),
            "ROOM_OUTBOX_FRAMES": str(OUTBOX_FRAMES),
            # The slow reader's peer sends fast; that case is about reading, not sending.
            "ROOM_RATE_PER_SECOND": "100000",
            "ROOM_BURST": "100000",
            "ROOM_BYTES_PER_SECOND": str(1 << 40),
            "ROOM_BYTES_BURST": str(1 << 40),
        },
    )
    topology.start()
    try:
        rooms = migrate_and_create_rooms(topology.env, ROUNDS)
        yield SimpleNamespace(topology=topology, rooms=rooms)
    finally:
        topology.stop()
    tracebacks = [part.tail(80) for part in topology.workers if "Traceback" in part.log.read_text()]
    assert tracebacks == []


def nginx(topology: Topology, pinned: int | None = None) -> SimpleNamespace:
    """An address for RoomClient.connect: nginx's hashed entrance, or a pinned one."""
    url = topology.url if pinned is None else topology.pinned_url(pinned)
    return SimpleNamespace(port=int(url.rsplit(":", 1)[1]), origin=url)


class ThroughNginx(RoomClient):
    """RoomClient whose handshake carries the cluster's origin (its CSRF_TRUSTED_ORIGINS)
    rather than the test settings' http://localhost."""

    async def connect(self, entrance: Any) -> dict[str, Any]:
        ws = await open_socket(entrance, self.path, self.cookie)
        async with asyncio.timeout(20):
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "snapshot":
                    break
                await self._take(frame)
        if self.base_seq is None:
            self.base_seq = frame["seq"]
            self.base_streams = {k: v for k, v in frame["streams"].items() if v is not None}
        self.ws, self.daphne = ws, entrance
        self.outstanding = set()
        self.frozen = False
        self.reader = asyncio.create_task(self._read(ws))
        return frame


async def open_socket(
    entrance: Any, path: str, cookie: str, **options: Any
) -> websockets.ClientConnection:
    return await websockets.connect(
        f"ws://127.0.0.1:{entrance.port}{path}",
        additional_headers={"Origin": entrance.origin, "Cookie": cookie},
        open_timeout=20,
        **options,
    )


def participant(room: dict[str, Any], who: str) -> ThroughNginx:
    person = room[who]
    return ThroughNginx(
        who,
        user_id=person["user_id"],
        role=person["role"],
        session=person["session"],
        public_id=room["public_id"],
    )


def board_update(number: int, text: str = "") -> dict[str, Any]:
    element = {
        "id": f"note-{number}",
        "type": "text",
        "version": 1,
        "versionNonce": number,
        "text": text or f"note {number}",
    }
    return {"type": "board.update", "id": f"c-{number}", "elements": [element]}


async def first_frames(ws: websockets.ClientConnection) -> list[dict[str, Any]]:
    """Every frame until the server closes the socket (or 20 s pass)."""
    frames = []
    async with asyncio.timeout(20):
        try:
            async for raw in ws:
                frames.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass
    return frames


# --- A connection flood from one user -------------------------------------------------------


async def test_one_user_past_the_socket_limit_is_refused_and_the_room_goes_on(cluster):
    room = cluster.rooms["flood"]
    entrance = nginx(cluster.topology)
    cole = participant(room, "cole")
    await cole.connect(entrance)
    tabs = [participant(room, "ivy") for _ in range(MAX_CONNECTIONS)]
    for tab in tabs:
        await tab.connect(entrance)

    extra = [await open_socket(entrance, tabs[0].path, tabs[0].cookie) for _ in range(4)]
    for ws in extra:
        frames = await first_frames(ws)
        assert [f["type"] for f in frames] == ["error"], frames
        assert frames[0]["code"] == "too_many_connections"
        assert ws.close_code == 4029

    # The room is not held up: Cole's command and one of Ivy's are acknowledged.
    await cole.command("board.update", "c-1", elements=board_update(1)["elements"])
    await tabs[0].command("board.update", "i-1", elements=board_update(2)["elements"])
    await cole.wait_for_event(
        lambda e: e["kind"] == "board.updated" and e["actor"]["user_id"] == room["ivy"]["user_id"]
    )
    # A tab closed frees its place.
    await tabs[0].close()
    replacement = participant(room, "ivy")
    await replacement.connect(entrance)
    for client in [cole, replacement, *tabs[1:]]:
        await client.close()


# --- Sockets that never send their handshake ----------------------------------------------


SILENT = 200
HALF_SENT = 20


async def test_sockets_that_never_finish_their_handshake_are_closed_by_nginx(cluster):
    room = cluster.rooms["silent"]
    topology = cluster.topology
    opened = time.monotonic()
    silent = [await asyncio.open_connection("127.0.0.1", topology.port) for _ in range(SILENT)]
    # Slowloris: a request line and one header, then nothing.
    half = [await asyncio.open_connection("127.0.0.1", topology.port) for _ in range(HALF_SENT)]
    for _, writer in half:
        writer.write(f"GET /ws/interviews/{room['public_id']}/ HTTP/1.1\r\nHost: 127".encode())
        await writer.drain()

    # Meanwhile a real participant connects and gets the room at once.
    cole = participant(room, "cole")
    started = time.monotonic()
    snapshot = await cole.connect(nginx(topology))
    assert snapshot["type"] == "snapshot"
    assert time.monotonic() - started < 5
    await cole.command("board.update", "c-1", elements=board_update(1)["elements"])

    async def closed_after(reader: asyncio.StreamReader) -> float:
        while await reader.read(4096):
            pass
        return time.monotonic() - opened

    async with asyncio.timeout(HEADER_TIMEOUT + 10):
        seconds = await asyncio.gather(*(closed_after(r) for r, _ in [*silent, *half]))
    # Closed by the header timeout (not refused, and not left open).
    assert min(seconds) >= HEADER_TIMEOUT - 1
    for _, writer in [*silent, *half]:
        writer.close()

    # The room is still answered after they are gone.
    await cole.command("board.update", "c-2", elements=board_update(2)["elements"])
    await cole.close()
    assert all(
        cluster.topology.health(cluster.topology.pinned_url(i))["status"] == "ok" for i in range(2)
    )


# --- A socket that stops reading, behind nginx -------------------------------------------


UPDATES = 600
FILLER_BYTES = 45_000  # random, so per-message deflate can't shrink it: ~60 KB a frame


async def stalled_socket(entrance: Any, room: dict[str, Any]) -> websockets.ClientConnection:
    """Ivy's second tab, which takes its snapshot and then never reads again: a tiny receive
    buffer and a one-message queue, so the kernel soon closes the TCP window to nginx."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, ("127.0.0.1", entrance.port))
    ws = await open_socket(
        entrance,
        f"/ws/interviews/{room['public_id']}/",
        f"sessionid={room['ivy']['session']}",
        sock=raw,
        max_queue=1,
    )
    first = json.loads(await ws.recv())
    assert first["type"] == "snapshot"
    return ws


async def test_a_socket_that_stops_reading_behind_nginx_is_dropped_and_the_room_goes_on(cluster):
    room = cluster.rooms["stalled"]
    entrance = nginx(cluster.topology)
    cole, ivy = participant(room, "cole"), participant(room, "ivy")
    await cole.connect(entrance)
    await ivy.connect(entrance)
    stalled = await stalled_socket(entrance, room)

    def update(number: int) -> dict[str, Any]:
        return board_update(number, base64.b64encode(os.urandom(FILLER_BYTES)).decode())

    numbers = iter(range(UPDATES))
    async with asyncio.timeout(180):
        await cole.pump(lambda: update(next(numbers)), window=32, cap=UPDATES)
    await cole.settle(within=120)
    assert not cole.errors
    await ivy.wait(
        lambda: len([e for e in ivy.events.values() if e["kind"] == "board.updated"]) == UPDATES,
        within=90,
    )

    # The stalled tab reads again: what nginx and the kernels held, then the worker's 4011.
    received = 0
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            try:
                frame = json.loads(await asyncio.wait_for(stalled.recv(), timeout=15))
            except TimeoutError:
                raise AssertionError(f"not closed; {received} events read") from None
            received += frame["type"] == "event"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4011, (
        f"closed without 4011 after {received} events: {closed.value!r}"
    )
    assert received < UPDATES
    print(f"stalled tab: {received} of {UPDATES} events reached it before 4011")

    await ivy.ws.send(json.dumps({"type": "ping", "t": 1}))
    await ivy.wait(lambda: ivy.pongs > 0)
    await cole.close()
    await ivy.close()
