"""Two Daphne processes sharing one PostgreSQL and a real redis-server.

Processes are killed with SIGKILL while both seats are sending commands, again and again,
and restarted between rounds so there are always two. Clients keep a record of everything;
the log in the database is the judge. The random choices come from a seed printed at the
start (set MOCKROOM_CHAOS_SEED to repeat them; the timing still varies between runs).

Every other round the kill waits until the server has applied at least one command whose ack
the client will never read, so resends answered `duplicate` are always exercised.

Six background load rooms keep each process's writer busy. Both seats of a load room sit on
one process (the affinity nginx gives a room), half the rooms on each; every LOAD_TICK one
burst refills every load client's window with board updates, interleaving the rooms, so a
writer's batches hold several rooms' commands. A round first waits until the victim has
committed such a batch; the kill then lands right after a burst to the victim went out: on
odd rounds within a few milliseconds (the burst queued or committing), on even rounds once
the victim has committed some of it (those acks are lost). The load clients on the victim
freeze at the kill like the others, come back through the survivor, resume, resend, and
after every round each load room's log is judged: every ack names the one logged event of
its message id, resends are applied once (`duplicate` when the victim had), nothing was seen
before it was durable, seq runs 1..N. Each round prints how much load was in flight and how
the victim grouped its commits (`cluster.commits`, by PostgreSQL transaction).
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import websockets

from tests.live.cluster import (
    Cluster,
    Frozen,
    RoomClient,
    RoomLog,
    assert_resume_is_exact,
    commits,
    event_view,
    eventually,
    migrate_and_create_rooms,
    row_view,
)
from tests.services import postgres_server, redis_server

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

# Kill rounds; raise MOCKROOM_CHAOS_ROUNDS for a longer soak.
ROUNDS = int(os.environ.get("MOCKROOM_CHAOS_ROUNDS", "6"))
WINDOW = 4  # commands a client keeps unacknowledged while pumping
CAP = 24  # commands a spared client sends per round; keeps the log under RESUME_LIMIT
LOAD_ROOMS = 6  # background rounds whose two seats draw through every kill round
LOAD_WINDOW = 8  # board updates a load client keeps unacknowledged
LOAD_TICK = 0.4  # seconds between the load's bursts (each refills every load client's window)
LOAD_TAGS = [f"load{n}" for n in range(1, LOAD_ROOMS + 1)]
MINUTE_MS = 60_000
KIND_OF = {
    "round.start": "round.started",
    "timer.start": "timer.changed",
    "timer.add_time": "timer.changed",
    "note.add": "note.added",
    "score.set": "score.set",
    "board.update": "board.updated",
}


@pytest.fixture(scope="module")
def services():
    """One PostgreSQL and one redis-server for the module, migrated once, with a round for
    each test."""
    with redis_server() as redis_url, postgres_server() as database_url:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DJANGO_SETTINGS_MODULE="mockroom.settings.test",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            PRESENCE_HEARTBEAT_SECONDS="0.5",
            PRESENCE_TTL_SECONDS="3",
            # The clients pump commands as fast as they are acknowledged, and reconnect after
            # every kill: this file is about durability, not about the limits.
            ROOM_RATE_PER_SECOND="1000",
            ROOM_BURST="1000",
            ROOM_CONNECTS_PER_MINUTE="600",
            ROOM_CONNECT_BURST="100",
        )
        yield env, migrate_and_create_rooms(env, ["chaos", "presence", *LOAD_TAGS])


@pytest.fixture
def cluster(services, tmp_path):
    """Two Daphne processes, started (not yet ready: `Cluster.ready` waits)."""
    env, rooms = services
    cluster = Cluster(env, tmp_path)
    try:
        yield cluster, rooms, [cluster.start(), cluster.start()]
    finally:
        cluster.stop()


def client_of(
    room: dict[str, Any], name: str, log: RoomLog, label: str | None = None
) -> RoomClient:
    person = room[name]
    return RoomClient(
        label or name,
        user_id=person["user_id"],
        role=person["role"],
        session=person["session"],
        public_id=room["public_id"],
        log=log,
    )


class Traffic:
    """Commands that stay valid however often they are applied: the interviewer adds a
    minute, writes notes, scores and draws; the candidate draws. Each seat draws its own
    element with a version that only grows, so every board update is news to the server."""

    def __init__(self, rng: random.Random, criterion: dict[str, Any]) -> None:
        self.rng = rng
        self.criterion = criterion["key"]
        self.scores = [level["score"] for level in criterion["levels"]]
        self.numbers: dict[str, int] = {}
        self.versions: dict[str, int] = {}

    def next_id(self, client: RoomClient) -> str:
        self.numbers[client.name] = self.numbers.get(client.name, 0) + 1
        return f"{client.name}-{self.numbers[client.name]}"

    def board_update(self, client: RoomClient, id_: str) -> dict[str, Any]:
        element = f"{client.name}-shape"
        version = self.versions[element] = self.versions.get(element, 0) + 1
        shape = {
            "id": element,
            "type": "rectangle",
            "version": version,
            "versionNonce": self.rng.randrange(2**31),
            "isDeleted": False,
            "index": "a0" if client.role == "interviewer" else "a1",
            "x": version,
            "y": 0,
            "width": 40,
            "height": 20,
        }
        return {"type": "board.update", "id": id_, "elements": [shape]}

    def for_client(self, client: RoomClient) -> Callable[[], dict[str, Any]]:
        def next_command() -> dict[str, Any]:
            id_ = self.next_id(client)
            if client.role != "interviewer":
                return self.board_update(client, id_)
            pick = self.rng.random()
            if pick < 0.4:
                return {"type": "timer.add_time", "id": id_, "minutes": 1}
            if pick < 0.6:
                return {"type": "note.add", "id": id_, "text": f"note {id_}"}
            if pick < 0.8:
                score = self.rng.choice(self.scores)
                return {"type": "score.set", "id": id_, "criterion": self.criterion,
                        "score": score, "comment": f"comment {id_}"}  # fmt: skip
            return self.board_update(client, id_)

        return next_command


class Drawing(Traffic):
    """A load room's traffic: each seat only ever draws its own element, one version up per
    command."""

    def for_client(self, client: RoomClient) -> Callable[[], dict[str, Any]]:
        return lambda: self.board_update(client, self.next_id(client))


@dataclass(eq=False)
class LoadRoom:
    tag: str
    log: RoomLog
    clients: list[RoomClient]
    drawing: Drawing


class Load:
    """The background load: every LOAD_TICK seconds one burst refills each active load
    client's window with board updates, all rooms at once, so the writers' batches hold
    many rooms' commands. A client is taken out (synchronously) before it is frozen."""

    def __init__(self, load: list[LoadRoom]) -> None:
        self.drawing_of = {c: room.drawing for room in load for c in room.clients}
        self.active = set(self.drawing_of)
        self.burst: dict[RoomClient, int] = {}  # what the last burst sent, by client
        self.bursts = asyncio.Condition()
        self.running = True

    async def run(self) -> None:
        while self.running:
            # One command per client in turn, so each process's queue interleaves the rooms.
            burst = dict.fromkeys(self.active, 0)
            for _ in range(LOAD_WINDOW):
                for client in burst:
                    if client not in self.active or len(client.outstanding) >= LOAD_WINDOW:
                        continue
                    next_command = self.drawing_of[client].for_client(client)
                    try:
                        await client.send(next_command())
                    except websockets.ConnectionClosed:
                        if client in self.active:
                            raise
                        continue  # frozen and dropped with its process: the command is in flight
                    burst[client] += 1
            async with self.bursts:
                self.burst = burst
                self.bursts.notify_all()
            await asyncio.sleep(LOAD_TICK)

    async def next_burst(self, to: list[RoomClient]) -> int:
        """Wait for a burst that sends something to these clients; how much it sent them."""
        async with asyncio.timeout(30), self.bursts:
            while True:
                await self.bursts.wait()
                sent = sum(self.burst.get(c, 0) for c in to)
                if sent:
                    return sent

    async def stop(self, task: asyncio.Task[None]) -> None:
        self.running = False
        await task


async def move(log: RoomLog, client: RoomClient, to: Any) -> None:
    """Leave cleanly, join another process, and catch up with a resume."""
    await client.close()
    last_seq = client.resume_point()
    await client.connect(to)
    await assert_resume_is_exact(log, client, last_seq, await client.resume(last_seq))


async def spread(load: list[LoadRoom], cluster: Cluster, rng: random.Random) -> None:
    """Move load rooms (both seats together, the affinity nginx gives a room in production)
    until each live process holds half of them: a replacement starts with none, and
    whichever process is killed must have load rooms on it."""
    a, b = cluster.live
    while True:
        on = {d: [r for r in load if r.clients[0].daphne is d] for d in (a, b)}
        fuller, emptier = (a, b) if len(on[a]) > len(on[b]) else (b, a)
        if len(on[fuller]) - len(on[emptier]) <= 1:
            return
        for client in rng.choice(on[fuller]).clients:
            await move(client.log, client, emptier)


async def resend_in_flight(
    log: RoomLog, client: RoomClient, record: Frozen, number: int
) -> set[str]:
    """A frozen client, reconnected to the survivor after the dead process's sessions are
    gone: it resumes from where it stood (exactly the missed events) and resends what was in
    flight. Each resend is applied once: answered as a duplicate, with its first seq, if the
    dead process had committed it, applied now if not. Returns the ids committed before the
    kill."""
    before = await log.applied(client, record.in_flight)
    reply = await client.resume(record.last_seq)
    await assert_resume_is_exact(log, client, record.last_seq, reply)
    await client.resend(record.in_flight)
    after = await log.applied(client, record.in_flight)
    for message_id in record.in_flight:
        assert message_id in client.acks, (number, message_id, client.errors)
        ack = client.acks[message_id][-1]
        assert after.get(message_id) == [ack["seq"]], (message_id, after.get(message_id), ack)
        if message_id in before:
            assert before[message_id] == [ack["seq"]], (message_id, before[message_id], ack)
            assert ack["duplicate"] is True, (message_id, ack)
        else:
            assert ack["duplicate"] is False, (message_id, ack)
    return set(before)


async def kill_round(
    cluster: Cluster,
    log: RoomLog,
    clients: list[RoomClient],
    traffic: Traffic,
    rng: random.Random,
    number: int,
    load: list[LoadRoom],
) -> dict[str, Any]:
    """Both seats pump commands, and so do the load rooms' clients; one process is killed at
    a random moment, once its writer has committed batches holding several rooms. Its
    clients reconnect to the survivor, resume, and resend what was never acknowledged."""
    homes = [d for d in cluster.live if any(c.daphne is d for c in clients)]
    victim = rng.choice(homes)
    survivor = next(d for d in cluster.live if d is not victim)
    hit = [c for c in clients if c.daphne is victim]
    driver = Load(load)
    load_clients = list(driver.drawing_of)
    load_hit = [c for c in load_clients if c.daphne is victim]
    assert load_hit, f"round {number}: no load client on {victim.name}"
    # What the victim's clients send from now until the kill goes to the victim.
    sent_before = {c: len(c.sent) for c in [*hit, *load_hit]}

    def sent_to_victim() -> dict[int, list[str]]:
        return {c.user_id: list(c.sent)[sent_before[c] :] for c in sent_before}

    for client in [*clients, *load_clients]:
        client.acks_counted = 0
    # The load runs first, until the victim's writer has committed a batch that holds
    # commands of several rooms: from then on its writer is busy with group commits.
    driving = asyncio.create_task(driver.run())
    pumps: dict[RoomClient, asyncio.Task[None]] = {}

    async def grouping() -> bool:
        refused = [e for c in load_clients for e in c.errors]
        assert refused == [], refused[:3]
        early = [(c.name, f) for c in load_clients for f in c.seen_before_durable]
        assert early == [], f"seen before it was durable: {early[:3]}"
        return any(c["rooms"] > 1 for c in await commits(log, sent_to_victim()))

    await eventually(grouping, within=30)
    # The kill comes after a random number of acks to a client it hits, plus up to 0.1 s.
    # The clients it hits pump until then, so there are always commands in flight.
    trigger, trigger_acks = rng.choice(hit), rng.randint(1, 8)
    for client in clients:
        client.acks_counted = 0
        pumps[client] = asyncio.create_task(
            client.pump(
                traffic.for_client(client), window=WINDOW, cap=None if client in hit else CAP
            )
        )
    await trigger.wait(lambda: trigger.acks_counted >= trigger_acks)
    await asyncio.sleep(rng.uniform(0, 0.1))
    # The kill lands in the middle of a burst of the load: right after a burst to the
    # victim's load clients went out, while its writer reads and group-commits it.
    burst = await driver.next_burst(load_hit)
    # From here on the hit clients, chaos and load, read nothing and send nothing.
    frozen = {}
    for client in hit:
        frozen[client] = client.freeze()
        pumps.pop(client).cancel()
    load_frozen = {}
    for client in load_hit:
        driver.active.discard(client)
        load_frozen[client] = client.freeze()
    acks_lost = number % 2 == 0
    if acks_lost:
        # Every other round the kill waits until the server has applied at least one of each
        # hit client's unacknowledged commands, and some of the burst: those acks die with
        # the connection.
        async def applied_some() -> bool:
            chaos = [await log.applied(c, r.in_flight) for c, r in frozen.items()]
            load = [await c.log.applied(c, r.in_flight) for c, r in load_frozen.items()]
            return all(chaos) and any(load)

        await eventually(applied_some, within=30)
    else:
        # Otherwise within a few milliseconds: the burst is on the wire, queued or being
        # committed.
        await asyncio.sleep(rng.uniform(0, 0.005))
    cluster.kill(victim)
    replacement = cluster.start()

    for client in [*frozen, *load_frozen]:
        await client.abandon()
        await client.connect(survivor)
    for client, record in frozen.items():
        assert record.in_flight, f"round {number}: {client.name} had nothing in flight"
    load_in_flight = sum(len(r.in_flight) for r in load_frozen.values())
    assert load_in_flight, f"round {number}: no load command was in flight at the kill"

    # A commit the dead process had already sent may still land; wait until PostgreSQL
    # has closed all of its sessions, so what is in the log now is final for it.
    async def sessions_closed() -> bool:
        return await log.sessions(victim) == 0

    await eventually(sessions_closed, within=30)

    applied_by_victim = {}
    for client, record in [*frozen.items(), *load_frozen.items()]:
        applied_by_victim[client] = await resend_in_flight(client.log, client, record, number)
    duplicates = sum(len(applied_by_victim[c]) for c in frozen)
    fresh = sum(len(r.in_flight) for r in frozen.values()) - duplicates
    if acks_lost:
        assert duplicates >= len(frozen)
    load_duplicates = sum(len(applied_by_victim[c]) for c in load_frozen)
    await driver.stop(driving)
    for client, pump in pumps.items():
        await client.stop_pump()
        await pump
    for client in [*clients, *load_clients]:
        await client.settle()
    await cluster.ready(replacement)
    for client in clients:
        assert client.seen_before_durable == [], (client.name, client.seen_before_durable)
    # Every load room, after each kill: whole, and every ack in it durable and exact.
    for load_room in load:
        await assert_load_room_is_whole(load_room)

    # How the victim grouped what it committed this round (resends applied by the survivor
    # are left out: they were never the victim's).
    by_victim = sent_to_victim()
    for client, record in [*frozen.items(), *load_frozen.items()]:
        resent = set(record.in_flight) - applied_by_victim[client]
        by_victim[client.user_id] = [i for i in by_victim[client.user_id] if i not in resent]
    grouped = await commits(log, by_victim)
    summary = {
        "round": number,
        "killed": victim.name,
        "in_flight": {c.name: len(r.in_flight) for c, r in frozen.items()},
        "applied_before_the_kill": duplicates,
        "applied_on_resend": fresh,
        "load_burst_to_victim": burst,
        "load_in_flight": load_in_flight,
        "load_applied_before_the_kill": load_duplicates,
        "load_applied_on_resend": load_in_flight - load_duplicates,
        "victim_commits": len(grouped),
        "victim_multi_room_commits": sum(1 for c in grouped if c["rooms"] > 1),
        "victim_most_rooms_in_a_commit": max(c["rooms"] for c in grouped),
        "victim_last_commit_rooms": grouped[-1]["rooms"],
    }
    print(summary)
    return summary


def traffic_criterion(snapshot: dict[str, Any]) -> dict[str, Any]:
    return snapshot["rubric"]["criteria"][0]


async def assert_load_room_is_whole(room: LoadRoom) -> None:
    """A load room after the kills: each client catches up with a resume, then its log is
    judged. Every ack ever received names the one logged event of its message id, seq runs
    1..N, each stream's prev chain is whole, nothing was seen before it was durable, every
    visible event reached each client, and the board holds each seat's last version."""
    for client in room.clients:
        last_seq = client.resume_point()
        await assert_resume_is_exact(room.log, client, last_seq, await client.resume(last_seq))
    rows = await room.log.rows()
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1)), room.tag
    heads: dict[tuple[str, int | None], int] = {}
    for row in rows:
        stream = (row["audience"], row["audience_user_id"])
        assert row["prev"] == heads.get(stream, 0), (room.tag, row)
        heads[stream] = row["seq"]
    by_seq = {row["seq"]: row for row in rows}
    for client in room.clients:
        assert client.errors == [], (client.name, client.errors)
        assert client.seen_before_durable == [], (client.name, client.seen_before_durable)
        assert client.conflicts == [], (client.name, client.conflicts)
        applied = await room.log.applied(client, list(client.sent))
        for message_id in client.sent:
            seqs = {ack["seq"] for ack in client.acks.get(message_id, [])}
            assert len(seqs) == 1, (message_id, client.acks.get(message_id))
            assert applied.get(message_id) == list(seqs), (message_id, applied.get(message_id))
            assert by_seq[seqs.pop()]["kind"] == "board.updated", message_id
        own = {r["client_msg_id"] for r in rows if r["actor_id"] == client.user_id}
        assert own - {None} == set(client.sent), client.name
        visible = {r["seq"]: row_view(r) for r in await room.log.visible_to(client)}
        missed = [s for s in visible if s > client.base_seq and s not in client.events]
        assert missed == [], f"{client.name} never received {missed}"
        for seq, frame in client.events.items():
            assert event_view(frame) == visible.get(seq), f"{client.name}: seq {seq}"
    assert await room.log.board_versions() == room.drawing.versions, room.tag


async def test_kills_mid_command_lose_no_ack_and_resume_returns_exactly_the_missed_events(
    cluster,
):
    cluster, rooms, starting = cluster
    room = rooms["chaos"]
    seed = int(os.environ.get("MOCKROOM_CHAOS_SEED") or random.SystemRandom().randrange(2**32))
    print(f"chaos seed {seed} (MOCKROOM_CHAOS_SEED={seed} repeats the choices)")
    rng = random.Random(seed)
    for daphne in starting:
        await cluster.ready(daphne)
    log = await RoomLog.open(cluster.env["DATABASE_URL"], room["interview_id"])
    ivy, cole = client_of(room, "ivy", log), client_of(room, "cole", log)
    clients = [ivy, cole]
    load: list[LoadRoom] = []
    try:
        first = await ivy.connect(starting[0])
        await cole.connect(starting[1])
        assert (await ivy.command("round.start", "ivy-start"))["type"] == "ack"
        assert (await ivy.command("timer.start", "ivy-timer"))["type"] == "ack"
        traffic = Traffic(rng, first["rubric"]["criteria"][0])
        for tag in LOAD_TAGS:
            load_log = await RoomLog.open(cluster.env["DATABASE_URL"], rooms[tag]["interview_id"])
            seats = [client_of(rooms[tag], n, load_log, f"{n}.{tag}") for n in ("ivy", "cole")]
            load.append(LoadRoom(tag, load_log, seats, Drawing(rng, traffic_criterion(first))))
        # Half the load rooms on each process, both seats of a room on the same one.
        for n, load_room in enumerate(load):
            for client in load_room.clients:
                await client.connect(starting[n % 2])

        rounds = []
        for number in range(1, ROUNDS + 1):
            # Mostly one seat per process, so commands and events cross between them;
            # sometimes both on one process, so one kill takes both seats down.
            a, b = cluster.live
            if rng.random() < 0.75:
                if ivy.daphne is cole.daphne:
                    mover = rng.choice(clients)
                    await move(log, mover, b if mover.daphne is a else a)
            elif ivy.daphne is not cole.daphne:
                mover = rng.choice(clients)
                other = cole if mover is ivy else ivy
                await move(log, mover, other.daphne)
            await spread(load, cluster, rng)
            rounds.append(await kill_round(cluster, log, clients, traffic, rng, number, load))

        # Everyone catches up with a last resume, then the log is the judge.
        for client in clients:
            last_seq = client.resume_point()
            await assert_resume_is_exact(log, client, last_seq, await client.resume(last_seq))
        rows = await log.rows()
        by_seq = {row["seq"]: row for row in rows}

        for client in clients:
            assert client.errors == [], client.errors
            # Nothing was seen, live, before it was in the log: not an event, not an ack.
            assert client.seen_before_durable == [], client.seen_before_durable
            # Live events and its own resumes gave the client every event it may see.
            visible = {r["seq"]: row_view(r) for r in await log.visible_to(client)}
            missed = [s for s in visible if s > client.base_seq and s not in client.events]
            assert missed == [], f"{client.name} never received {missed}"
            for seq, frame in client.events.items():
                assert event_view(frame) == visible.get(seq), f"{client.name}: seq {seq}"

            # Every command was acknowledged (some only after a resend) and is in the log
            # exactly once, with the seq every one of its acks named.
            applied = await log.applied(client, list(client.sent))
            for message_id, message in client.sent.items():
                seqs = {ack["seq"] for ack in client.acks.get(message_id, [])}
                assert len(seqs) == 1, (message_id, client.acks.get(message_id))
                assert applied.get(message_id) == list(seqs), (message_id, applied.get(message_id))
                assert by_seq[seqs.pop()]["kind"] == KIND_OF[message["type"]]
            # Applied once each means nothing else of the client's is in the log.
            own = {r["client_msg_id"] for r in rows if r["actor_id"] == client.user_id}
            assert own - {None} == set(client.sent)

            # A resume from 0 on a surviving process gives back the whole visible log, and
            # every event in it as the client first received it.
            everything = await client.resume(0)
            await assert_resume_is_exact(log, client, 0, everything)
            replayed = {e["seq"] for e in everything["events"]}
            assert {a[-1]["seq"] for a in client.acks.values()} <= replayed
            assert client.conflicts == [], client.conflicts

        # The log's own chains: every stream's prev points at its previous event.
        heads: dict[tuple[str, int | None], int] = {}
        for row in rows:
            stream = (row["audience"], row["audience_user_id"])
            assert row["prev"] == heads.get(stream, 0), row
            heads[stream] = row["seq"]
        assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))

        # State agrees with the commands applied once each.
        sent = [m for c in clients for m in c.sent.values()]
        added = sum(1 for m in sent if m["type"] == "timer.add_time")
        assert sum((await log.state())["timer"]["added_ms"]) == added * MINUTE_MS
        assert await log.notes_by(ivy) == sum(1 for m in sent if m["type"] == "note.add")
        assert await log.board_versions() == traffic.versions

        # The load rooms: every command once in the log, where every ack said; both sides
        # of a resend happened to load commands too.
        for load_room in load:
            await assert_load_room_is_whole(load_room)
        assert sum(r["load_applied_before_the_kill"] for r in rounds) > 0
        assert sum(r["load_applied_on_resend"] for r in rounds) > 0

        # Sweeps removed the dead processes' connections and kept the live ones.
        async def one_connection_each() -> bool:
            return await log.presence() == {ivy.user_id: 1, cole.user_id: 1}

        await eventually(one_connection_each, within=20)

        # Both sides of a resend were exercised: commands the dead process had applied
        # (answered as duplicates) and commands it never got to (applied now).
        assert sum(r["applied_before_the_kill"] for r in rounds) > 0
        assert sum(r["applied_on_resend"] for r in rounds) > 0

        assert cluster.tracebacks() == []
    finally:
        for client in [*clients, *(c for r in load for c in r.clients)]:
            if client.ws is not None:
                client.ws.transport.abort()
        await log.close()
        for load_room in load:
            await load_room.log.close()


async def test_presence_crosses_processes_and_a_killed_process_is_swept(cluster):
    cluster, rooms, (a, b) = cluster
    room = rooms["presence"]
    await cluster.ready(a)
    await cluster.ready(b)
    log = await RoomLog.open(cluster.env["DATABASE_URL"], room["interview_id"])
    ivy, cole = client_of(room, "ivy", log), client_of(room, "cole", log)
    try:
        await cole.connect(b)
        await ivy.connect(a)

        # The candidate on B sees the interviewer who joined on A.
        joined = await cole.wait_for_event(
            lambda e: e["kind"] == "presence.joined" and e["actor"]["user_id"] == ivy.user_id
        )
        assert joined["payload"]["name"] == "Ivy"

        # Timer commands cross too.
        await ivy.command("round.start", "k1")
        await ivy.command("timer.start", "k2")
        added = await ivy.command("timer.add_time", "k3", minutes=3)
        seen = await cole.wait_for_event(lambda e: e["seq"] == added["seq"])
        assert seen["payload"]["timer"]["added_ms"][0] == 3 * MINUTE_MS
        assert seen["payload"]["timer"]["running"] is True

        # A dies without a word. B's sweep drops the dead connection and says so. The
        # candidate's connection is older than the interviewer's last sign of life, so only
        # B's heartbeat can have kept it through that sweep.
        frozen = ivy.freeze()
        cluster.kill(a)
        await ivy.abandon()
        left = await cole.wait_for_event(
            lambda e: e["kind"] == "presence.left" and e["actor"]["user_id"] == ivy.user_id
        )
        assert left["payload"]["connections"] == 0
        assert await log.presence() == {cole.user_id: 1}

        # The interviewer comes back through B and catches up, the sweep included.
        await ivy.connect(b)
        reply = await ivy.resume(frozen.last_seq)
        await assert_resume_is_exact(log, ivy, frozen.last_seq, reply)
        assert left["seq"] in [e["seq"] for e in reply["events"]]
        back = await cole.wait_for_event(
            lambda e: (
                e["kind"] == "presence.joined"
                and e["actor"]["user_id"] == ivy.user_id
                and e["seq"] > left["seq"]
            )
        )
        assert back["payload"]["connections"] == 1
        assert await log.presence() == {ivy.user_id: 1, cole.user_id: 1}
        # The sweep took only the dead: the candidate, alive on B, never left.
        gone = [r for r in await log.rows() if r["kind"] == "presence.left"]
        assert [r["actor_id"] for r in gone] == [ivy.user_id]
        assert ivy.seen_before_durable == cole.seen_before_durable == []
        assert cluster.tracebacks() == []
    finally:
        for client in (ivy, cole):
            if client.ws is not None:
                client.ws.transport.abort()
        await log.close()
