"""The soak in quick mode: about 25 seconds of churn and drawing on the embedded default
(one Daphne process, SQLite, the in-memory layer), judged by the room logs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.load.soak import Embedded, soak_target

pytestmark = pytest.mark.slow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def test_churn_on_the_embedded_default_loses_nothing_and_plots_rss(tmp_path):
    report = await soak_target(
        Embedded(tmp_path / "embedded"), minutes=0.4, rooms=3, seed=20261201, out=tmp_path
    )

    judged, counters = report["judged"], report["counters"]
    # Churn happened, and both kinds of resend with it: commands the server had applied
    # before the drop (acknowledged as duplicates) and commands it never saw.
    assert counters["drops"] > 0 and counters["reconnects"] >= counters["drops"]
    assert judged["duplicate_acks"] > 0
    assert counters["resent"] > judged["duplicate_acks"]
    assert judged["acked"] == judged["commands"] > counters["drops"]
    # Nothing lost, nothing twice, and every seat's view is the log.
    for key in ("never_acked", "lost", "logged_twice", "ack_mismatch", "view_missing"):
        assert judged[key] == 0, (key, report["violations"])
    assert judged["view_differs"] == judged["unknown_in_log"] == judged["conflicts"] == 0
    assert judged["seq_gaps"] is False
    assert report["violations"] == [] and report["ok"] is True
    # The web process was sampled at the start, between, and at the end, and plotted.
    samples = report["samples"]
    assert [s["label"] for s in samples][:: len(samples) - 1] == ["start", "end"]
    assert len(samples) >= 4 and all(s["procs"]["daphne"]["rss_kb"] > 0 for s in samples)
    assert all(s["procs"]["daphne"]["fds"] > 0 for s in samples)
    image = await asyncio.to_thread(Path(report["png"]).read_bytes)
    assert image.startswith(PNG_MAGIC)
