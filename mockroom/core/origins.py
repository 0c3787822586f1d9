"""WebSocket Origin check on whole origins: scheme, host and port.

Channels' `AllowedHostsOriginValidator` compares only the host name, so `http://host:9999`
passes for a site served at `https://host`. Here an origin is accepted when it is the
request's own origin (same scheme, host and port as the Host header, the host being one of
ALLOWED_HOSTS), or when it is listed in CSRF_TRUSTED_ORIGINS, the one list of trusted
cross origins the HTTP side already uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": "80", "https": "443"}


def normalize(origin: str) -> tuple[str, str, str] | None:
    """(scheme, host, port) of an origin, with the scheme's default port filled in."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    return parts.scheme, parts.hostname.lower(), str(port or DEFAULT_PORTS[parts.scheme])


def origin_allowed(
    origin: str,
    *,
    host_header: str,
    secure: bool,
    allowed_hosts: Iterable[str],
    trusted_origins: Iterable[str],
) -> bool:
    """Is `origin` this site itself (as the Host header names it), or a trusted origin?"""
    wanted = normalize(origin)
    if wanted is None:
        return False
    if any(normalize(trusted) == wanted for trusted in trusted_origins):
        return True
    domain, port = split_domain_port(host_header)
    if not domain or not validate_host(domain, list(allowed_hosts)):
        return False
    scheme = "https" if secure else "http"
    # Django keeps an IPv6 literal's brackets; urlsplit's hostname drops them.
    return wanted == (scheme, domain.lower().strip("[]"), port or DEFAULT_PORTS[scheme])


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def scope_is_secure(scope: dict[str, Any]) -> bool:
    """wss, or behind a proxy that says so in SECURE_PROXY_SSL_HEADER (as Django does)."""
    if scope.get("scheme") == "wss":
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        meta_name, expected = proxy
        header = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode()
        return _header(scope, header).split(",")[0].strip() == expected
    return False


class OriginValidator:
    """ASGI middleware: refuse the WebSocket handshake unless the Origin is allowed."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            origin = _header(scope, b"origin")
            allowed = bool(origin) and origin_allowed(
                origin,
                host_header=_header(scope, b"host"),
                secure=scope_is_secure(scope),
                allowed_hosts=settings.ALLOWED_HOSTS,
                trusted_origins=settings.CSRF_TRUSTED_ORIGINS,
            )
            if not allowed:
                await receive()  # the websocket.connect message
                await send({"type": "websocket.close"})
                return None
        return await self.application(scope, receive, send)
