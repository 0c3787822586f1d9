"""Unguessable tokens and the hashes we store instead of them."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 24  # 192 bits, above the 128-bit floor.


def new_token() -> str:
    """A fresh URL-safe token with at least 128 bits of entropy."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 of a token; only this is stored, so a database leak reveals no live links."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Compare in constant time."""
    return hmac.compare_digest(hash_token(token), stored_hash)


def new_public_id() -> str:
    """A short public id for URLs: 128 random bits as hex, never a sequential key."""
    return secrets.token_hex(16)
