"""Settings shared by every environment; everything that varies comes from the environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "mockroom"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "insecure-local-development-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_vite",
    "ninja",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "mockroom.core",
    "mockroom.accounts",
    "mockroom.interviews",
    "mockroom.live",
    "mockroom.whiteboard",
    "mockroom.rubrics",
    "mockroom.feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mockroom.accounts.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "mockroom.urls"
ASGI_APPLICATION = "mockroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database: SQLite embedded by default, PostgreSQL (psycopg 3) when DATABASE_URL is set.
if not env("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web process read while one of them writes. synchronous=FULL:
    # a commit is on disk before it returns, so an acknowledged event survives power loss too;
    # the room writer's group commit pays that fsync once per batch (docs/adr/0010).
    # SQLITE_SYNCHRONOUS=NORMAL trades that for throughput: it survives a crash of the
    # process, not of the machine (docs/performance-relay.md measures the difference).
    SQLITE_SYNCHRONOUS = env("SQLITE_SYNCHRONOUS", "FULL").upper()
    if SQLITE_SYNCHRONOUS not in {"NORMAL", "FULL", "EXTRA"}:
        raise ImproperlyConfigured("SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA")
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS};",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Channel layer: in-memory by default, Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": env("CHANNEL_LAYER_BACKEND", "channels_redis.core.RedisChannelLayer"),
            # channels_redis waits for messages with a 5 s blocking pop; redis-py 8's default
            # 5 s socket timeout would kill every idle consumer (1011). Wait longer than it.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks (django.tasks with the database backend; `manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Auth (django-allauth)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins are throttled per IP and per account; see docs/operations.md.
    "login_failed": env("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MockRoom] "
ACCOUNT_ADAPTER = "mockroom.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "mockroom.accounts.forms.SignupForm"}  # asks for a display name
LOGIN_REDIRECT_URL = "interviews:dashboard"
LOGIN_URL = "account_login"

# --- Email: console by default, SMTP (or any backend) by setting. Django 6.1's MAILERS.
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def mailer_from_env(kind: str) -> dict[str, object]:
    backend = EMAIL_BACKENDS.get(kind, kind)
    options: dict[str, object] = {}
    if kind == "smtp":
        options = {
            "host": env("EMAIL_HOST", "localhost"),
            "port": int(env("EMAIL_PORT", "25")),
            "username": env("EMAIL_HOST_USER"),
            "password": env("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 10,
        }
    elif kind == "file":
        options = {"file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_env(env("EMAIL_BACKEND", "console"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "MockRoom <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- i18n
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT")) if env("STATIC_ROOT") else None
# The Vite build to serve. The browser tests point it at frontend/dist-e2e, the build that
# carries their test hooks (`make frontend-e2e`); relative paths are from the project root.
FRONTEND_DIST = BASE_DIR / env("FRONTEND_DIST", "frontend/dist")
STATICFILES_DIRS = [PACKAGE_DIR / "static", FRONTEND_DIST]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    # Uploaded board images and exports. Local disk by default; any Django storage by
    # setting, e.g. MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage with
    # MEDIA_STORAGE_OPTIONS='{"bucket_name": "mockroom", "endpoint_url": "https://..."}'
    # (after `pip install django-storages[s3]`).
    "default": {
        "BACKEND": env("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the finders so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

DJANGO_VITE = {
    "default": {
        "dev_mode": False,
        "manifest_path": FRONTEND_DIST / ".vite" / "manifest.json",
        "static_url_prefix": "",
    }
}

# --- Security
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the room's JS reads it to POST uploads
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Excalidraw sets inline styles on its canvas and popovers.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "font-src": [CSP.SELF, "data:"],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}},
}

# --- The live room
# Per user per room, across all of their sockets (see mockroom/live/limits.py).
ROOM_RATE_PER_SECOND = float(env("ROOM_RATE_PER_SECOND", "30"))
ROOM_BURST = float(env("ROOM_BURST", "60"))
ROOM_BYTES_PER_SECOND = float(env("ROOM_BYTES_PER_SECOND", str(256 * 1024)))
ROOM_BYTES_BURST = float(env("ROOM_BYTES_BURST", str(2 * 1024 * 1024)))
ROOM_MAX_CONNECTIONS_PER_USER = int(env("ROOM_MAX_CONNECTIONS_PER_USER", "8"))
ROOM_CONNECTS_PER_MINUTE = float(env("ROOM_CONNECTS_PER_MINUTE", "20"))
ROOM_CONNECT_BURST = float(env("ROOM_CONNECT_BURST", "10"))
ROOM_ABUSE_STRIKES = int(env("ROOM_ABUSE_STRIKES", "20"))
# Frames queued for one socket before it counts as not reading and is closed (4011); its
# client reconnects and resumes. Bounds the memory one stalled reader can hold.
ROOM_OUTBOX_FRAMES = int(env("ROOM_OUTBOX_FRAMES", "2000"))
PRESENCE_HEARTBEAT_SECONDS = float(env("PRESENCE_HEARTBEAT_SECONDS", "10"))
PRESENCE_TTL_SECONDS = float(env("PRESENCE_TTL_SECONDS", "30"))
# Check every event's payload against its kind's model in live/protocol.py as it is
# appended. On in tests (settings/test.py); off elsewhere, so the hot path pays nothing.
ROOM_VALIDATE_EVENT_PAYLOADS = False

# --- Operations
# /metrics (Prometheus) answers only when this is set, and only to `Authorization: Bearer
# <METRICS_TOKEN>`; empty, it is a 404. Multiprocess mode: PROMETHEUS_MULTIPROC_DIR
# (mockroom/core/metrics.py).
METRICS_TOKEN = env("METRICS_TOKEN")
# Rounds one user may create in a clock hour, through the API and the form together, and at
# most ROUND_CREATE_BURST of them in one minute; 0 turns a limit off (interviews/throttle.py).
ROUND_CREATES_PER_HOUR = int(env("ROUND_CREATES_PER_HOUR", "60"))
ROUND_CREATE_BURST = int(env("ROUND_CREATE_BURST", "20"))

# --- Feedback
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")  # for links in emails sent by the worker
FEEDBACK_RELEASE_HOURS = float(env("FEEDBACK_RELEASE_HOURS", "48"))

# --- The site's name, in page titles and mails (never the host it happens to run on).
SITE_NAME = env("SITE_NAME", "MockRoom")
