"""Middleware of the whole site: a request id and one log line per request, the 503 answer to
a database outage, and the container's health probe on loopback."""

import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.utils.functional import empty

from .errors import DATABASE_ERRORS, database_unavailable
from .logs import request_id_var

logger = logging.getLogger("clusterpolicy.request")

# An incoming X-Request-ID (from the proxy or a calling service) is kept when it is harmless
# to log and to echo back; anything else is replaced by a fresh id.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_LOOPBACK = frozenset({"127.0.0.1", "::1"})


def _user_id(request):
    """The id of the logged-in user, or None. Never loads the user just to log it: the lazy
    user is read only when something in the request already did."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


def forget_request_id(**kwargs):
    request_id_var.set(None)


request_finished.connect(forget_request_id, dispatch_uid="core.middleware.forget_request_id")


class RequestContextMiddleware:
    """Outermost middleware. Gives every request an id (X-Request-ID in and out, and in every
    log record of the request), logs one line per request on `clusterpolicy.request` with
    method, path, status, duration_ms and user_id, and turns a database outage in a view into
    a clean 503 (core.errors.server_error does the same for the other middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (forget_request_id below): Django logs a 4xx or
        # 5xx answer after the middleware has returned, and that record needs the id too.
        request_id_var.set(request_id)
        start = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        logger.log(
            logging.WARNING if response.status_code >= 500 else logging.INFO,
            "%s %s %s", request.method, request.path, response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable: %s", str(exception).strip()[:200])
            return database_unavailable(request)
        return None


class LoopbackHealthCheckMiddleware:
    """Answers GET /healthz from the machine itself (the container's HEALTHCHECK) before any
    Host validation or HTTPS redirect: the probe cannot know the public host name. Only for a
    loopback REMOTE_ADDR; every other client goes through the normal stack, where an unknown
    Host still gets 400. The answer never uses the Host header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.path == "/healthz" and request.method in ("GET", "HEAD")
                and request.META.get("REMOTE_ADDR") in _LOOPBACK):
            from .health import healthz

            return healthz(request)
        return self.get_response(request)
