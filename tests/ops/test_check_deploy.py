"""`manage.py check --deploy` is clean, at WARNING level, for the settings the loopback
cluster runs with (ops/cluster.py): production settings, PostgreSQL, Redis, and what loopback
sets explicitly (X-Forwarded-Proto from nginx, CSRF_TRUSTED_ORIGINS, the file mail backend)."""

from __future__ import annotations

import subprocess
import sys

from ops.cluster import ROOT, Part, Topology
from ops.processes import free_port


def cluster_env(workdir) -> dict[str, str]:
    """Topology's environment for the app, built without starting anything: the checks read
    settings only (no --database), so the servers' ports are all they need."""
    topology = Topology(workdir, workers=2)
    topology.postgres = Part("postgres", [], free_port(), workdir / "pg.log")
    topology.redis = Part("redis", [], free_port(), workdir / "redis.log")
    topology.smtp = Part("smtp-sink", [], free_port(), workdir / "smtp.log")
    return topology._app_env()


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_for_the_clusters_settings(tmp_path):
    env = cluster_env(tmp_path)
    assert env["DJANGO_SETTINGS_MODULE"] == "mockroom.settings.production"
    done = check_deploy(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_would_catch_a_cluster_without_hsts(tmp_path):
    done = check_deploy({**cluster_env(tmp_path), "SECURE_HSTS_SECONDS": "0"})
    assert done.returncode != 0
    assert "security.W004" in done.stdout + done.stderr
