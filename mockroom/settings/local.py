"""Embedded default for `make run`: SQLite plus the in-memory channel layer."""

from .base import *
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)

# `make run` is one process: run background jobs (emails) inline unless asked otherwise.
# With TASKS_BACKEND=database, start `make worker` next to it, as production does.
if env("TASKS_BACKEND", "immediate") != "database":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
