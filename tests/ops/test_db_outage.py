"""Fault 3, database restart under light load: while PostgreSQL is down every request gets a
clean 503 (the 503 page, Retry-After, no traceback, never a 500), and once it is back the
site answers again by itself, with no connection left stuck."""

import threading
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from clusters.api import ClusterViewSet
from core.views import HomeView
from tests.conftest import unavailable

from .servers import (
    PrivatePostgres,
    manage,
    poll,
    production_env,
    request,
    start_gunicorn,
    stop_gunicorn,
)


def raise_operational_error(*args, **kwargs):
    raise OperationalError("connection to server at \"10.0.0.3\", port 5432 failed")


@pytest.fixture
def outage_client():
    # Django's handler500 runs only for exceptions the test client does not re-raise.
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_an_outage_in_a_view_answers_the_503_page(outage_client, monkeypatch):
    monkeypatch.setattr(HomeView, "get", raise_operational_error)
    response = outage_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()
    assert "10.0.0.3" not in response.content.decode()


@pytest.mark.django_db
def test_an_outage_under_the_api_answers_json(outage_client, monkeypatch):
    monkeypatch.setattr(ClusterViewSet, "list", raise_operational_error)
    response = outage_client.get("/api/v1/clusters/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The service is temporarily unavailable. Please try again shortly."}


@pytest.mark.django_db
def test_an_outage_in_the_session_middleware_answers_503_too(outage_client, monkeypatch):
    # The session (and with it the user) is loaded by middleware before any view runs.
    monkeypatch.setattr(SessionStore, "load", raise_operational_error)
    outage_client.cookies[settings.SESSION_COOKIE_NAME] = "0123456789abcdefghijklmnopqrstuv"
    response = outage_client.get("/clusters/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_keep_the_500_page(outage_client, monkeypatch):
    monkeypatch.setattr(HomeView, "get", lambda *a, **k: 1 / 0)
    response = outage_client.get("/")
    assert response.status_code == 500
    assert "Server error" in response.content.decode()


# --- The real thing: PostgreSQL stopped and started under gunicorn ---------------------------

DATABASE = "outage"
# Anonymous (the view's queries fail) and with a session cookie (the session and user lookups
# in the middleware fail, before any view runs).
# Visitors with a session cookie: their pages are never served from the anonymous page cache
# (core.pagecache), so every request needs the database. (An anonymous visitor may still get a
# cached public page during an outage, which is fine.)
SESSION_COOKIE = {"Cookie": "__Host-sessionid=0123456789abcdefghijklmnopqrstuv"}
PROBES = [
    ("/clusters/", SESSION_COOKIE),
    ("/", SESSION_COOKIE),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        unavailable("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")
    pg = PrivatePostgres()
    tmp = tmp_path_factory.mktemp("outage")
    try:
        pg.sql("postgres", f"CREATE DATABASE {DATABASE}")
        env = production_env(tmp, DATABASE_URL=pg.url(DATABASE), DB_CONNECT_TIMEOUT="2")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        server, port = start_gunicorn(env, workers=2, log_path=tmp / "gunicorn.log")
        try:
            yield pg, port, tmp / "gunicorn.log"
        finally:
            stop_gunicorn(server)
    finally:
        pg.destroy()


class Load(threading.Thread):
    """Light, steady traffic from a few clients: every answer is recorded."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.results = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            for path, headers in PROBES:
                try:
                    status, _, body = request(self.port, path=path, headers=headers, timeout=15)
                except OSError as exc:
                    status, body = None, repr(exc)
                self.results.append((time.monotonic(), path, status, body))
            time.sleep(0.05)


@pytest.mark.services
def test_database_restart_under_load(site):
    pg, port, log_path = site
    load = Load(port)
    load.start()
    try:
        assert poll(lambda: sum(r[2] == 200 for r in load.results) >= 4, timeout=20), \
            load.results[-4:]

        stopped_at = time.monotonic()
        pg.stop()
        assert poll(lambda: sum(r[2] == 503 and r[0] > stopped_at for r in load.results) >= 6,
                    timeout=20), load.results[-6:]

        # While the database is down: the 503 page, to browsers and API clients alike.
        status, response, body = request(port, path="/clusters/", headers=SESSION_COOKIE)
        assert status == 503
        assert response.getheader("Retry-After") == "30"
        assert "Temporarily unavailable" in body
        assert "Traceback" not in body
        status, response, body = request(port, path="/api/v1/clusters/",
                                         headers={"Accept-Language": "en"})
        assert status == 503
        assert response.getheader("Content-Type") == "application/json"
        assert "temporarily unavailable" in body
        status, _, body = request(port, path="/healthz")
        assert status == 503
        assert '"database": {"ok": false' in body

        started_at = time.monotonic()
        pg.start()
        assert poll(lambda: sum(r[2] == 200 and r[0] > started_at for r in load.results) >= 4,
                    timeout=15), load.results[-4:]
        recovered_in = time.monotonic() - started_at
    finally:
        load.stopped.set()
        load.join(timeout=20)

    # Every answer was a 200 or a 503 and never a 500 or a dropped connection.
    statuses = {status for _, _, status, _ in load.results}
    assert statuses <= {200, 503}, [r[1:3] for r in load.results if r[2] not in (200, 503)]
    assert not any("Traceback" in body for *_, body in load.results)
    assert recovered_in < 10

    # Both workers serve again: a burst of parallel requests all succeed.
    answers = []
    burst = [threading.Thread(target=lambda: answers.append(request(port, path="/clusters/")[0]))
             for _ in range(8)]
    for thread in burst:
        thread.start()
    for thread in burst:
        thread.join(timeout=30)
    assert answers == [200] * 8

    # No stuck connections: at most one per worker (CONN_MAX_AGE keeps one open each).
    connections = pg.sql(DATABASE, "SELECT count(*) FROM pg_stat_activity "
                                   "WHERE datname = %s AND pid <> pg_backend_pid()", [DATABASE])
    assert connections[0][0] <= 2

    # The logs say what happened, one JSON line per request with its id.
    log = log_path.read_text()
    assert '"logger": "clusterpolicy.request"' in log
    assert '"status": 503' in log
