"""The calendar's pages: the upcoming and past lists, the month and the week, an event's page
with its registration box, registering and cancelling, and "My calendar" with the personal feed.

Rules live in events.permissions, reads in events.selectors, writes in events.services. An event
the user may not see is a 404 (its title never appears). Dates are shown in the viewer's time
zone (core.timezones.ViewerTimezoneMiddleware activates it) and, on an event's page, also in the
event's own zone."""

import re
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from workinggroups.models import WorkingGroup

from . import permissions, selectors, services
from .models import Event, Registration

PAGE_SIZE = 20
# The calendar's views, in the order of their tabs.
TABS = [
    ("upcoming", "events:index", gettext_lazy("Upcoming")),
    ("month", "events:month_current", gettext_lazy("Month")),
    ("week", "events:week_current", gettext_lazy("Week")),
    ("past", "events:past", gettext_lazy("Past")),
]
GROUP_PANEL_SIZE = 10


# --- helpers ----------------------------------------------------------------------------------

def _query(request) -> str:
    """The filters of this request as a query string (without the page): every tab and every
    previous/next link keeps them."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _browsing_context(request, view: str, filterset) -> dict:
    query = _query(request)
    suffix = f"?{query}" if query else ""
    return {
        "view": view,
        "filter": filterset,
        "filtered": filterset.active,
        "query": query,
        "query_suffix": suffix,
        "tabs": [{"key": key, "label": label, "url": reverse(name) + suffix,
                  "active": key == view} for key, name, label in TABS],
        "can_create": permissions.can_create_events(request.user),
    }


def _event(request, pk) -> Event:
    """The event if this user may see it; else 404, whether it exists or not."""
    try:
        return selectors.event_for(request.user, pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


def _viewer_tz():
    return timezone.get_current_timezone()


# --- Upcoming and past --------------------------------------------------------------------------

@require_safe
def upcoming(request):
    return _listing(request, "upcoming")


@require_safe
def past(request):
    return _listing(request, "past")


def _listing(request, view: str):
    filterset, events = selectors.browse(request.user, request.GET)
    now = timezone.now()
    events = events.past(now) if view == "past" else events.upcoming(now)
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = selectors.with_my_registrations(request.user, page_obj.object_list)
    return render(request, "events/list.html", {
        **_browsing_context(request, view, filterset),
        "page_obj": page_obj,
        "groups": WorkingGroup.objects.order_by("code"),
        "public_feed_url": settings.SITE_URL + reverse("events:feed_public"),
    })


# --- Month ---------------------------------------------------------------------------------------

@require_safe
def month_current(request):
    today = timezone.localdate()
    return _month(request, today.year, today.month)


@require_safe
def month(request, year, month):
    if not selectors.valid_year(year) or not 1 <= month <= 12:
        raise Http404
    return _month(request, year, month)


def _month(request, year: int, month: int):
    filterset, events = selectors.browse(request.user, request.GET)
    today = timezone.localdate()
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    context = _browsing_context(request, "month", filterset)
    suffix = context["query_suffix"]

    def month_url(day):
        if not selectors.valid_year(day.year):
            return ""
        return reverse("events:month", args=[day.year, day.month]) + suffix

    weeks = selectors.month_grid(events, year, month, user=request.user, tz=_viewer_tz(),
                                 today=today)
    rows = []
    for days in weeks:
        iso = days[0].date.isocalendar()
        rows.append({"number": iso.week, "days": days,
                     "url": reverse("events:week", args=[iso.year, iso.week]) + suffix})
    return render(request, "events/month.html", {
        **context,
        "month": first,
        "weeks": rows,
        "weekdays": [day.date for day in weeks[0]],
        "has_events": any(day.entries and day.in_month for week in weeks for day in week),
        "previous_url": month_url(previous),
        "next_url": month_url(following),
        "today_url": reverse("events:month_current") + suffix,
        "is_current": (year, month) == (today.year, today.month),
    })


# --- Week ----------------------------------------------------------------------------------------

@require_safe
def week_current(request):
    year, week, _weekday = timezone.localdate().isocalendar()
    return _week(request, year, week)


@require_safe
def week(request, year, week):
    if not selectors.valid_year(year):
        raise Http404
    return _week(request, year, week)


def _week(request, year: int, week: int):
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as exc:  # week 0, week 53 of a 52-week year…
        raise Http404 from exc
    filterset, events = selectors.browse(request.user, request.GET)
    today = timezone.localdate()
    context = _browsing_context(request, "week", filterset)
    suffix = context["query_suffix"]

    def week_url(day):
        iso = day.isocalendar()
        if not selectors.valid_year(iso.year):
            return ""
        return reverse("events:week", args=[iso.year, iso.week]) + suffix

    days = selectors.week_days(events, monday, user=request.user, tz=_viewer_tz(), today=today)
    return render(request, "events/week.html", {
        **context,
        "year": year,
        "week": week,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "days": days,
        "has_events": any(day.entries for day in days),
        "previous_url": week_url(monday - timedelta(days=7)),
        "next_url": week_url(monday + timedelta(days=7)),
        "today_url": reverse("events:week_current") + suffix,
        "is_current": monday <= today < monday + timedelta(days=7),
        "month_url": reverse("events:month", args=[monday.year, monday.month]) + suffix,
    })


# --- An event ------------------------------------------------------------------------------------

@require_safe
def detail(request, pk):
    event = _event(request, pk)
    user = request.user
    return render(request, "events/detail.html", {
        "event": event,
        "clusters": list(event.clusters.all()),
        "registration": selectors.registration_state(event, user),
        "can_manage": permissions.can_manage(user, event),
        "viewer_time_zone": timezone.get_current_timezone_name(),
    })


@require_POST
def register(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("events:detail", args=[pk]))
    event = _event(request, pk)
    if not permissions.can_register(request.user, event):
        raise PermissionDenied
    already = Registration.objects.filter(event=event, user=request.user,
                                          status__in=selectors.ACTIVE).exists()
    try:
        registration = services.register(event=event, user=request.user)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
        return redirect(event)
    if already:
        messages.info(request, _("You had already signed up for this event."))
    elif registration.status == Registration.Status.WAITING:
        position = selectors.waiting_position(registration)
        messages.warning(request, _(
            "The event is full: you are on the waiting list, in position %(position)s. You will "
            "get an e-mail if a seat frees up.") % {"position": position})
    else:
        messages.success(request, _("You are registered for “%(title)s”. A confirmation is on "
                                    "its way to your e-mail.") % {"title": event.title})
    return redirect(event)


@require_POST
def unregister(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("events:detail", args=[pk]))
    event = _event(request, pk)
    if not permissions.can_register(request.user, event):
        raise PermissionDenied
    registered = Registration.objects.filter(event=event, user=request.user,
                                             status__in=selectors.ACTIVE).exists()
    services.cancel_registration(event=event, user=request.user)
    if not registered:
        messages.info(request, _("You were not registered for this event."))
    else:
        messages.success(request, _("Your registration for “%(title)s” has been cancelled.")
                         % {"title": event.title})
    return redirect(event)


# --- My calendar -------------------------------------------------------------------------------

def _webcal(url: str) -> str:
    return re.sub(r"^https?://", "webcal://", url)


@login_required
@require_safe
def mine(request):
    user = request.user
    if not permissions.can_have_personal_feed(user):
        raise PermissionDenied
    token = services.feed_token_for(user)
    feed_url = settings.SITE_URL + reverse("events:feed_personal", args=[token.token])
    registrations = list(selectors.my_registrations(user))
    return render(request, "events/mine.html", {
        "registrations": registrations,
        "group_events": selectors.my_group_events(user, limit=GROUP_PANEL_SIZE),
        "feed_url": feed_url,
        "webcal_url": _webcal(feed_url),
        "feed_created_at": token.created_at,
    })


@login_required
@require_POST
def feed_token_regenerate(request):
    if not permissions.can_have_personal_feed(request.user):
        raise PermissionDenied
    services.feed_token_regenerate(request.user)
    messages.success(request, _("Your calendar feed has a new address. The old address no "
                                "longer works: subscribe again with the new one."))
    return redirect("events:mine")
