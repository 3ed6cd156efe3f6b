"""Settings for the test suite: fast hashing, in-memory e-mail, tasks in-process unless a test
starts a real worker. DATABASE_URL chooses SQLite (default) or PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "false")
# The suite decides per test whether a broker is used; by default tasks run eagerly.
os.environ["CELERY_BROKER_URL"] = ""
# The suite never reports errors to a Sentry server, whatever the environment says.
os.environ["SENTRY_DSN"] = ""
# User files go to a fresh MEDIA_ROOT per test, never to a bucket named in the environment
# (tests/ops/test_s3_storage.py switches to an in-process S3 itself).
os.environ["MEDIA_STORAGE"] = "filesystem"

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests do not run collectstatic: the manifest storage would fail on a missing manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
