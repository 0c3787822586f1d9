"""Settings for pytest: fast hashing, mail kept in memory, no outside services by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
}.get(env("EMAIL_BACKEND"), "django.core.mail.backends.locmem.EmailBackend")
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
