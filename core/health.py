"""GET /healthz: can this web process reach everything it needs?

Checks the database (SELECT 1), the cache (set, get, delete a key), the Celery broker (a
connection, skipped when tasks run in-process) and the media storage (save, exists, delete a
small file). Answers 200 when all pass, 503 naming the failed ones otherwise. No
authentication: the answer says only which component failed and the exception's class (the
details go to the log), so it is safe to expose to a load balancer."""

import logging
import time
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .errors import drop_broken_connections

logger = logging.getLogger("clusterpolicy.health")

BROKER_TIMEOUT_SECONDS = 2


class Skipped(Exception):
    """A check that does not apply to this configuration."""


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        drop_broken_connections()
        raise


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=30)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)


def check_broker():
    from config.celery import app

    if app.conf.task_always_eager:
        raise Skipped("eager")
    with app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)


def check_storage():
    name = default_storage.save(f"healthz/probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        if not default_storage.exists(name):
            raise RuntimeError("the probe file is missing after saving it")
    finally:
        default_storage.delete(name)


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


def run_checks() -> dict:
    results = {}
    for name, check in CHECKS.items():
        start = time.perf_counter()
        result = {"ok": True}
        try:
            check()
        except Skipped as skipped:
            result["skipped"] = str(skipped)
        except Exception as exc:  # any failure is reported, none is raised
            logger.warning("Health check %s failed: %r", name, exc)
            result = {"ok": False, "error": exc.__class__.__name__}
        result["ms"] = round((time.perf_counter() - start) * 1000, 1)
        results[name] = result
    return results


@require_safe
@never_cache
def healthz(request):
    checks = run_checks()
    healthy = all(result["ok"] for result in checks.values())
    # never_cache: Cache-Control includes no-store, so no proxy answers from a stale probe.
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks},
                        status=200 if healthy else 503)
