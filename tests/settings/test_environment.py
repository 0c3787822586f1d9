"""Settings follow the environment: embedded defaults, PostgreSQL and Redis when asked."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'], "
    "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'], "
    "'mail': settings.MAILERS['default']['BACKEND'], 'hosts': settings.ALLOWED_HOSTS, "
    "'csrf': settings.CSRF_TRUSTED_ORIGINS}))"
)


def settings_with(extra_env: dict[str, str]) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "mockroom.settings.local"
    env.update(extra_env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_embedded_default_is_sqlite_in_memory_layer_and_console_mail():
    found = settings_with({})
    assert found["db"] == "django.db.backends.sqlite3"
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["mail"] == "django.core.mail.backends.console.EmailBackend"


def test_database_url_selects_postgresql():
    found = settings_with({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/mockroom"})
    assert found["db"] == "django.db.backends.postgresql"


def test_redis_url_selects_channels_redis():
    found = settings_with({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert found["layer"] == "channels_redis.core.RedisChannelLayer"


def test_email_backend_smtp_by_setting():
    assert settings_with({"EMAIL_BACKEND": "smtp"})["mail"].endswith("smtp.EmailBackend")


def test_hosts_and_trusted_origins_come_from_the_environment():
    found = settings_with(
        {"ALLOWED_HOSTS": "a.example,b.example", "CSRF_TRUSTED_ORIGINS": "https://a.example"}
    )
    assert found["hosts"] == ["a.example", "b.example"]
    assert found["csrf"] == ["https://a.example"]


def test_media_storage_is_configurable_for_s3_compatible_backends():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="mockroom.settings.local",
        MEDIA_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage",
        MEDIA_STORAGE_OPTIONS='{"base_url": "/media-test/"}',
    )
    script = (
        "import django; django.setup(); from django.core.files.storage import storages;"
        "s = storages['default']; print(type(s).__name__, s.base_url)"
    )
    default_storage_name = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert default_storage_name == ["InMemoryStorage", "/media-test/"]
