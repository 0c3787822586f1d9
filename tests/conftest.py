"""Shared fixtures. Users are built the way people are: through the account model's manager."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from mockroom.accounts.models import User

PASSWORD = "correct-horse-battery-staple"
# The Origin that WebSocket test clients send; it must match ALLOWED_HOSTS.
ORIGIN = "http://localhost"


@pytest.fixture
def alice(db) -> User:
    """A signed-up user with a display name."""
    return User.objects.create_user("alice@example.com", PASSWORD, display_name="Alice")


@pytest.fixture
def charlie(db) -> User:
    """Another user, who should have no access to Alice's things."""
    return User.objects.create_user("charlie@example.com", PASSWORD, display_name="Charlie")


@pytest.fixture(scope="session", autouse=True)
def _close_worker_thread_connections(django_db_setup, django_db_blocker):
    """Async tests reach the database from asgiref's one shared worker thread, whose
    connection outlives them; close it before the test database is dropped (PostgreSQL
    refuses to drop a database someone is connected to)."""
    yield
    import asyncio

    from django.db import connections

    with django_db_blocker.unblock():
        asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture(autouse=True)
def _fresh_room_limits():
    """Per-user room limits live in the process; ids repeat across tests, so reset them."""
    from mockroom.live import limits

    limits.reset()
    yield
    limits.reset()


@pytest.fixture(autouse=True)
def _fresh_room_runtime():
    """Each test's database is new, and so must be every room's live state: stop the room
    runtimes (their writer threads close their database connections) after each test."""
    yield
    from mockroom.live import runtime

    runtime.reset_for_tests()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _session_cookie_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@pytest.fixture
def session_cookie():
    """Returns an async function: user -> Cookie header value of a logged-in session."""
    return sync_to_async(_session_cookie_for)


def _database_is_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: sync Playwright keeps an event loop running in the main
    thread for the session, and async tests cannot start their own loop after that.

    Tests marked `on_postgres` belong to the PostgreSQL pass (`make pytest-postgres`, which
    sets DATABASE_URL); the SQLite pass leaves them out instead of skipping them."""
    if not _database_is_postgresql():
        kept = [item for item in items if item.get_closest_marker("on_postgres") is None]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
