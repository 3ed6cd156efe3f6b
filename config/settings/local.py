"""The embedded default used by `make run`: SQLite, tasks in-process, e-mail to the console."""

import os

os.environ.setdefault("DEBUG", "true")
# A development-only key: production.py refuses to start without a real SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "django-insecure-local-development-key-not-for-production")

from .base import *  # noqa: F403
