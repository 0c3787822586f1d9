"""Stroke latency between two browsers in one room (not a test: it prints figures).

    make bench-stroke     # or: .venv/bin/python tests/load/bench_stroke.py [--strokes N]

One Daphne process on a throwaway SQLite database (the embedded default: in-memory channel
layer), serving the browser tests' front-end build (frontend/dist-e2e, which has the
`window.__mockroomBoard` hook). Debian's chromium opens two pages: the interviewer and the
candidate of one round. N times, the candidate draws a rectangle, and we measure, from the
candidate's pointerup that ends the stroke:
- stroke latency: until the interviewer's scene holds the rectangle as the candidate
  finished it (its final version, or newer);
- local echo: until the candidate's own pendingCount() is back to 0 with that version
  included, i.e. the server acknowledged it.

All timestamps are taken in the browser, as performance.timeOrigin + performance.now() (a
wall clock in ms shared by both pages, which run on this machine): the candidate's pointerup
by a capture listener, and arrivals and acks by a sampler in each page every 1 to 4 ms
(setInterval). Python waits on them with page.wait_for_function, so a stroke that never
arrives ends the run with an error and a non-zero exit status.
The server and the browser share this machine: figures move by up to 2x between machines,
so compare ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.load.bench_board import setup_database  # noqa: E402
from tests.services import free_port, stop, wait_for_port  # noqa: E402

E2E_DIST = ROOT / "frontend" / "dist-e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# bench_board.setup_database's users.
INTERVIEWER = "ivy@bench.example"
CANDIDATE = "cole@bench.example"
PASSWORD = "bench-password-1"

# Both pages: remember when each (element id, version) first showed in the scene, and every
# change of pendingCount(); the candidate's page also the time of each pointerup.
RECORDER = """() => {
  const now = () => performance.timeOrigin + performance.now();
  const board = window.__mockroomBoard;
  const seen = new Map();
  const pending = [];
  const ups = [];
  let last = -1;
  const look = () => {
    const t = now();
    for (const e of board.getAllElements()) {
      const key = e.id + " " + e.version;
      if (!seen.has(key)) seen.set(key, t);
    }
    const count = board.pendingCount();
    if (count !== last) { pending.push([t, count]); last = count; }
  };
  window.addEventListener("pointerup", () => { ups.push(now()); look(); }, { capture: true });
  look();
  setInterval(look, 1);
  window.__bench = {
    look,
    ups,
    pending,
    // When any version >= `version` of element `id` first showed here, or null.
    arrival(id, version) {
      look();
      let first = null;
      for (const [key, t] of seen) {
        const [kid, kv] = key.split(" ");
        if (kid === id && Number(kv) >= version && (first === null || t < first)) first = t;
      }
      return first;
    },
    versions(id) {
      return [...seen]
        .filter(([key]) => key.split(" ")[0] === id)
        .map(([key, t]) => [Number(key.split(" ")[1]), t]);
    },
  };
}"""

# The stroke just drawn: the one rectangle not in `known`, its version now, and the time of
# the pointerup that ended it (the last one: draw_rectangle clicks the tool first).
STROKE = """(known) => {
  const els = window.__mockroomBoard.getSceneElements()
    .filter(e => e.type === "rectangle" && !known.includes(e.id));
  if (els.length !== 1) return null;
  return {id: els[0].id, version: els[0].version, up: window.__bench.ups.at(-1)};
}"""
VERSION = "(id) => window.__mockroomBoard.getAllElements().find(e => e.id === id).version"


class BenchError(RuntimeError):
    """The benchmark could not measure (said why)."""


def start_server(db_path: Path, log_path: Path) -> tuple[subprocess.Popen, int]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.test",
        DATABASE_URL=f"sqlite:///{db_path}",
        FRONTEND_DIST=str(E2E_DIST),
    )
    port = free_port()
    with open(log_path, "ab") as log:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)),
                "mockroom.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, proc=server, timeout=60)
    except BaseException:
        stop(server)
        raise
    return server, port


def enter_room(page, base: str, email: str, public_id: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{base}/interviews/{public_id}/room/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Connected", timeout=30_000)
    page.locator(".excalidraw canvas.interactive").wait_for()
    page.wait_for_function("() => window.__mockroomBoard !== undefined")
    page.evaluate(RECORDER)


def spot(i: int) -> tuple[float, float]:
    """Where stroke i starts: a grid clear of the toolbars and of the properties panel."""
    cell = i % 40
    shift = 6 * (i // 40)
    return 300 + (cell % 8) * 90 + shift, 150 + (cell // 8) * 90 + shift


def measure(interviewer, candidate, strokes: int, timeout_ms: float, trace: bool) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.e2e.rooms import draw_rectangle

    known: list[str] = []
    latency, echo = [], []
    for i in range(strokes):
        x, y = spot(i)
        draw_rectangle(candidate, x, y, 60, 40)
        stroke = candidate.evaluate(STROKE, known)
        if stroke is None:
            raise BenchError(f"stroke {i + 1}: the candidate's scene has no new rectangle")
        rect_id, version = stroke["id"], stroke["version"]
        while True:
            try:
                arrived = interviewer.wait_for_function(
                    "([id, version]) => window.__bench.arrival(id, version)",
                    arg=[rect_id, version],
                    timeout=timeout_ms,
                ).json_value()
            except PlaywrightTimeout:
                raise BenchError(
                    f"stroke {i + 1}: the rectangle never reached the interviewer "
                    f"(version {version} of element {rect_id} not in their scene after "
                    f"{timeout_ms / 1000:.0f} s)"
                ) from None
            try:
                candidate.wait_for_function(
                    "() => window.__mockroomBoard.pendingCount() === 0", timeout=timeout_ms
                )
            except PlaywrightTimeout:
                raise BenchError(
                    f"stroke {i + 1}: the server never acknowledged the candidate's stroke "
                    f"(pendingCount() not back to 0 after {timeout_ms / 1000:.0f} s)"
                ) from None
            # Had Excalidraw changed the element again after pointerup, wait for that too.
            settled = candidate.evaluate(VERSION, rect_id)
            if settled == version:
                break
            version = settled
        # Nothing of this stroke is left to send, and the server has its final version: the
        # last fall of pendingCount() to 0 is the ack of the last batch of the stroke.
        acked = candidate.evaluate("() => window.__bench.pending.at(-1)[0]")
        latency.append(arrived - stroke["up"])
        echo.append(acked - stroke["up"])
        known.append(rect_id)
        if trace:
            print_trace(i + 1, interviewer, candidate, rect_id, stroke["up"], arrived, acked)
    return {"latency": latency, "echo": echo}


def print_trace(n: int, interviewer, candidate, rect_id: str, up, arrived, acked) -> None:
    """One stroke's timeline, in ms from its pointerup."""
    mine = candidate.evaluate("(id) => window.__bench.versions(id)", rect_id)
    theirs = interviewer.evaluate("(id) => window.__bench.versions(id)", rect_id)
    pending = candidate.evaluate("() => window.__bench.pending.slice(-8)")
    print(f"stroke {n}: latency {arrived - up:.0f} ms, echo {acked - up:.0f} ms")
    print(f"  candidate (version, ms): {[(v, round(t - up)) for v, t in mine]}")
    print(f"  interviewer (version, ms): {[(v, round(t - up)) for v, t in theirs]}")
    print(f"  candidate (ms, pendingCount): {[(round(t - up), c) for t, c in pending]}")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "p95": round(percentile(values, 95), 1),
        "max": round(max(values), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per stroke")
    parser.add_argument("--trace", action="store_true", help="print each stroke's timeline")
    args = parser.parse_args()
    if args.strokes < 1:
        parser.error("--strokes must be at least 1")
    if not (E2E_DIST / ".vite" / "manifest.json").exists():
        print(f"error: {E2E_DIST} is missing; run `make frontend-e2e`", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print("error: Debian's chromium is missing; run `make system-deps`", file=sys.stderr)
        return 2

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="mockroom-bench-stroke-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        log = Path(tmp) / "daphne.log"
        made = setup_database(db, 0)
        from django.db import connections

        connections.close_all()
        server, port = start_server(db, log)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                pages = []
                for email in (INTERVIEWER, CANDIDATE):
                    context = browser.new_context(viewport={"width": 1366, "height": 800})
                    page = context.new_page()
                    enter_room(page, base, email, made["interview"].public_id)
                    pages.append(page)
                figures = measure(*pages, args.strokes, args.timeout * 1000, args.trace)
                browser.close()
        except (BenchError, PlaywrightError) as error:
            print(f"error: {error}", file=sys.stderr)
            print(f"server log (last lines):\n{log.read_text()[-2000:]}", file=sys.stderr)
            return 1
        finally:
            stop(server)

    latency, echo = summary(figures["latency"]), summary(figures["echo"])
    print(f"strokes: {args.strokes} (candidate draws a 60x40 rectangle; interviewer watches)")
    print(
        "timestamps: in the browser (performance.timeOrigin + performance.now() in both pages), "
        "from the candidate's pointerup; sampled every 1-4 ms"
    )
    print(
        "stroke latency (interviewer's scene has the final version): "
        f"median {latency['median']:.0f} ms, p95 {latency['p95']:.0f} ms, "
        f"max {latency['max']:.0f} ms"
    )
    print(
        "local echo (candidate's pendingCount() back to 0, server acked): "
        f"median {echo['median']:.0f} ms, p95 {echo['p95']:.0f} ms, max {echo['max']:.0f} ms"
    )
    print(f"ratio local echo / stroke latency (medians): {echo['median'] / latency['median']:.2f}")
    print(
        "note: the server and the browser share this machine; figures move by up to 2x "
        "between machines, so compare ratios measured in the same run"
    )
    print(json.dumps({"strokes": args.strokes, "latency_ms": latency, "echo_ms": echo}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
