"""What `/metrics` exposes, in Prometheus format, through prometheus-client.

The room runtime calls the small functions below; nothing else in the app touches the
metric objects. Every call is per socket or per writer batch, never per message, and label
children are bound once here, so the hot path pays a lock and an add.

One process or many:

- One process (`make run`): the metrics live in prometheus-client's default registry, with
  its process and GC collectors.
- N workers behind nginx: a scrape reaches one worker, yet must see them all. Set
  `PROMETHEUS_MULTIPROC_DIR` to an empty directory, writable by every worker, in the
  environment the workers *start* with (prometheus-client reads it at import). Each
  process then writes its values to files there, and `/metrics` sums the files of every
  worker into a fresh registry (`MultiProcessCollector`).

  The operator's part: empty the directory before the workers start (e.g. an
  `ExecStartPre` in the unit), and when a worker dies and is replaced, call
  `prometheus_client.multiprocess.mark_process_dead(pid)` so that its gauges (live rooms,
  sockets: mode "livesum") stop counting. Counters and histograms of dead workers are
  kept on purpose: their totals must never go down.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = ["CONTENT_TYPE_LATEST", "exposition"]

LIVE_ROOMS = Gauge(
    "mockroom_live_rooms",
    "Rooms with at least one socket in this process (summed over live workers).",
    multiprocess_mode="livesum",
)
ROOM_SOCKETS = Gauge(
    "mockroom_room_sockets",
    "Open room sockets (summed over live workers).",
    multiprocess_mode="livesum",
)
WRITER_BATCH_COMMANDS = Histogram(
    "mockroom_writer_batch_commands",
    "Commands in one group commit of the room writer.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
)
WRITER_COMMIT_SECONDS = Histogram(
    "mockroom_writer_commit_seconds",
    "Time the room writer's group-commit transaction took.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
EVENTS_COMMITTED = Counter(
    "mockroom_room_events_committed",
    "Room events committed by the room writer; rate() gives events per second.",
)
CONNECTIONS_REFUSED = Counter(
    "mockroom_room_connections_refused",
    "Room sockets refused by the per-user limits, by reason.",
    ["reason"],
)
# The reasons mockroom/live/limits.py gives, bound once (others are bound on first use).
_refused = {
    reason: CONNECTIONS_REFUSED.labels(reason=reason)
    for reason in ("too_many_connections", "reconnecting_too_fast")
}


def socket_joined(*, first_in_room: bool) -> None:
    """A socket joined a room in this process (the room's first one: one more live room)."""
    ROOM_SOCKETS.inc()
    if first_in_room:
        LIVE_ROOMS.inc()


def socket_left(*, last_in_room: bool) -> None:
    """A socket left a room in this process (the room's last one: one live room fewer)."""
    ROOM_SOCKETS.dec()
    if last_in_room:
        LIVE_ROOMS.dec()


def group_committed(*, commands: int, events: int, seconds: float) -> None:
    """The writer committed one batch of `commands`, writing `events`, in `seconds`."""
    WRITER_BATCH_COMMANDS.observe(commands)
    WRITER_COMMIT_SECONDS.observe(seconds)
    if events:
        EVENTS_COMMITTED.inc(events)


def events_committed(count: int) -> None:
    """Events the writer committed outside a group commit (the ORM's slow path)."""
    if count:
        EVENTS_COMMITTED.inc(count)


def connection_refused(reason: str) -> None:
    """A room socket was refused for `reason`."""
    child = _refused.get(reason)
    if child is None:
        child = _refused[reason] = CONNECTIONS_REFUSED.labels(reason=reason)
    child.inc()


def exposition(multiproc_dir: str | None = None) -> bytes:
    """The text a scrape gets: every worker's files when multiprocess mode is on (the
    `PROMETHEUS_MULTIPROC_DIR` environment variable, or `multiproc_dir`), else this
    process's default registry."""
    directory = multiproc_dir or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    return generate_latest(registry)
