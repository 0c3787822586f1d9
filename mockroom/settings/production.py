"""Production: PostgreSQL, Redis, HTTPS behind a proxy. Refuses to start with a weak SECRET_KEY."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import BASE_DIR, SECRET_KEY, STORAGES, env, env_bool, env_list, mailer_from_env

if (
    not SECRET_KEY
    or SECRET_KEY.startswith("insecure")
    or len(set(SECRET_KEY)) < 5
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random string of at least 50 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

# Rotating SECRET_KEY: the new key here, the old one(s) in this comma list until the sessions
# and links they signed have expired (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names MockRoom is served on.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

WHITENOISE_USE_FINDERS = False
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Real mail in production: SMTP unless EMAIL_BACKEND names another backend.
MAILERS = {"default": mailer_from_env(env("EMAIL_BACKEND", "smtp"))}
