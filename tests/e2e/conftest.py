"""Browser tests: a real Daphne serving the app, driven by Debian's chromium via Playwright.

Every page a test loads must be checked with axe-core (`page_checks.accessible()`); the
teardown fails the test if a loaded page was never checked, if axe found serious or critical
violations, or if the page asked any host but ours for anything.
"""

from __future__ import annotations

import email
import email.message
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.services import free_port, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]
ARTIFACTS = ROOT / "test-artifacts"
# The front-end build with the test hooks the browser tests read (`window.__mockroomBoard`);
# `make pytest` builds it (`make frontend-e2e`). The production build in frontend/dist has none.
E2E_DIST = ROOT / "frontend" / "dist-e2e"


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    mail_dir: Path
    port: int = 0
    log_path: Path | None = None
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the server
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "mockroom.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, proc=self.proc, timeout=60)

    def restart(self) -> None:
        """Stop Daphne and start it again on the same port (same database)."""
        if self.proc is not None:
            stop(self.proc)
        self.start()

    def manage(self, *args: str) -> str:
        """Run a management command against the live server's database."""
        out = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return out.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def create_verified_user(self, email: str, password: str, name: str = "") -> None:
        self.shell(
            "from mockroom.accounts.models import User; "
            "from allauth.account.models import EmailAddress; "
            f"u = User.objects.create_user({email!r}, {password!r}, display_name={name!r}); "
            "EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)"
        )

    def mails(self) -> list[email.message.Message]:
        """Every message the server sent, oldest first, parsed from the file backend's logs."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=os.path.getmtime):
            for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk.strip()))
        return messages


@pytest.fixture(scope="session")
def live_server_url() -> Iterator[LiveServer]:
    if not (E2E_DIST / ".vite" / "manifest.json").exists():
        raise RuntimeError(f"{E2E_DIST} is missing; run `make frontend-e2e`")
    tmp = Path(tempfile.mkdtemp(prefix="mockroom-e2e-"))
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.test",
        FRONTEND_DIST=str(E2E_DIST),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(mail_dir),
        MEDIA_ROOT=str(tmp / "media"),
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = LiveServer(
        url=f"http://127.0.0.1:{port}",
        env=env,
        mail_dir=mail_dir,
        port=port,
        log_path=tmp / "daphne.log",
    )
    try:
        server.start()
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as response:  # noqa: S310
            assert response.status == 200
        yield server
    finally:
        if server.proc is not None:
            stop(server.proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian's chromium is missing; run `make system-deps`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class PageChecks:
    """What the page did: every request's host, console errors, pages loaded and checked."""

    origin: str
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)
    page: Page | None = None

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.outside_requests.append(request.url)

    def accessible(self) -> None:
        """Run axe-core on the current page; serious or critical violations fail the test."""
        assert self.page is not None
        self.page.wait_for_load_state("load")
        results = Axe().run(self.page)
        for violation in results.response["violations"]:
            if violation.get("impact") in {"serious", "critical"}:
                targets = [node.get("target") for node in violation.get("nodes", [])][:5]
                self.violations.append(f"{self.page.url}: {violation['id']} {targets}")
        self.checked.add(urlsplit(self.page.url).path)


def _new_page(
    browser: Browser, live_server_url: LiveServer, request
) -> Iterator[tuple[Page, PageChecks]]:
    context = browser.new_context(
        base_url=live_server_url.url, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    checks = PageChecks(origin=live_server_url.url, page=page)
    page.on("request", checks.on_request)
    page.on(
        "console",
        lambda msg: checks.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("load", lambda p: checks.loaded.append(urlsplit(p.url).path))
    yield page, checks
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _checked_page(browser, live_server_url, request) -> Iterator[Page]:
    gen = _new_page(browser, live_server_url, request)
    page, checks = next(gen)
    page.checks = checks  # type: ignore[attr-defined]
    yield page
    unchecked = sorted(set(checks.loaded) - checks.checked)
    csp = [e for e in checks.console_errors if "Content Security Policy" in e]
    try:
        outside = checks.outside_requests
        assert not outside, f"{len(outside)} requests left our host, e.g. {outside[:3]}"
        assert not checks.violations, "axe: " + "; ".join(checks.violations)
        assert not unchecked, f"pages loaded but never checked with axe: {unchecked}"
        assert not csp, f"CSP violations: {csp}"
    finally:
        next(gen, None)


@pytest.fixture
def page(browser, live_server_url, request) -> Iterator[Page]:
    """A fresh browser context; teardown fails on outside requests, axe or CSP problems."""
    yield from _checked_page(browser, live_server_url, request)


@pytest.fixture
def page_b(browser, live_server_url, request) -> Iterator[Page]:
    """A second, independent person (own cookies), checked the same way."""
    yield from _checked_page(browser, live_server_url, request)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
