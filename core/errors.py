"""The error pages that must work when the database does not: a database outage answers
503 (with Retry-After) instead of a 500 and a traceback, and the broken connection is dropped
so that the next request connects afresh and the site recovers by itself."""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("clusterpolicy.errors")

# What Django raises when the database cannot be reached or the connection died under it.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def drop_broken_connections() -> None:
    """Close every database connection that no longer answers. Django also does this when the
    request finishes; doing it at once means no later code of this request reuses a dead
    connection. A connection inside an atomic block is left to the block's owner."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        try:
            usable = connection.is_usable()
        except Exception:  # a connection this broken is closed all the same
            usable = False
        if not usable:
            try:
                connection.close()
            except DATABASE_ERRORS:
                connection.connection = None


def database_unavailable(request) -> HttpResponse:
    """The 503 answer to a database outage. Rendered without a request context, so no
    context processor (user, messages, site) touches the database; JSON under /api/."""
    drop_broken_connections()
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The service is temporarily unavailable. Please try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: Django calls it for an exception raised anywhere in the middleware chain
    (a session or user lookup before the view, a session save after it). A database outage
    there gets the 503 page too; anything else gets the plain 500 page, as Django's own."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render({}))
