"""The production topology on loopback: PostgreSQL, Redis, N web workers on uvicorn, nginx in
front with the room hash, and the task worker. `make cluster` runs it; the scale-out test, the
fault benchmark and the soak start it from Python and break its parts one at a time.

    python -m ops.cluster up [--workers 2] [--port 8080]   # runs until Ctrl-C or `stop`
    python -m ops.cluster stop                              # stops a running `up` by its PID

Every part binds 127.0.0.1 on a free port (nginx on `--port` if given) and is stopped by its
PID. The app runs with `mockroom.settings.production`. Loopback has no TLS, so what production
expects from the TLS proxy is stated here, explicitly:

- nginx sets `X-Forwarded-Proto: https` on every proxied request, as a TLS-terminating nginx
  would. Django then sees a secure request, so `SECURE_SSL_REDIRECT`, HSTS and the `Secure`
  cookie flags stay exactly as deployed and `check --deploy` passes. Browsers treat
  http://127.0.0.1 as a secure context and keep `Secure` cookies for it.
- `CSRF_TRUSTED_ORIGINS` names the plain-HTTP origin nginx serves, since a browser's Origin
  header says `http://` while Django believes the request is HTTPS.
- `SECRET_KEY` and `METRICS_TOKEN` are random per cluster. Mail goes over SMTP, as in
  production, to a local sink (ops/smtp_sink.py) that writes each message under the cluster's
  `mail/` directory.

Besides the hashed entrance, nginx listens on one extra port per worker ("pinned entrances")
that always proxies to that worker. Tests use them to put a room's two participants on
different workers, or on the same one, while still going through nginx.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ops.processes import free_port, pg_binary, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
PG_USER = "mockroom"
DATABASE = "mockroom"
RUN_DIR = ROOT / "var" / "cluster"
STATE_FILE = RUN_DIR / "cluster.json"
# The channel layer and the cache hold nothing that must survive a restart.
REDIS_NO_PERSISTENCE = ("--save", "", "--appendonly", "no")


def _nginx_binary() -> str:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("nginx is not installed; run `make system-deps`")


def _as_postgres() -> dict[str, Any]:
    """initdb and the postmaster refuse to run as root: as root, run them as `postgres`."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


@dataclass
class Part:
    name: str
    argv: list[str]
    port: int | None
    log: Path
    env: dict[str, str] | None = None
    cwd: Path | None = None
    runas: dict[str, Any] = field(default_factory=dict)
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as handle:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd or ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self.runas,
            )
        if self.port is not None:
            wait_for_port(self.port, proc=self.proc, timeout=90)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            os.kill(self.pid, sig)

    def wait(self, timeout: float = 30) -> None:
        assert self.proc is not None
        self.proc.wait(timeout=timeout)

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(text)


class Topology:
    """The whole production topology, started in order and stopped in reverse."""

    def __init__(
        self,
        workdir: Path,
        *,
        workers: int = 2,
        port: int | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.logs = workdir / "logs"
        self.logs.mkdir(exist_ok=True)
        self.worker_count = workers
        self.port = port or free_port()
        self.pinned_ports = [free_port() for _ in range(workers)]
        self.extra_env = extra_env or {}
        # PostgreSQL's files live where the `postgres` user can reach them.
        self.pg_dir = Path(tempfile.mkdtemp(prefix="mockroom-cluster-pg-"))
        self.postgres: Part | None = None
        self.redis: Part | None = None
        self.workers: list[Part] = []
        self.nginx: Part | None = None
        self.task_worker: Part | None = None
        self.smtp: Part | None = None
        self.metrics_token = secrets.token_urlsafe(24)
        self.env: dict[str, str] = {}

    # --- addresses -------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pinned_url(self, worker: int) -> str:
        """nginx's entrance that always proxies to worker `worker` (0-based)."""
        return f"http://127.0.0.1:{self.pinned_ports[worker]}"

    def database_url(self, database: str = DATABASE) -> str:
        assert self.postgres is not None and self.postgres.port is not None
        return f"postgres://{PG_USER}@127.0.0.1:{self.postgres.port}/{database}"

    # --- start and stop --------------------------------------------------------------

    def start(self) -> None:
        try:
            self._start_postgres()
            self._start_redis()
            self._start_smtp()
            self.env = self._app_env()
            self._manage("migrate", "--noinput", "-v0")
            self._manage("collectstatic", "--noinput", "-v0")
            for index in range(self.worker_count):
                self.workers.append(self._worker(index))
                self.workers[-1].start()
            self._start_nginx()
            self.task_worker = Part(
                "task-worker",
                [sys.executable, "manage.py", "db_worker", "--no-reload"],
                None,
                self.logs / "task-worker.log",
                env=self.env,
            )
            self.task_worker.start()
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Everything, by PID, in reverse order of start."""
        if self.task_worker is not None:
            stop(self.task_worker.proc) if self.task_worker.proc else None
        if self.nginx is not None and self.nginx.alive():
            self.nginx.signal(signal.SIGQUIT)  # graceful: finish requests in flight
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.signal(signal.SIGKILL)
        for worker in self.workers:
            worker.signal(signal.SIGTERM)
        for worker in self.workers:
            if worker.proc is not None:
                stop(worker.proc, timeout=20)
        if self.redis is not None and self.redis.proc is not None:
            stop(self.redis.proc)
        if self.smtp is not None and self.smtp.proc is not None:
            stop(self.smtp.proc)
        if self.postgres is not None and self.postgres.alive():
            self.postgres.signal(signal.SIGINT)  # fast shutdown
            try:
                self.postgres.wait(30)
            except subprocess.TimeoutExpired:
                self.postgres.signal(signal.SIGKILL)
        shutil.rmtree(self.pg_dir, ignore_errors=True)

    def wait_healthy(self, timeout: float = 60) -> dict[str, Any]:
        """Until nginx answers /healthz with every dependency ok (through each worker)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                reports = [self.health(self.pinned_url(i)) for i in range(len(self.workers))]
                if all(report.get("status") == "ok" for report in reports):
                    return reports[0]
                last = reports
            except OSError as exc:
                last = exc
            time.sleep(0.2)
        raise TimeoutError(f"cluster not healthy after {timeout}s: {last}")

    @staticmethod
    def health(base: str) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:  # 503 carries the report too
            return json.loads(error.read())

    # --- faults ----------------------------------------------------------------------

    def kill_worker(self, index: int) -> None:
        """SIGKILL: no shutdown, no goodbye to sockets, PostgreSQL or Redis."""
        worker = self.workers[index]
        worker.signal(signal.SIGKILL)
        worker.wait(10)

    def start_worker(self, index: int) -> None:
        """Starts worker `index` again, on the port nginx already knows."""
        self.workers[index].start()

    def restart_redis(self) -> None:
        assert self.redis is not None and self.redis.proc is not None
        stop(self.redis.proc)
        self.redis.start()

    def restart_postgres(self) -> None:
        """Fast shutdown (every session ended, nothing committed is lost), then start."""
        assert self.postgres is not None
        self.postgres.signal(signal.SIGINT)
        self.postgres.wait(60)
        self.postgres.start()

    def reload_nginx(self) -> None:
        """SIGHUP: nginx starts new worker processes with the config and lets the old ones
        finish. Open WebSockets stay on the old processes until they close."""
        assert self.nginx is not None
        self.nginx.signal(signal.SIGHUP)

    # --- helpers ---------------------------------------------------------------------

    def manage(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        return self._manage(*args, capture=capture)

    def _manage(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=capture,
            text=True,
            timeout=600,
        )

    def _app_env(self) -> dict[str, str]:
        origin = f"http://127.0.0.1:{self.port}"
        pinned = [f"http://127.0.0.1:{port}" for port in self.pinned_ports]
        prometheus_dir = self.workdir / "prometheus"
        shutil.rmtree(prometheus_dir, ignore_errors=True)
        prometheus_dir.mkdir()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "mockroom.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": ",".join([origin, *pinned]),
            "DATABASE_URL": self.database_url(),
            "DB_CONN_MAX_AGE": "60",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis.port if self.redis else 0}/0",
            "STATIC_ROOT": str(self.workdir / "static"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port if self.smtp else 0),
            "SITE_URL": origin,
            "PROMETHEUS_MULTIPROC_DIR": str(prometheus_dir),
            "METRICS_TOKEN": self.metrics_token,
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.extra_env)
        return env

    def _start_postgres(self) -> None:
        runas = _as_postgres()
        if runas:
            shutil.chown(self.pg_dir, "postgres", "postgres")
        data = self.pg_dir / "data"
        subprocess.run(
            [pg_binary("initdb"), "-D", str(data), "-U", PG_USER, "-A", "trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            cwd=self.pg_dir,
            **runas,
        )
        port = free_port()
        log = self.pg_dir / "postgres.log"  # the `postgres` user must be able to write it
        self.postgres = Part(
            "postgres",
            [
                pg_binary("postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.pg_dir}",
                "-c",
                "max_connections=200",
            ],
            port,
            log,
            cwd=self.pg_dir,
            runas=runas,
        )
        self.postgres.start()
        import psycopg

        # The port opens before PostgreSQL accepts sessions ("the database system is
        # starting up"); on a busy machine that window is long enough to be hit.
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = psycopg.connect(self.database_url("postgres"), autocommit=True)
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline or not self.postgres.alive():
                    raise
                time.sleep(0.2)
        with conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')

    def _start_redis(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed; run `make system-deps`")
        port = free_port()
        self.redis = Part(
            "redis",
            [binary, "--port", str(port), "--bind", "127.0.0.1", *REDIS_NO_PERSISTENCE],
            port,
            self.logs / "redis.log",
        )
        self.redis.start()

    def _start_smtp(self) -> None:
        port = free_port()
        self.smtp = Part(
            "smtp-sink",
            [
                sys.executable,
                "-m",
                "ops.smtp_sink",
                "--port",
                str(port),
                "--dir",
                str(self.workdir / "mail"),
            ],
            port,
            self.logs / "smtp-sink.log",
        )
        self.smtp.start()

    def _worker(self, index: int) -> Part:
        port = free_port()
        name = f"web-{index + 1}"
        return Part(
            name,
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--ws",
                "websockets",
                "--lifespan",
                "off",
                "--no-access-log",
                "--proxy-headers",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "mockroom.asgi:application",
            ],
            port,
            self.logs / f"{name}.log",
            # libpq names every session the worker opens, so a test can tell them apart.
            env={**self.env, "PGAPPNAME": f"mockroom-{name}"},
        )

    def _start_nginx(self) -> None:
        conf_dir = self.workdir / "nginx"
        conf_dir.mkdir(exist_ok=True)
        temp = conf_dir / "temp"
        temp.mkdir(exist_ok=True)
        temp.chmod(0o777)  # nginx's workers run as `nobody` when the master is root
        conf = conf_dir / "nginx.conf"
        conf.write_text(self.nginx_config(temp))
        error_log = self.logs / "nginx-error.log"
        self.nginx = Part(
            "nginx",
            [_nginx_binary(), "-c", str(conf), "-p", str(conf_dir), "-e", str(error_log)],
            self.port,
            self.logs / "nginx.log",
        )
        self.nginx.start()
        for port in self.pinned_ports:
            wait_for_port(port, proc=self.nginx.proc)

    def nginx_config(self, temp: Path) -> str:
        servers = "\n".join(f"        server 127.0.0.1:{w.port} max_fails=0;" for w in self.workers)
        pinned = "\n".join(
            f"""    upstream mockroom_worker_{i} {{ server 127.0.0.1:{w.port} max_fails=0; }}
    server {{
        listen 127.0.0.1:{self.pinned_ports[i]};
        location / {{ proxy_pass http://mockroom_worker_{i}; }}
    }}"""
            for i, w in enumerate(self.workers)
        )
        template = (ROOT / "deploy" / "nginx-loopback.conf").read_text()
        return (
            template.replace("@TEMP@", str(temp))
            .replace("@LOGS@", str(self.logs))
            .replace("@PORT@", str(self.port))
            .replace("@SERVERS@", servers)
            .replace("@PINNED@", pinned)
            .replace("@STATIC_ROOT@", str(self.workdir / "static"))
        )

    def describe(self) -> dict[str, Any]:
        parts = [self.postgres, self.redis, self.smtp, *self.workers, self.nginx, self.task_worker]
        return {
            "url": self.url,
            "pinned": [self.pinned_url(i) for i in range(len(self.workers))],
            "database_url": self.database_url(),
            "redis_url": self.env.get("REDIS_URL"),
            "metrics_token": self.metrics_token,
            "pids": {p.name: p.pid for p in parts if p is not None and p.proc is not None},
            "logs": str(self.logs),
        }


def _up(args: argparse.Namespace) -> int:
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    if STATE_FILE.exists():
        state = json.loads(STATE_FILE.read_text())
        try:
            os.kill(state["pid"], 0)
        except OSError:
            pass
        else:
            print(f"A cluster is already running (PID {state['pid']}): make cluster-stop")
            return 1
    topology = Topology(RUN_DIR / "run", workers=args.workers, port=args.port)
    stopping = False

    def on_signal(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"Starting PostgreSQL, Redis, {args.workers} uvicorn workers, nginx and the task worker…")
    topology.start()
    described = topology.describe()
    STATE_FILE.write_text(json.dumps({"pid": os.getpid(), **described}, indent=2))
    env_file = RUN_DIR / "env"
    env_file.write_text(
        "".join(
            f"export {key}={value}\n"
            for key, value in topology.env.items()
            if key.startswith(("DJANGO_", "SECRET_", "ALLOWED_", "DATABASE_", "REDIS_", "STATIC_"))
            or key in ("METRICS_TOKEN", "CSRF_TRUSTED_ORIGINS")
            or key.startswith("EMAIL_")
        )
    )
    env_file.chmod(0o600)
    print(f"MockRoom cluster on {topology.url}/")
    print(f"  workers through nginx, pinned: {', '.join(described['pinned'])}")
    print(f"  /metrics token: {topology.metrics_token}")
    print(
        f"  create a user: (source {env_file.relative_to(ROOT)}"
        " && .venv/bin/python manage.py createsuperuser)"
    )
    print(f"  logs: {topology.logs.relative_to(ROOT)}/   stop: Ctrl-C or `make cluster-stop`")
    try:
        while not stopping:
            for part in [topology.postgres, topology.redis, *topology.workers, topology.nginx]:
                if part is not None and not part.alive():
                    print(f"{part.name} exited; stopping the cluster\n{part.tail()}")
                    stopping = True
            time.sleep(0.5)
    finally:
        print("Stopping the cluster…")
        topology.stop()
        STATE_FILE.unlink(missing_ok=True)
        print("Stopped.")
    return 0


def _stop(_: argparse.Namespace) -> int:
    if not STATE_FILE.exists():
        print("No cluster is running.")
        return 0
    state = json.loads(STATE_FILE.read_text())
    try:
        os.kill(state["pid"], signal.SIGTERM)
    except ProcessLookupError:
        # The supervisor died without cleaning up: stop what it recorded, by PID.
        for pid in state.get("pids", {}).values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        STATE_FILE.unlink(missing_ok=True)
        print("Stopped the parts the cluster had recorded.")
        return 0
    deadline = time.monotonic() + 90
    while STATE_FILE.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    print("Stopped." if not STATE_FILE.exists() else "The cluster is still stopping.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.cluster", description=(__doc__ or "").split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the cluster and run until Ctrl-C or `stop`")
    up.add_argument("--workers", type=int, default=2)
    up.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    up.set_defaults(func=_up)
    down = sub.add_parser("stop", help="stop a running cluster")
    down.set_defaults(func=_stop)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
