"""Late-join benchmark for a 5,000-element board (not a test: it prints figures).

    make bench            # or: .venv/bin/python tests/load/bench_board.py [--elements N]

Prints, as medians over several runs:
- server time to build the room snapshot (everything a late joiner receives), and its bytes;
- browser time until the room is interactive with that board (Excalidraw has the scene).
The server and the browser share this machine; compare ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def element(i: int) -> dict:
    kind = ("rectangle", "ellipse", "diamond", "text", "arrow")[i % 5]
    base = {
        "id": f"bench-{i:05d}",
        "type": kind,
        "version": 3,
        "versionNonce": random.randint(1, 2**31),
        "isDeleted": False,
        "index": f"a{i:05d}",
        "x": (i % 100) * 60,
        "y": (i // 100) * 60,
        "width": 50,
        "height": 40,
        "angle": 0,
        "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent",
        "fillStyle": "solid",
        "strokeWidth": 2,
        "strokeStyle": "solid",
        "roughness": 1,
        "opacity": 100,
        "groupIds": [],
        "frameId": None,
        "roundness": None,
        "seed": i,
        "updated": 1767225600000,
        "link": None,
        "locked": False,
        "boundElements": None,
    }
    if kind == "text":
        base.update(
            text=f"node {i}",
            fontSize=16,
            fontFamily=5,
            textAlign="left",
            verticalAlign="top",
            containerId=None,
            originalText=f"node {i}",
            autoResize=True,
            lineHeight=1.25,
        )
    if kind == "arrow":
        base.update(
            points=[[0, 0], [50, 40]],
            startBinding=None,
            endBinding=None,
            startArrowhead=None,
            endArrowhead="arrow",
            elbowed=False,
        )
    return base


def setup_database(db_path: Path, count: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "mockroom.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from datetime import UTC, datetime

    from django.db import transaction

    from mockroom.accounts.models import User
    from mockroom.interviews.agenda import template_phases
    from mockroom.interviews.services import interview_create, invitation_accept
    from mockroom.live.events import lock_room_state
    from mockroom.whiteboard.services import apply_board_update

    ivy = User.objects.create_user("ivy@bench.example", "bench-password-1", display_name="Ivy")
    cole = User.objects.create_user("cole@bench.example", "bench-password-1", display_name="Cole")
    from allauth.account.models import EmailAddress

    for user in (ivy, cole):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    interview, issued = interview_create(
        creator=ivy,
        title="Bench board",
        kind="system_design",
        creator_role="interviewer",
        agenda=template_phases("system_design"),
        scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
        time_zone="UTC",
    )
    token = next(i.token for i in issued if i.invitation.role == "candidate")
    participant = invitation_accept(token=token, user=cole)
    elements = [element(i) for i in range(count)]
    with transaction.atomic():
        state = lock_room_state(interview)
        for start in range(0, count, 1000):
            apply_board_update(
                state=state,
                participant=participant,
                interview=interview,
                client_msg_id=f"bench-{start}",
                elements=elements[start : start + 1000],
            )
    return {"interview": interview, "participant": participant}


def bench_snapshot(participant, runs: int) -> tuple[float, int, float, int]:
    """The WebSocket snapshot (a big board is deferred), and the full board that the client
    then fetches over HTTP (board.json)."""
    import orjson

    from mockroom.live.selectors import room_snapshot
    from mockroom.whiteboard.room import board_out

    times, size, full_times, full_size = [], 0, [], 0
    for _ in range(runs):
        started = time.perf_counter()
        frame = orjson.dumps(room_snapshot(participant))
        times.append((time.perf_counter() - started) * 1000)
        size = len(frame)
        started = time.perf_counter()
        board = orjson.dumps(board_out(participant.interview, inline_limit=None))
        full_times.append((time.perf_counter() - started) * 1000)
        full_size = len(board)
    return statistics.median(times), size, statistics.median(full_times), full_size


def bench_browser(db_path: Path, public_id: str, runs: int) -> float | None:
    from playwright.sync_api import sync_playwright

    from tests.services import free_port, stop, wait_for_port

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mockroom.settings.test",
        "DATABASE_URL": f"sqlite:///{db_path}",
    }
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "mockroom.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    times = []
    try:
        wait_for_port(port, proc=server, timeout=60)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1366, "height": 800})
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/accounts/login/")
                page.fill("#id_login", "cole@bench.example")
                page.fill("#id_password", "bench-password-1")
                page.click("button[type=submit]")
                page.wait_for_url("**/dashboard/")
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/interviews/{public_id}/room/")
                page.wait_for_function(
                    "() => window.__mockroomBoard && "
                    "window.__mockroomBoard.getSceneElements().length >= 5000",
                    timeout=60_000,
                )
                page.locator("canvas.interactive").wait_for()
                times.append((time.perf_counter() - started) * 1000)
                context.close()
            browser.close()
    finally:
        stop(server)
    return statistics.median(times) if times else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mockroom-bench-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        made = setup_database(db, args.elements)
        server_ms, size, full_ms, full_size = bench_snapshot(made["participant"], args.runs)
        print(f"elements: {args.elements}")
        print(f"WebSocket snapshot build (server, median of {args.runs}): {server_ms:.1f} ms")
        print(f"WebSocket snapshot size: {size:,} bytes ({size / 1024:.0f} KiB)")
        print(f"full board build for board.json (median of {args.runs}): {full_ms:.1f} ms")
        print(f"full board size: {full_size:,} bytes ({full_size / 1024:.0f} KiB)")
        if not args.no_browser:
            from django.db import connections

            connections.close_all()
            tti = bench_browser(db, made["interview"].public_id, args.browser_runs)
            print(f"browser time to interactive (median of {args.browser_runs}): {tti:.0f} ms")
        print(
            json.dumps(
                {
                    "elements": args.elements,
                    "snapshot_ms": round(server_ms, 1),
                    "snapshot_bytes": size,
                    "board_ms": round(full_ms, 1),
                    "board_bytes": full_size,
                }
            )
        )


if __name__ == "__main__":
    main()
