"""iCalendar subscriptions: the public feed, one feed per working group, each user's private
feed and one event's .ics file. The VCALENDAR itself is built by ical.py; who sees which event
is decided by permissions.py.

What the feeds hold:

- **Public feed** (`/events/feed.ics`): every public event, scheduled or cancelled.
- **Group feed** (`/events/feed/<code>.ics`): the public events of that working group. Its
  group-only events are not in it: the URL is public, so anything in it is public.
- **Personal feed** (`/events/feed/personal/<token>.ics`): the public events, the group-only
  events of the user's own groups and the events they registered or are waiting for
  (permissions.personal_feed_events). The secret token is the only credential (calendar
  clients cannot log in); regenerating it retires the old URL, and the feed answers 404 as
  soon as its user is no longer approved or active. Rendered in the user's preferred language.

Window: every feed holds the events that end at most FEED_HISTORY (12 months) ago and every
later one. A calendar client keeps what it already downloaded, so older events stay in
subscribers' calendars; leaving them out keeps the feed (and each refresh) small. A cancelled
event stays in the feed with STATUS:CANCELLED, so clients that already have it remove or
strike it. One event's .ics file is served whatever its date.

Each feed costs a fixed number of queries whatever the number of events: one aggregate for
the ETag (a conditional GET stops there with 304) and one for the events (plus the token's
row for the personal feed). Feeds carry an ETag but no Last-Modified: a deleted event, an event
leaving the window or a change of membership changes the set without a newer `updated_at`, so
an If-Modified-Since check could wrongly answer 304."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from workinggroups.models import WorkingGroup

from . import ical, permissions
from .models import CalendarFeedToken, Event

CONTENT_TYPE = "text/calendar; charset=utf-8"
# How far back the feeds go (by the events' end).
FEED_HISTORY = timedelta(days=365)
PUBLIC_CACHE = "public, max-age=900"
# The personal feed must never sit in a shared cache; its owner's client may keep it briefly.
PRIVATE_CACHE = "private, max-age=900"


def feed_events(queryset: QuerySet[Event], now=None) -> QuerySet[Event]:
    """The queryset's events within the feeds' window, in calendar order."""
    since = (now or timezone.now()) - FEED_HISTORY
    return queryset.filter(end__gte=since).order_by("start", "pk")


def _etag(*parts) -> str:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
    return quote_etag(digest[:40])


def _feed_etag(events: QuerySet[Event], *parts) -> str:
    """Changes whenever an event is added, removed, edited (updated_at) or leaves the window,
    and with the language the feed is written in. One aggregate query."""
    summary = events.order_by().aggregate(count=Count("pk"), ids=Sum("pk"),
                                          changed=Max("updated_at"), sequences=Sum("sequence"))
    return _etag(*parts, translation.get_language(), summary["count"], summary["ids"],
                 summary["changed"].isoformat() if summary["changed"] else "",
                 summary["sequences"])


def _respond(request, *, etag: str, cache_control: str, build, last_modified=None,
             filename: str | None = None, private: bool = False) -> HttpResponse:
    """A calendar response, or 304 when the client's copy is current. `build()` makes the
    body and only runs when it is needed."""
    response = get_conditional_response(
        request, etag=etag,
        last_modified=int(last_modified.timestamp()) if last_modified else None)
    if response is None:
        response = HttpResponse(build(), content_type=CONTENT_TYPE)
        if filename:
            response.headers["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=filename)
    response.headers["ETag"] = etag
    if last_modified:
        response.headers["Last-Modified"] = http_date(last_modified.timestamp())
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    if private:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _feed(request, events: QuerySet[Event], *, name: str, cache_control: str,
          etag_parts=(), private: bool = False) -> HttpResponse:
    events = feed_events(events)
    return _respond(request, etag=_feed_etag(events, name, *etag_parts),
                    cache_control=cache_control, private=private,
                    build=lambda: ical.calendar(events, name=name))


@require_safe
def public_feed(request):
    """Every public event (see the module's docstring for the window)."""
    return _feed(request, permissions.public_events(),
                 name=_("Cluster Policy Platform: events"), cache_control=PUBLIC_CACHE)


@require_safe
def group_feed(request, code):
    """A working group's public events; 404 for an unknown code."""
    group = get_object_or_404(WorkingGroup, code__iexact=code)
    events = permissions.public_events().filter(working_group=group)
    name = _("Cluster Policy Platform: %(code)s events") % {"code": group.code}
    return _feed(request, events, name=name, cache_control=PUBLIC_CACHE,
                 etag_parts=(group.pk,))


@require_safe
def personal_feed(request, token):
    """The private feed of the token's user; 404 for an unknown (or regenerated) token and for
    a user who is no longer approved or active."""
    feed_token = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
    if feed_token is None or not permissions.can_have_personal_feed(feed_token.user):
        raise Http404
    user = feed_token.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return _feed(request, permissions.personal_feed_events(user),
                     name=_("My events · Cluster Policy Platform"),
                     cache_control=PRIVATE_CACHE, etag_parts=(user.pk,), private=True)


@require_safe
def event_ics(request, pk):
    """One event as a .ics file (an attachment), for anyone who may see the event."""
    event = get_object_or_404(Event.objects.select_related("working_group"), pk=pk)
    if not permissions.can_view(request.user, event):
        raise Http404
    etag = _etag(event.uid, event.sequence, event.updated_at.isoformat(),
                 translation.get_language())
    return _respond(request, etag=etag, last_modified=event.updated_at,
                    cache_control=PUBLIC_CACHE if event.is_public else "private, no-cache",
                    filename=ical.ics_filename(event), private=not event.is_public,
                    build=lambda: ical.event_ics(event))
