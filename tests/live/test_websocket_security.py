"""The WebSocket stack: origin validation, then session auth, through the real ASGI app."""

import pytest
from channels.testing import WebsocketCommunicator

from mockroom.asgi import application
from tests.conftest import ORIGIN

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(*, origin: str | None, cookie: str | None) -> WebsocketCommunicator:
    headers = []
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/ping/", headers=headers)


async def test_right_origin_and_session_is_accepted_and_pongs(alice, session_cookie):
    ws = communicator(origin=ORIGIN, cookie=await session_cookie(alice))
    connected, _ = await ws.connect(timeout=10)
    assert connected
    await ws.send_json_to({"type": "ping", "t": 123})
    reply = await ws.receive_json_from(timeout=10)
    assert reply["type"] == "pong"
    assert reply["t"] == 123
    assert isinstance(reply["server_time"], int)
    await ws.disconnect()


async def test_unknown_message_gets_an_error_frame(alice, session_cookie):
    ws = communicator(origin=ORIGIN, cookie=await session_cookie(alice))
    assert (await ws.connect(timeout=10))[0]
    await ws.send_json_to({"type": "drop_tables"})
    assert await ws.receive_json_from(timeout=10) == {"type": "error", "code": "unknown_type"}
    await ws.disconnect()


async def test_missing_origin_is_rejected(alice, session_cookie):
    ws = communicator(origin=None, cookie=await session_cookie(alice))
    connected, _ = await ws.connect(timeout=10)
    assert not connected
    await ws.disconnect()


async def test_foreign_origin_is_rejected(alice, session_cookie):
    ws = communicator(origin="https://evil.example", cookie=await session_cookie(alice))
    connected, _ = await ws.connect(timeout=10)
    assert not connected
    await ws.disconnect()


async def test_no_session_is_rejected(db):
    ws = communicator(origin=ORIGIN, cookie=None)
    connected, code = await ws.connect(timeout=10)
    assert not connected
    assert code == 4401
    await ws.disconnect()


async def test_forged_session_is_rejected(db):
    ws = communicator(origin=ORIGIN, cookie="sessionid=not-a-real-session")
    connected, _ = await ws.connect(timeout=10)
    assert not connected
    await ws.disconnect()
