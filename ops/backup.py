"""Backup and restore, tried for real: `pg_dump -Fc` of the cluster's database, `pg_restore`
into a fresh database, and a check that a round with room events survived whole.

    python -m ops.backup check            # on the running `make cluster`, or one it starts
    python -m ops.backup check --start    # always on a cluster of its own (what the test runs)
    python -m ops.backup check --keep     # leave the restored database and the dump in place

It creates a round through the project's services (two users, the round started, the timer
started and paused, three board updates), dumps the database, restores the dump into a new
database on the same server, and compares, for that round: the event log row by row (seq,
prev, kind, audience, actor, payload, message id), the room state (seq, stream heads, timer),
the board's elements and the round's status. Then it runs `migrate --check` against the
restored database: the schema is whole and current. It prints one line per check and exits
non-zero on any difference. docs/operations.md has the manual procedure it automates.

The PostgreSQL tools connect over TCP as the cluster's `mockroom` role (trust on loopback),
so they also work when this runs as root.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ops.cluster import ROOT, RUN_DIR, STATE_FILE, Topology
from ops.processes import pg_binary

# Run by `manage.py shell` with the cluster's environment: one round, its events written by
# the same service the room's sockets use (live/services.py room_command). Prints its ids.
MAKE_ROUND = """
import json, os
from datetime import UTC, datetime
from mockroom.accounts.models import User
from mockroom.interviews.agenda import template_phases
from mockroom.interviews.services import interview_create, invitation_accept
from mockroom.live.services import room_command

tag = os.environ["BACKUP_TAG"]
ivy = User.objects.create_user(f"ivy-{tag}@example.com", "pw-123456789", display_name="Ivy")
cole = User.objects.create_user(f"cole-{tag}@example.com", "pw-123456789", display_name="Cole")
interview, issued = interview_create(
    creator=ivy, title="Backup check", kind="coding", creator_role="interviewer",
    agenda=template_phases("coding"), scheduled_at=datetime(2030, 1, 1, tzinfo=UTC),
    time_zone="UTC")
token = next(i.token for i in issued if i.invitation.role == "candidate")
invitation_accept(token=token, user=cole)

def element(n, version):
    return {"id": f"note-{n}", "type": "text", "version": version, "versionNonce": n,
            "text": f"note {n} v{version}"}

steps = [
    (ivy, "round.start", {}),
    (ivy, "timer.start", {}),
    (cole, "board.update", {"elements": [element(1, 1), element(2, 1)]}),
    (ivy, "board.update", {"elements": [element(3, 1)]}),
    (cole, "board.update", {"elements": [element(1, 2)]}),
    (ivy, "timer.pause", {}),
]
seqs = [
    room_command(interview_id=interview.pk, user_id=who.pk, command=command,
                 client_msg_id=f"backup-{n}", args=args).seq
    for n, (who, command, args) in enumerate(steps)
]
print(json.dumps({"interview_id": interview.pk, "public_id": interview.public_id, "seqs": seqs}))
"""

ROUND_QUERIES = {
    "events": (
        "SELECT seq, prev, kind, audience, audience_user_id, actor_id, payload, client_msg_id"
        " FROM live_roomevent WHERE interview_id = %s ORDER BY seq"
    ),
    "room state": ("SELECT seq, stream_heads, timer FROM live_roomstate WHERE interview_id = %s"),
    "board": (
        "SELECT element_id, version, version_nonce, is_deleted FROM whiteboard_boardelement"
        " WHERE interview_id = %s ORDER BY element_id"
    ),
    "round": (
        "SELECT public_id, title, status, started_at, ended_at FROM interviews_interview"
        " WHERE id = %s"
    ),
    "participants": (
        "SELECT user_id, role FROM interviews_participant WHERE interview_id = %s ORDER BY user_id"
    ),
}


class CheckFailed(Exception):
    pass


def read_round(database_url: str, interview_id: int) -> dict[str, list[dict[str, Any]]]:
    """What the checks compare: the round's rows, JSON-normalized."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return {
            name: json.loads(json.dumps(conn.execute(sql, (interview_id,)).fetchall(), default=str))
            for name, sql in ROUND_QUERIES.items()
        }


def running_cluster_env() -> dict[str, str] | None:
    """The environment of the cluster `make cluster` is running, if one is."""
    if not STATE_FILE.exists():
        return None
    state = json.loads(STATE_FILE.read_text())
    try:
        os.kill(state["pid"], 0)
    except OSError:
        return None
    env = dict(os.environ)
    for line in (RUN_DIR / "env").read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


def dump(database_url: str, path: Path) -> None:
    subprocess.run(
        [pg_binary("pg_dump"), "--format=custom", f"--file={path}", f"--dbname={database_url}"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


def restore(path: Path, server_url: str, database: str) -> str:
    """Creates `database` (empty) on the server of `server_url` and restores into it; returns
    its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    target = server_url.rsplit("/", 1)[0] + f"/{database}"
    subprocess.run(
        [pg_binary("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={target}", str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return target


def drop(server_url: str, database: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def check(env: dict[str, str], workdir: Path, *, keep: bool = False) -> dict[str, Any]:
    """Round, dump, restore, compare. Raises CheckFailed on any difference."""
    source_url = env["DATABASE_URL"]
    server_url = source_url.rsplit("/", 1)[0] + "/postgres"
    tag = f"{int(time.time())}-{secrets.token_hex(3)}"
    made = json.loads(
        manage({**env, "BACKUP_TAG": tag}, "shell", "-c", MAKE_ROUND).splitlines()[-1]
    )
    interview_id = made["interview_id"]
    before = read_round(source_url, interview_id)
    if len(before["events"]) < len(made["seqs"]):
        raise CheckFailed(f"the round has {len(before['events'])} events before the dump")
    seq = before["room state"][0]["seq"]
    print(f"round {made['public_id']}: {len(before['events'])} events, seq {seq}")

    path = workdir / f"mockroom-{tag}.dump"
    started = time.monotonic()
    dump(source_url, path)
    print(f"pg_dump -Fc: {path} ({path.stat().st_size} bytes, {time.monotonic() - started:.1f} s)")
    database = f"mockroom_restored_{tag.replace('-', '_')}"
    started = time.monotonic()
    restored_url = restore(path, server_url, database)
    print(f"pg_restore into {database} ({time.monotonic() - started:.1f} s)")
    try:
        after = read_round(restored_url, interview_id)
        failures = []
        for name, rows in before.items():
            same = after[name] == rows
            print(f"  {name}: {len(rows)} rows, {'identical' if same else 'DIFFERENT'}")
            if not same:
                failures.append(f"{name}: before {rows}, restored {after[name]}")
        seqs = [row["seq"] for row in after["events"]]
        if seqs != list(range(1, len(seqs) + 1)):
            failures.append(f"restored seqs are not 1..N: {seqs}")
        if after["room state"] and after["room state"][0]["seq"] != seqs[-1]:
            failures.append("the restored room's seq is not its last event's")
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": restored_url},
            capture_output=True,
            text=True,
            timeout=300,
        )
        print(f"  migrate --check on the restored database: exit {migrated.returncode}")
        if migrated.returncode != 0:
            failures.append(f"migrate --check: {migrated.stdout}{migrated.stderr}")
        if failures:
            raise CheckFailed("\n".join(failures))
    finally:
        if not keep:
            drop(server_url, database)
            path.unlink(missing_ok=True)
    return {"public_id": made["public_id"], "events": len(before["events"]), "database": database}


def _check(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        env = None if args.start else running_cluster_env()
        if env is None:
            workdir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="mockroom-backup-"))
            )
            print("Starting a cluster of its own (PostgreSQL, Redis, 2 uvicorn workers, nginx)…")
            topology = Topology(workdir / "cluster", workers=2)
            topology.start()
            stack.callback(topology.stop)
            env = topology.env
        else:
            print("Using the running cluster (var/cluster/).")
            workdir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="mockroom-backup-"))
            )
        if args.keep:
            RUN_DIR.mkdir(parents=True, exist_ok=True)
            workdir = RUN_DIR
        try:
            check(env, workdir, keep=args.keep)
        except CheckFailed as failure:
            print(f"BACKUP CHECK FAILED:\n{failure}")
            return 1
        except subprocess.CalledProcessError as error:
            print(f"BACKUP CHECK FAILED: {error.cmd[:2]} exited {error.returncode}\n{error.stderr}")
            return 1
    print("backup check: the round, its events, its seq and its board survived dump and restore")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.backup", description=(__doc__ or "").split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("check", help="dump, restore into a new database, compare a round")
    run.add_argument("--start", action="store_true", help="always start a cluster of its own")
    run.add_argument("--keep", action="store_true", help="keep the dump and restored database")
    run.set_defaults(func=_check)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
