"""Fixtures shared by the whole suite."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from django.utils import translation

from .factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(reason: str):
    """Skip a test whose service is missing, or fail it when CI requires every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def _port_open(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():
    """A Redis database for tests that need a real broker (TEST_REDIS_URL)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not _port_open(url):
        unavailable(f"Redis is not reachable at {url}")
    return url


@pytest.fixture
def require_postgresql(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        unavailable("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        unavailable("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reset_language():
    """A request activates its language for the rest of the thread: start every test from the
    site's default, so no test depends on which one ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps rate-limit counters in the cache: every test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(staff=True, full_name="Maria Ionescu", email="staff@example.org")


@pytest.fixture
def pending_user(db):
    return UserFactory(pending=True)


@pytest.fixture
def rejected_user(db):
    return UserFactory(rejected=True)


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def client():
    """The test client, speaking English (the site's default language is Romanian)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def capture_commits(django_capture_on_commit_callbacks):
    """`with capture_commits(): ...` runs what was deferred to commit (e-mails) at the end."""

    def _capture():
        return django_capture_on_commit_callbacks(execute=True)

    return _capture
