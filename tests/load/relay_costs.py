"""What one relayed message costs inside the server, piece by piece (not a test: it prints).

    .venv/bin/python tests/load/relay_costs.py [--cpu 0]

Companion to bench_relay.py, to explain its CPU-per-message figures. On a throwaway SQLite
database (WAL) with one started round, in this process, pinned to one core, it times (CPU
per call, median of 5 batches):
- `services.room_command("board.update")` the way the server runs it: awaited from a running
  event loop, so that its after-commit broadcast goes through `async_to_sync` onto that loop
  (called from a thread with no loop, every broadcast would build a fresh loop and inflate the
  figure). Once through `database_sync_to_async`, which with `DB_CONN_MAX_AGE=0` reopens the
  database connection around every call, and once through a plain `sync_to_async` hop that
  keeps the connection;
- one `sync_to_async` thread hop, and one `aclose_old_connections()` (what Channels'
  `AsyncConsumer.dispatch` awaits before every handler call);
- orjson parsing plus the pydantic validation of a cursor message.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def per_call_us(fn, calls: int, batches: int = 5) -> float:
    samples = []
    for _ in range(batches):
        started = time.process_time()
        for _ in range(calls):
            fn()
        samples.append((time.process_time() - started) / calls * 1e6)
    return statistics.median(samples)


async def per_await_us(make, calls: int, batches: int = 5) -> float:
    samples = []
    for _ in range(batches):
        started = time.process_time()
        for _ in range(calls):
            await make()
        samples.append((time.process_time() - started) / calls * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu", type=int, default=0, help="core to pin to (default 0)")
    parser.add_argument("--calls", type=int, default=100, help="board updates per batch")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    tmp = tempfile.mkdtemp(prefix="mockroom-costs-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mockroom.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/costs.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from datetime import UTC, datetime

    import orjson
    from asgiref.sync import sync_to_async
    from channels.db import aclose_old_connections, database_sync_to_async
    from django.core.management import call_command
    from django.db import connection

    from mockroom.accounts.models import User
    from mockroom.interviews.agenda import template_phases
    from mockroom.interviews.models import Participant, Role
    from mockroom.interviews.services import interview_create
    from mockroom.live import protocol
    from mockroom.live.services import room_command

    call_command("migrate", verbosity=0)
    ivy = User.objects.create_user("ivy@costs.example", "pw-123456789", display_name="Ivy")
    cole = User.objects.create_user("cole@costs.example", "pw-123456789", display_name="Cole")
    interview, _ = interview_create(
        creator=ivy,
        title="Costs",
        kind="system_design",
        creator_role="interviewer",
        agenda=template_phases("system_design"),
        scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC",
    )
    Participant.objects.create(interview=interview, user=cole, role=Role.CANDIDATE)
    room_command(
        interview_id=interview.pk,
        user_id=ivy.pk,
        command="round.start",
        client_msg_id="s",
        args={},
    )
    counter = iter(range(1, 10**9))

    def board_update() -> None:
        n = next(counter)
        element = {
            "id": f"e{n % 8}",
            "type": "rectangle",
            "version": n + 1,
            "versionNonce": n,
            "x": 10.5,
            "y": 20.5,
            "width": 200,
            "height": 120,
            "customData": {"sent": n, "n": n},
        }
        room_command(
            interview_id=interview.pk,
            user_id=cole.pk,
            command="board.update",
            client_msg_id=f"c0-{n}",
            args={"elements": [element]},
        )

    cursor = orjson.dumps(
        {
            "type": "cursor",
            "pointer": {"x": 1, "y": 2, "tool": "pointer"},
            "button": "up",
            "selected": [],
        }
    )
    validate = per_call_us(
        lambda: protocol.CLIENT_MESSAGE.validate_python(orjson.loads(cursor)), 5000
    )

    async def server_path() -> tuple[float, float, float, float]:
        # process_time() counts every thread of the process: the loop and the worker thread.
        kept = await per_await_us(sync_to_async(board_update), args.calls)
        reopened = await per_await_us(database_sync_to_async(board_update), args.calls)
        nothing = sync_to_async(lambda: None)
        hop = await per_await_us(nothing, 2000)
        cleanup = await per_await_us(aclose_old_connections, 2000)
        await sync_to_async(lambda: connection.close())()
        return kept, reopened, hop, cleanup

    connection.close()  # the worker thread opens its own
    kept, reopened, hop, cleanup = asyncio.run(server_path())
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"CPU per call on core {args.cpu} (median of 5 batches):")
    print(f"  room_command board.update, connection kept:        {kept / 1000:7.2f} ms")
    print(f"  room_command board.update, connection reopened:    {reopened / 1000:7.2f} ms")
    print(f"  sync_to_async hop (thread-sensitive):              {hop:7.0f} µs")
    print(f"  aclose_old_connections() (before every handler):   {cleanup:7.0f} µs")
    print(f"  orjson.loads + pydantic validation of a cursor:    {validate:7.1f} µs")


if __name__ == "__main__":
    main()
