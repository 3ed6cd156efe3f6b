"""GET /healthz: database, cache, broker and storage, each named when it fails; public, never
cached, and reachable by the container's own probe whatever Host it sends."""

import ast
import socket

import pytest

from tests.celery_helpers import celery_broker
from tests.config.test_settings import PRODUCTION_ENV, settings_of


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens


def get_health(client, **extra):
    response = client.get("/healthz", **extra)
    return response, response.json()


@pytest.mark.django_db
def test_all_ok_with_the_embedded_defaults(client):
    response, body = get_health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    # Tasks run in-process: there is no broker to reach.
    assert body["checks"]["broker"]["skipped"] == "eager"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.services
@pytest.mark.django_db
def test_all_ok_on_real_services(client, settings, require_postgresql, redis_url):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url}}
    with celery_broker(redis_url):
        response, body = get_health(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert "skipped" not in body["checks"]["broker"]
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_is_named(client):
    with celery_broker(f"redis://127.0.0.1:{closed_port()}/0"):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert all(body["checks"][name]["ok"] for name in ("database", "cache", "storage"))


@pytest.mark.django_db
def test_a_broken_cache_is_named(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError",
                                       "ms": body["checks"]["cache"]["ms"]}
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_the_answer_names_the_failure_but_not_its_details(client, settings, tmp_path):
    # Storage on a read-only path: the error's message (the path) stays in the server's log.
    media = tmp_path / "read-only"
    media.write_text("a file, not a directory")
    settings.MEDIA_ROOT = media
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["storage"]["ok"] is False
    assert str(media) not in response.content.decode()


@pytest.mark.django_db
def test_the_container_probe_passes_whatever_host_it_sends(client):
    # From loopback (the test client's REMOTE_ADDR is 127.0.0.1) /healthz answers before Host
    # validation; every other page still refuses the unknown Host, as do other clients.
    response, _ = get_health(client, HTTP_HOST="a1b2c3d4e5f6:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="a1b2c3d4e5f6:8000").status_code == 400
    assert client.get("/healthz", HTTP_HOST="evil.example.com",
                      REMOTE_ADDR="203.0.113.9").status_code == 400
    assert client.get("/healthz", REMOTE_ADDR="203.0.113.9").status_code == 200


@pytest.mark.django_db
def test_load_balancers_probe_over_plain_http_in_production(client, settings):
    # The production settings' exemption, applied to an HTTPS-only site: /healthz is not
    # redirected, every other page still is.
    production = settings_of(PRODUCTION_ENV, "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT")
    assert production["SECURE_SSL_REDIRECT"] == "True"
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ast.literal_eval(production["SECURE_REDIRECT_EXEMPT"])
    assert client.get("/healthz", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/clusters/", REMOTE_ADDR="10.0.0.2").status_code == 301


def test_only_get_and_head(client):
    assert client.post("/healthz").status_code == 405
