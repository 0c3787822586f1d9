"""Settings for pytest: fast hashing, mail kept in memory, no outside services by default."""

from .base import *
from .base import env, env_bool, mailer_from_env

DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
# WebSocket test clients (Channels' communicator, `websockets`) send this Origin without a
# matching Host header; browsers in the e2e tests are same-origin and need no entry.
CSRF_TRUSTED_ORIGINS = ["http://localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Browser tests run the server in another process and read mail from files.
MAILERS = {"default": mailer_from_env(env("EMAIL_BACKEND", "locmem"))}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Every room event built in a test is checked against its payload model (live/protocol.py).
# The relay benchmark turns it off (it measures the hot path as production runs it).
ROOM_VALIDATE_EVENT_PAYLOADS = env_bool("ROOM_VALIDATE_EVENT_PAYLOADS", True)

# Uploads from tests go to a throwaway folder unless the caller chose one.
if not env("MEDIA_ROOT"):
    import tempfile
    from pathlib import Path

    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="mockroom-media-"))

# The test database is a file, not SQLite's shared-cache memory database: the room
# runtime's writer thread has a connection of its own, and shared-cache connections refuse
# each other at once ("table is locked") where a WAL file lets readers and the writer share.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import tempfile as _tempfile
    from pathlib import Path as _Path

    DATABASES["default"]["TEST"] = {
        "NAME": str(_Path(_tempfile.mkdtemp(prefix="mockroom-testdb-")) / "test.sqlite3")
    }
