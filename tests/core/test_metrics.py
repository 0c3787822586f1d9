"""/metrics: Prometheus text behind METRICS_TOKEN, fed by the room runtime, and one scrape
summing every worker in multiprocess mode.

The gauges and counters belong to the test process, shared by every test that ran before,
so the room tests compare a scrape before with a scrape after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import AsyncClient
from prometheus_client.multiprocess import mark_process_dead
from prometheus_client.parser import text_string_to_metric_families

from mockroom.core import metrics
from tests.live import conftest as live
from tests.live.conftest import command, drain

# The room tests' fixtures: the personas' round, a connect helper, a fresh in-memory layer.
room = live.room
scheduled_round = live.scheduled_round
_fresh_channel_layer = live._fresh_channel_layer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-token-5b1e"


def samples(text: str) -> dict[str, float]:
    """Every unlabelled sample of the exposition, by name (parsing it proves it is valid)."""
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if not sample.labels:
                found[sample.name] = sample.value
    return found


async def scrape(**headers: str):
    return await AsyncClient().get("/metrics", headers=headers)


async def scraped() -> dict[str, float]:
    response = await scrape(Authorization=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


async def test_metrics_are_not_there_without_a_token_setting(settings):
    settings.METRICS_TOKEN = ""
    assert (await scrape()).status_code == 404
    assert (await scrape(Authorization="Bearer ")).status_code == 404


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Basic c2NyYXBlOnRva2Vu", 401),
        ("Bearer", 401),
        ("Bearer scrape-token-5b1f", 403),
        (f"Bearer {TOKEN}x", 403),
    ],
)
async def test_a_scrape_without_the_right_token_is_refused_and_shown_nothing(
    token, authorization, status
):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await scrape(**headers)
    assert response.status_code == status
    assert b"mockroom_" not in response.content
    assert b"# TYPE" not in response.content
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db(transaction=True)
async def test_a_room_socket_shows_as_a_live_room_and_a_socket(token, room, scheduled_round):
    before = await scraped()
    cole, _ = await room(scheduled_round.candidate, scheduled_round.interview)
    ivy, _ = await room(scheduled_round.interviewer, scheduled_round.interview)
    both = await scraped()
    assert both["mockroom_live_rooms"] == before["mockroom_live_rooms"] + 1
    assert both["mockroom_room_sockets"] == before["mockroom_room_sockets"] + 2

    await cole.disconnect(timeout=10)
    one = await scraped()
    assert one["mockroom_live_rooms"] == before["mockroom_live_rooms"] + 1
    assert one["mockroom_room_sockets"] == before["mockroom_room_sockets"] + 1

    await ivy.disconnect(timeout=10)
    after = await scraped()
    assert after["mockroom_live_rooms"] == before["mockroom_live_rooms"]
    assert after["mockroom_room_sockets"] == before["mockroom_room_sockets"]


@pytest.mark.django_db(transaction=True)
async def test_a_board_command_counts_as_a_committed_event_and_a_writer_batch(
    token, room, scheduled_round
):
    ivy, _ = await room(scheduled_round.interviewer, scheduled_round.interview)
    await drain(ivy)
    before = await scraped()
    element = {"id": "metrics-box", "type": "rectangle", "version": 1, "versionNonce": 3}
    ack = await command(ivy, "board.update", "m-1", elements=[element])
    assert ack["type"] == "ack"
    after = await scraped()
    events = "mockroom_room_events_committed_total"
    assert after[events] >= before[events] + 1
    for histogram in ("mockroom_writer_batch_commands", "mockroom_writer_commit_seconds"):
        assert after[f"{histogram}_count"] >= before[f"{histogram}_count"] + 1
    seconds = "mockroom_writer_commit_seconds_sum"
    assert after[seconds] > before[seconds]
    await ivy.disconnect(timeout=10)


# --- multiprocess mode: two real worker processes write their files, one scrape sums them

WORKER = """
from mockroom.core import metrics
import os, sys
rooms, sockets, events = (int(arg) for arg in sys.argv[1:])
for n in range(sockets):
    metrics.socket_joined(first_in_room=n < rooms)
metrics.group_committed(commands=events, events=events, seconds=0.002)
metrics.connection_refused("too_many_connections")
print(os.getpid())
"""


def run_worker(directory: Path, *, rooms: int, sockets: int, events: int) -> int:
    """A process that imports the metrics with PROMETHEUS_MULTIPROC_DIR set, as a uvicorn
    worker does, records some, and exits; returns its pid."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(rooms), str(sockets), str(events)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(done.stdout.strip())


@pytest.fixture
def two_workers(tmp_path) -> tuple[Path, int, int]:
    first = run_worker(tmp_path, rooms=1, sockets=2, events=3)
    second = run_worker(tmp_path, rooms=2, sockets=3, events=5)
    return tmp_path, first, second


def test_one_scrape_sums_every_worker_and_forgets_a_dead_ones_gauges(two_workers):
    directory, first, _ = two_workers
    summed = samples(metrics.exposition(str(directory)).decode())
    assert summed["mockroom_live_rooms"] == 3
    assert summed["mockroom_room_sockets"] == 5
    assert summed["mockroom_room_events_committed_total"] == 8
    assert summed["mockroom_writer_batch_commands_count"] == 2
    assert summed["mockroom_writer_batch_commands_sum"] == 8
    refused = {
        sample.labels["reason"]: sample.value
        for family in text_string_to_metric_families(metrics.exposition(str(directory)).decode())
        for sample in family.samples
        if sample.name == "mockroom_room_connections_refused_total"
    }
    assert refused == {"too_many_connections": 2, "reconnecting_too_fast": 0}

    mark_process_dead(first, str(directory))
    survivors = samples(metrics.exposition(str(directory)).decode())
    assert survivors["mockroom_live_rooms"] == 2
    assert survivors["mockroom_room_sockets"] == 3
    # Totals never go down: a dead worker's events were committed all the same.
    assert survivors["mockroom_room_events_committed_total"] == 8


async def test_the_view_scrapes_the_multiprocess_directory_when_it_is_set(
    token, two_workers, monkeypatch
):
    directory, _, _ = two_workers
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    found = await scraped()
    assert found["mockroom_room_sockets"] == 5
    assert found["mockroom_room_events_committed_total"] == 8
    # Only the workers' files: not this process's own registry (its process_* metrics).
    assert not any(name.startswith("process_") for name in found)
