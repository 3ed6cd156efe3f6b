"""A cache of whole anonymous public pages that never shows old data (issue 8, "Speed measured").

What is cached: the 200 HTML answer of an allow-listed public page (PUBLIC_PAGES, by URL name)
to an anonymous GET with no pending messages, per scheme, host, full path with query string
and language. Pages whose query holds free text (`q`, `search`) are rendered every time: their
addresses are unbounded. Logged-in users, private pages, exports and downloads never touch it.

Why it is never stale: every entry carries the *public content generation* it was rendered
under, a number kept in the default cache (Redis in production). Every write to a model that
can reach a public page (post_save, post_delete, m2m_changed of every model except
NO_PUBLIC_CONTENT) bumps it once its transaction commits, so the next request renders afresh;
services that write without signals (QuerySet.update(), bulk_create, raw SQL) call
`public_content_changed()` themselves. An entry rendered while a write was committing carries
the generation read *before* rendering, which the bump has already left behind. The number also
goes up at the write itself, so the writing connection's own later reads inside its
transaction (and tests, which never commit) see the change. PUBLIC_PAGE_CACHE_SECONDS (default
300, 0 turns the cache off) bounds what depends on the clock alone ("upcoming" events, today).

A hit costs one cache round trip: the page and the generation are read together. The layout's
language switch holds a CSRF token: entries keep a placeholder instead, and each hit gets a
fresh token (and cookie) of its own visitor, exactly as a rendered page would. The middleware
is the innermost one, so every other middleware (session, CSRF, locale, security headers, CSP)
still runs on a hit. Answers it handles carry `X-Cache: hit` or `X-Cache: miss`.
"""

import hashlib
import logging
import re
import secrets

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.translation import get_language

logger = logging.getLogger("clusterpolicy.pagecache")

DEFAULT_SECONDS = 300

# Public pages by URL name (namespace:name): lists and details anyone may see. Not here on
# purpose: search (free text), exports and downloads, feeds, forms, anything private.
PUBLIC_PAGES = frozenset({
    "core:home", "core:open-data",
    "clusters:index", "clusters:detail",
    "documents:index", "documents:detail",
    "events:index", "events:past", "events:month_current", "events:month",
    "events:week_current", "events:week", "events:detail",
    "projects:index", "projects:competition", "projects:report", "projects:detail",
    "institutions:index", "institutions:detail",
    "goodpractices:index", "goodpractices:detail",
})
# Query parameters holding free text: every value would be an entry of its own.
FREE_TEXT_PARAMETERS = ("q", "search")
MAX_QUERY_LENGTH = 300

# Writes to these never change a public page (app label, or app_label.model). Every other
# model, including ones added later, bumps the generation.
NO_PUBLIC_CONTENT = frozenset({
    "sessions",                     # sessions of logged-in users: their pages are never cached
    "admin.logentry",               # the admin's own history
    "authtoken",                    # API tokens
    "notifications.outboxemail",    # e-mails waiting to be sent
    "documents.documentevent",      # the audit trail (coordinators only): every download adds one
    "search.searchentry",           # the search index: read only by search pages (not cached);
                                    # it is derived from models that bump themselves
})
# Saves that touch only these fields change nothing public (every login saves last_login).
IGNORED_FIELD_UPDATES = {"accounts.user": frozenset({"last_login"})}

GENERATION_KEY = "pagecache:generation"
_KEY_PREFIX = "pagecache:page:"
# Stands for the visitor's CSRF token in a stored page (NUL bytes never occur in our HTML).
_TOKEN_PLACEHOLDER = b"\x00csrf-token\x00"
_TOKEN_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
_TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# View headers that are not the page's: set again by the outer middleware on every answer.
_UNSTORED_HEADERS = frozenset({"content-length", "set-cookie", "x-cache"})
# Vary headers the key already covers (language) or that hold for every anonymous visitor.
_KEYED_VARY = frozenset({"cookie", "accept-language"})


def cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", DEFAULT_SECONDS))


# --- the public content generation ----------------------------------------------------------

def _start_generation() -> int:
    """A random start, so a generation lost with the cache (restart, eviction) never comes back
    to a number that old entries still carry."""
    cache.add(GENERATION_KEY, secrets.randbits(62), timeout=None)
    return cache.get(GENERATION_KEY)


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    return _start_generation() if generation is None else generation


def bump_generation() -> None:
    """Every cached page is out of date from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (yet, or any more): a fresh random start is a bump
        _start_generation()
    except Exception:  # the cache is down: entries, if it keeps any, expire after the TTL
        logger.warning("Could not bump the public page generation", exc_info=True)


def fragment(key: str, render) -> str:
    """A piece of HTML that `render()` makes, kept in the cache under `key` (per language) until
    the public content generation moves on, like the pages above: for parts of private pages
    that every viewer sees alike and that are costly to render (a large group's member list).
    Works without the cache too: if it is down or turned off, `render()` runs every time."""
    seconds = cache_seconds()
    if not seconds:
        return render()
    key = f"pagecache:fragment:{get_language()}:{key}"
    try:
        generation = current_generation()
        stored = cache.get(key)
    except Exception:  # the cache is down: render, as without a cache
        logger.warning("Page cache unavailable", exc_info=True)
        return render()
    if stored is not None and stored[0] == generation:
        return stored[1]
    html = render()
    try:
        cache.set(key, (generation, html), seconds)
    except Exception:
        logger.warning("Page cache unavailable", exc_info=True)
    return html


def public_content_changed(using: str | None = None) -> None:
    """Call after a write that sends no model signal (QuerySet.update(), bulk_create, raw SQL)
    to data a public page shows. Bumps now (for this connection's own reads) and again when
    the transaction commits (for everyone else's)."""
    bump_generation()
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return  # autocommit: the write is already committed, the bump above is the one
    # One bump per transaction: skip when this one already waits for the commit (a rolled back
    # savepoint removes its callbacks from the list, so this check never loses a bump).
    if any(entry[1] is bump_generation for entry in connection.run_on_commit):
        return
    transaction.on_commit(bump_generation, using=using)


def _label(model) -> str:
    return model._meta.label_lower


def _changes_public_content(model) -> bool:
    label = _label(model)
    return label not in NO_PUBLIC_CONTENT and model._meta.app_label not in NO_PUBLIC_CONTENT


def _saved(sender, update_fields=None, using=None, **kwargs):
    ignored = IGNORED_FIELD_UPDATES.get(_label(sender))
    if ignored and update_fields and set(update_fields) <= ignored:
        return
    public_content_changed(using)


def _deleted(sender, using=None, **kwargs):
    public_content_changed(using)


def _m2m_changed(sender, instance, action, using=None, **kwargs):
    if action.startswith("post_") and _changes_public_content(type(instance)):
        public_content_changed(using)


def connect_signals() -> None:
    """Called from CoreConfig.ready(): every model not in NO_PUBLIC_CONTENT bumps the
    generation. Receivers per model, so the excluded ones keep Django's fast bulk delete."""
    for model in apps.get_models():
        if _changes_public_content(model):
            uid = f"core.pagecache:{_label(model)}"
            post_save.connect(_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_m2m_changed, dispatch_uid="core.pagecache:m2m")


# --- the middleware -------------------------------------------------------------------------

class _Lookup:
    __slots__ = ("generation", "hit", "key", "seconds")

    def __init__(self, key, generation, seconds):
        self.key, self.generation, self.seconds, self.hit = key, generation, seconds, False


def _page_key(request) -> str:
    address = "\n".join((request.LANGUAGE_CODE, request.scheme, request.get_host(),
                         request.get_full_path()))
    return _KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _has_pending_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    # len() reads the stored messages without marking them as shown.
    return storage is not None and len(storage) > 0


def _is_cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    match = request.resolver_match
    if match is None or match.view_name not in PUBLIC_PAGES:
        return False
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        return False
    if query and any(request.GET.get(name) for name in FREE_TEXT_PARAMETERS):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return not _has_pending_messages(request)


def _is_cacheable_response(request, response) -> bool:
    if (response.status_code != 200 or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.cookies):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    if vary - _KEYED_VARY:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "added_new", False):
        return False
    # A per-request CSP nonce in the body would be served to the next visitor.
    return not getattr(request, "csp_nonce", None)


def _without_csrf_token(request, body: bytes) -> bytes | None:
    """The page with a placeholder where the visitor's CSRF token was; None when a token
    remains anywhere else (the page must then not be stored)."""
    if _TOKEN_PLACEHOLDER in body:
        return None
    body = _TOKEN_INPUT.sub(rb"\1" + _TOKEN_PLACEHOLDER + rb"\3", body)
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        for candidate in _TOKEN_LIKE.findall(body):
            if _unmask_cipher_token(candidate.decode()) == secret:
                return None
    return body


class PublicPageCacheMiddleware:
    """Innermost middleware: answers allow-listed anonymous public pages from the cache and
    stores them (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        lookup = getattr(request, "_public_page_cache", None)
        if lookup is None or lookup.hit:
            return response
        response["X-Cache"] = "miss"
        if request.method == "GET" and _is_cacheable_response(request, response):
            self._store(request, lookup, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        seconds = cache_seconds()
        if seconds <= 0 or not _is_cacheable_request(request):
            return None
        key = _page_key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = _start_generation()
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
            return None
        lookup = _Lookup(key, generation, seconds)
        request._public_page_cache = lookup
        entry = found.get(key)
        if entry is None or entry[0] != generation:
            return None
        lookup.hit = True
        _generation, body, headers = entry
        if _TOKEN_PLACEHOLDER in body:
            body = body.replace(_TOKEN_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "hit"
        return response

    def _store(self, request, lookup, response):
        body = _without_csrf_token(request, response.content)
        if body is None:
            return
        headers = [(name, value) for name, value in response.items()
                   if name.lower() not in _UNSTORED_HEADERS]
        try:
            # Stored only while the generation read before rendering is still the current one:
            # an entry of a page rendered during a write would be unusable anyway.
            if cache.get(GENERATION_KEY) == lookup.generation:
                cache.set(lookup.key, (lookup.generation, body, headers), lookup.seconds)
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
