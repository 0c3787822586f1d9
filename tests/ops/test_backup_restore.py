"""`python -m ops.backup check` (make backup-check): a round with room events survives
`pg_dump -Fc` and `pg_restore` into a fresh database, on a cluster of its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ops.cluster import ROOT

pytestmark = pytest.mark.slow


def test_a_round_survives_dump_and_restore_into_a_fresh_database():
    done = subprocess.run(
        [sys.executable, "-m", "ops.backup", "check", "--start"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    for part in ("events", "room state", "board", "round", "participants"):
        assert f"  {part}: " in report and "DIFFERENT" not in report, report
    assert "  events: 6 rows, identical" in report, report
    assert "migrate --check on the restored database: exit 0" in report, report
