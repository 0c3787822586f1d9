"""The WebSocket Origin check compares whole origins: scheme, host and port."""

import pytest
from channels.testing import WebsocketCommunicator

from mockroom.asgi import application
from mockroom.core.origins import origin_allowed

HOSTS = ["mockroom.example", "127.0.0.1", "[::1]"]


def allowed(origin: str, host: str, *, secure: bool = False, trusted=()) -> bool:
    return origin_allowed(
        origin, host_header=host, secure=secure, allowed_hosts=HOSTS, trusted_origins=trusted
    )


@pytest.mark.parametrize(
    ("origin", "host", "secure", "expected"),
    [
        ("https://mockroom.example", "mockroom.example", True, True),
        ("https://mockroom.example:443", "mockroom.example", True, True),
        ("http://mockroom.example", "mockroom.example", True, False),  # scheme differs
        ("https://mockroom.example:8443", "mockroom.example", True, False),  # port differs
        ("http://127.0.0.1:8000", "127.0.0.1:8000", False, True),
        ("http://127.0.0.1:9999", "127.0.0.1:8000", False, False),
        ("http://[::1]:8000", "[::1]:8000", False, True),
        ("https://evil.example", "evil.example", True, False),  # host not in ALLOWED_HOSTS
        ("https://mockroom.example.evil.example", "mockroom.example", True, False),
        ("null", "mockroom.example", True, False),
        ("https://mockroom.example/path", "mockroom.example", True, False),
        ("javascript://mockroom.example", "mockroom.example", True, False),
        ("http://127.0.0.1:notaport", "127.0.0.1", False, False),
    ],
)
def test_only_the_sites_own_origin_is_accepted(origin, host, secure, expected):
    assert allowed(origin, host, secure=secure) is expected


def test_a_trusted_origin_is_accepted_whole_and_only_whole():
    trusted = ["https://app.mockroom.example"]
    assert allowed("https://app.mockroom.example", "mockroom.example", trusted=trusted)
    assert allowed("https://app.mockroom.example:443", "x", trusted=trusted)
    assert not allowed("http://app.mockroom.example", "mockroom.example", trusted=trusted)
    assert not allowed("https://app.mockroom.example:444", "mockroom.example", trusted=trusted)


def handshake(origin: str, host: str, extra=()) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", host.encode()), *extra]
    return WebsocketCommunicator(application, "/ws/ping/", headers=headers)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "extra", "accepted"),
    [
        ("http://127.0.0.1:8000", (), True),
        ("http://127.0.0.1:9000", (), False),
        ("https://127.0.0.1:8000", (), False),
        ("https://127.0.0.1:8000", ((b"x-forwarded-proto", b"https"),), True),
    ],
)
async def test_the_handshake_checks_scheme_and_port(
    settings, alice, session_cookie, origin, extra, accepted
):
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    cookie = (b"cookie", (await session_cookie(alice)).encode())
    ws = handshake(origin, "127.0.0.1:8000", (*extra, cookie))
    connected, _ = await ws.connect(timeout=10)
    assert connected is accepted
    await ws.disconnect()
