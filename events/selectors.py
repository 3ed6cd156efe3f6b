"""Reads for the calendar: querysets already limited to what the user may see (through
events.permissions), the month grid and the week laid out in the viewer's time zone, and the
panels other pages show. Each read takes a fixed number of queries whatever the number of
events: the working group is joined, the clusters prefetched where shown, and the user's own
registrations fetched for a whole page at once.

Days are the viewer's days: an event from 23:00 to 01:00 Bucharest time covers two of them.
All-day events are the exception: they keep their own dates (a conference on 23-25 November in
Seoul is on 23-25 November for everyone, whatever the viewer's zone)."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import tzinfo as TzInfo

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.permissions import is_approved
from clusters.permissions import clusters_visible_to

from . import services
from .filters import EventFilter
from .models import Event, Registration
from .permissions import can_register, events_visible_to

# The years the month and week views accept (others are a 404, not a crash).
FIRST_YEAR, LAST_YEAR = 1900, 2200
ACTIVE = (Registration.Status.REGISTERED, Registration.Status.WAITING)
# How far an event's UTC instants can be from its own dates (UTC-12 … UTC+14): the month and
# week queries look this much further on each side, then place each event in Python.
ZONE_MARGIN = timedelta(days=1)


# --- Browsing -------------------------------------------------------------------------------

def browse(user, params) -> tuple[EventFilter, QuerySet[Event]]:
    """The filter form and the events this user may see that pass its (valid) filters."""
    filterset = EventFilter(params or None, queryset=events_visible_to(user))
    return filterset, filterset.qs.select_related("working_group")


def with_my_registrations(user, events) -> list[Event]:
    """The events as a list, each with `my_registration`: the user's active registration
    status ("registered", "waiting") or None. One query for the lot."""
    events = list(events)
    states = {}
    if events and is_approved(user):
        states = dict(Registration.objects.filter(
            user=user, status__in=ACTIVE, event_id__in=[event.pk for event in events],
        ).values_list("event_id", "status"))
    for event in events:
        event.my_registration = states.get(event.pk)
    return events


def event_for(user, pk) -> Event:
    """The event if this user may see it (raises Event.DoesNotExist otherwise, whether it
    exists or not), with its group and the participating clusters the user may see."""
    return (events_visible_to(user)
            .select_related("working_group", "series")
            .prefetch_related(Prefetch("clusters",
                                       queryset=clusters_visible_to(user).order_by("name")))
            .get(pk=pk))


# --- Month and week -----------------------------------------------------------------------

@dataclass
class DayEntry:
    """An event on one day of the grid: whether it starts and ends on that day (viewer's
    time) tells the template to show its start time, "continued", or its end time."""

    event: Event
    starts: bool
    ends: bool

    @property
    def continued(self) -> bool:
        return not self.starts


@dataclass
class CalendarDay:
    date: date
    in_month: bool = True
    is_today: bool = False
    entries: list[DayEntry] = field(default_factory=list)


def valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def covered_days(event: Event, tz: TzInfo) -> tuple[date, date]:
    """The first and last day the event runs on: its own dates when all day, else the
    viewer's dates (ending exactly at midnight does not touch the next day)."""
    if event.all_day:
        return event.first_day, event.last_day
    start, end = timezone.localtime(event.start, tz), timezone.localtime(event.end, tz)
    last = end.date()
    if end.time() == time.min and end > start:
        last -= timedelta(days=1)
    return start.date(), max(last, start.date())


def _midnight(day: date, tz: TzInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _spread(queryset: QuerySet[Event], first: date, last: date, tz: TzInfo,
            user) -> dict[date, list[DayEntry]]:
    """The events of [first, last] grouped by day (one query for the events, one for the
    user's registrations). All-day events first, then by start time."""
    events = with_my_registrations(user, queryset.overlapping(
        _midnight(first, tz) - ZONE_MARGIN, _midnight(last + timedelta(days=1), tz) + ZONE_MARGIN,
    ).order_by("start", "pk"))
    days: dict[date, list[DayEntry]] = {}
    for event in events:
        begins, ends = covered_days(event, tz)
        day = max(begins, first)
        while day <= min(ends, last):
            days.setdefault(day, []).append(DayEntry(event, day == begins, day == ends))
            day += timedelta(days=1)
    for entries in days.values():
        entries.sort(key=lambda entry: (not entry.event.all_day, entry.continued,
                                        entry.event.start, entry.event.pk))
    return days


def month_grid(queryset: QuerySet[Event], year: int, month: int, *, user, tz: TzInfo,
               today: date) -> list[list[CalendarDay]]:
    """The month as weeks of seven days, Monday first, including the days of the neighbouring
    months that complete the first and last weeks (each with their events too)."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    events = _spread(queryset, weeks[0][0], weeks[-1][-1], tz, user)
    return [[CalendarDay(day, in_month=day.month == month, is_today=day == today,
                         entries=events.get(day, [])) for day in week] for week in weeks]


def week_days(queryset: QuerySet[Event], monday: date, *, user, tz: TzInfo,
              today: date) -> list[CalendarDay]:
    days = [monday + timedelta(days=n) for n in range(7)]
    events = _spread(queryset, days[0], days[-1], tz, user)
    return [CalendarDay(day, is_today=day == today, entries=events.get(day, []))
            for day in days]


# --- An event's registration box -------------------------------------------------------------

def _waiting_position() -> Coalesce:
    """1 + the number of people ahead in the event's waiting list (by the time they joined,
    then id: the order services._promote_waiting moves them up in)."""
    ahead = (Registration.objects
             .filter(event=OuterRef("event"), status=Registration.Status.WAITING)
             .filter(Q(created_at__lt=OuterRef("created_at"))
                     | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")))
             .order_by().values("event").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(ahead), Value(0)) + 1


def waiting_position(registration: Registration) -> int:
    """Where this registration stands in its event's waiting list (1 = next to move up)."""
    return Registration.objects.filter(pk=registration.pk).annotate(
        position=_waiting_position()).values_list("position", flat=True).get()


@dataclass
class RegistrationState:
    """What the event page's registration box says."""

    takes_registrations: bool
    closed_reason: str | None
    registered: int = 0
    waiting: int = 0
    capacity: int | None = None
    waiting_list: bool = True
    mine: Registration | None = None
    may_register: bool = False

    @property
    def is_open(self) -> bool:
        return self.takes_registrations and self.closed_reason is None

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.registered >= self.capacity

    @property
    def is_registered(self) -> bool:
        return self.mine is not None and self.mine.status == Registration.Status.REGISTERED

    @property
    def is_waiting(self) -> bool:
        return self.mine is not None and self.mine.status == Registration.Status.WAITING

    @property
    def can_join(self) -> bool:
        """A register button makes sense: open, not already in, and a seat or a queue."""
        return (self.may_register and self.is_open and self.mine is None
                and (not self.is_full or self.waiting_list))


def registration_state(event: Event, user, now=None) -> RegistrationState:
    """The counts (one query) and the user's own registration with its waiting-list position
    (one query)."""
    state = RegistrationState(takes_registrations=event.takes_registrations,
                              closed_reason=services.registration_closed_reason(event, now),
                              capacity=event.capacity, waiting_list=event.waiting_list)
    if not event.takes_registrations:
        return state
    counts = event.registrations.aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)))
    state.registered, state.waiting = counts["registered"], counts["waiting"]
    if is_approved(user):
        state.may_register = can_register(user, event)
        state.mine = (Registration.objects.filter(event=event, user=user, status__in=ACTIVE)
                      .annotate(position=_waiting_position()).first())
    return state


# --- My calendar ------------------------------------------------------------------------------

def my_registrations(user, now=None) -> QuerySet[Registration]:
    """The user's registrations and waiting-list places for events not yet over (and that they
    may still see), soonest first, each with its `position` in the waiting list."""
    now = now or timezone.now()
    return (Registration.objects
            .filter(user=user, status__in=ACTIVE, event__end__gt=now,
                    event__in=events_visible_to(user).values("pk"))
            .select_related("event__working_group")
            .annotate(position=_waiting_position())
            .order_by("event__start", "event__pk"))


def my_group_events(user, *, limit: int = 10, now=None) -> list[Event]:
    """The next scheduled events of the groups this user belongs to (public and group-only)."""
    events = (events_visible_to(user).scheduled().upcoming(now)
              .filter(working_group__memberships__user=user)
              .select_related("working_group")[:limit])
    return with_my_registrations(user, events)


# --- Panels on other pages ------------------------------------------------------------------

def _panel(user, *, group=None, cluster=None) -> QuerySet[Event]:
    events = events_visible_to(user).scheduled().select_related("working_group")
    if group is not None:
        events = events.filter(working_group=group)
    if cluster is not None:
        events = events.filter(clusters=cluster)
    return events


def upcoming_for(user, *, limit: int = 5, group=None, cluster=None, now=None) -> list[Event]:
    """The next scheduled events this user may see (running ones included), optionally those
    of one working group or with one participating cluster: one query."""
    return list(_panel(user, group=group, cluster=cluster).upcoming(now)[:limit])


def past_for(user, *, limit: int = 3, group=None, cluster=None, now=None) -> list[Event]:
    """The most recent events that are over, newest first: one query."""
    return list(_panel(user, group=group, cluster=cluster).past(now)[:limit])
