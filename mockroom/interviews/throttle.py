"""How many rounds one user may create: one allowance shared by the API and the form.

Two fixed windows counted in Django's cache (Redis in a cluster, so every worker counts
against the same numbers): at most `ROUND_CREATE_BURST` rounds in any one clock minute and
`ROUND_CREATES_PER_HOUR` in the clock hour. Each window is one atomic `incr`, so requests
racing on several workers never both take the last place. A limit of 0 turns its window off.

The caller asks just before it creates (after its own validation), so a refused form costs
nothing; a refused attempt is counted, so hammering does not earn places back early.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

MINUTE = 60
HOUR = 3600


@dataclass(frozen=True)
class RoundCreateRefused:
    """Why a round was not created, and when the user may try again."""

    limit: int
    window: str
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        return (
            f"You have created {self.limit} rounds this {self.window}, the most allowed. "
            f"Try again in {_spell_seconds(self.retry_after)}."
        )


def round_create_refusal(*, user_id: int) -> RoundCreateRefused | None:
    """Take one round creation from the user's allowance; returns the refusal when none is
    left, or None (go ahead)."""
    moment = time.time()
    windows = (
        (MINUTE, "minute", int(settings.ROUND_CREATE_BURST)),
        (HOUR, "hour", int(settings.ROUND_CREATES_PER_HOUR)),
    )
    for length, name, limit in windows:
        if limit <= 0:
            continue
        index = int(moment // length)
        if _count(f"throttle:round-create:{user_id}:{length}:{index}", length) > limit:
            retry_after = max(1, math.ceil((index + 1) * length - moment))
            return RoundCreateRefused(limit=limit, window=name, retry_after=retry_after)
    return None


def _count(key: str, window: int) -> int:
    """One more in this window's counter; returns the new count."""
    cache.add(key, 0, timeout=window + 60)  # outlives its window a little, then expires
    try:
        return cache.incr(key)
    except ValueError:  # it expired between the two calls: this is the first of a new one
        cache.add(key, 0, timeout=window + 60)
        return cache.incr(key)


def _spell_seconds(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds" if seconds != 1 else "1 second"
    return f"{math.ceil(seconds / 60)} minutes"
