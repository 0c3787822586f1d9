"""Embedded default for `make run`: SQLite plus the in-memory channel layer."""

from .base import *
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
