"""Room test helpers: connect personas through the real ASGI stack."""

from __future__ import annotations

import itertools

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator

from mockroom.asgi import application
from tests.conftest import ORIGIN
from tests.interviews.conftest import PERSONAS, scheduled_round  # noqa: F401

__all__ = ["PERSONAS"]


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """The in-memory layer's queues belong to one event loop; give each test its own."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def room(session_cookie):
    """Returns an async function: (user, interview) -> (communicator, snapshot)."""
    opened: list[WebsocketCommunicator] = []

    async def connect(user, interview, *, expect_snapshot: bool = True, tab: str | None = None):
        cookie = await session_cookie(user)
        query = f"?tab={tab}" if tab is not None else ""
        ws = WebsocketCommunicator(
            application,
            f"/ws/interviews/{interview.public_id}/{query}",
            headers=[(b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())],
        )
        connected, code = await ws.connect(timeout=10)
        opened.append(ws)
        if not connected:
            return ws, code
        snapshot = await ws.receive_json_from(timeout=10) if expect_snapshot else None
        return ws, snapshot

    yield connect


_barrier_tokens = itertools.count(1)


async def drain(ws, *, max_rounds: int = 200) -> list[dict]:
    """Every frame queued for this socket before the call, by a positive barrier.

    The consumer takes one channel-layer message per pass of its loop, so a single ping
    can overtake broadcasts still waiting in its queue. We ping again and again, reading
    up to each pong, until a round trip brings nothing else: a channel message that was
    waiting when a ping was handled is sent right after that ping's pong, so it shows up
    before the next pong. An empty round trip therefore means the queue was empty when the
    previous ping was handled. Pongs are not returned.
    """
    frames: list[dict] = []
    for round_trip in range(max_rounds):
        token = float(next(_barrier_tokens))
        await ws.send_json_to({"type": "ping", "t": token})
        before = len(frames)
        while True:
            frame = await ws.receive_json_from(timeout=10)
            if frame.get("type") == "pong" and frame.get("t") == token:
                break
            frames.append(frame)
        if len(frames) == before and round_trip > 0:  # the first has no ping before it
            return frames
    raise AssertionError(f"the socket kept receiving for {max_rounds} round trips")


async def command(ws, type_: str, id_: str, **fields) -> dict:
    """Send a command and return the ack or error for it, skipping broadcast events."""
    await ws.send_json_to({"type": type_, "id": id_, **fields})
    while True:
        frame = await ws.receive_json_from(timeout=10)
        if frame.get("type") in ("ack", "error") and frame.get("id") == id_:
            return frame
