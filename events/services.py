"""Writes for events: creating, editing, cancelling, series, registrations, the waiting list,
reminders and the e-mails they send. Views, the API, commands and tasks call these; none of
them writes an event, a registration or a message any other way.

Registrations lock the event's row (SELECT … FOR UPDATE) for the length of the decision, so
the seats are never oversold however many people register at the same moment."""

from datetime import datetime, timedelta

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.services import email_user

from .ical import ics_attachment
from .models import CalendarFeedToken, Event, EventMessage, EventSeries, Registration

# A series makes at most this many occurrences (a weekly event for two years).
MAX_OCCURRENCES = 104
# The years an event may fall in. Besides refusing typing errors (year 202), this keeps every
# time zone's offset a whole number of minutes (before 1973 some zones used local mean time,
# e.g. +01:44:24 in Bucharest, which ISO 8601 and iCalendar cannot write) and keeps date
# arithmetic far from datetime's limits.
FIRST_YEAR, LAST_YEAR = 1990, 2100

# Changing one of these bumps SEQUENCE and tells the attendees at once.
SCHEDULE_FIELDS = ("start", "end", "time_zone", "all_day", "venue", "city", "country",
                   "online_url", "status")
# What "apply to the following occurrences" copies (an occurrence keeps its own date).
SERIES_FIELDS = ("title", "kind", "description", "venue", "city", "country", "online_url",
                 "organiser", "website", "takes_registrations", "capacity", "waiting_list")


class RegistrationError(Exception):
    """Registration refused; `message` says why, in the active language."""

    code = "registration_refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegistrationClosed(RegistrationError):
    code = "registration_closed"


class EventFull(RegistrationError):
    code = "event_full"


# --- Series -------------------------------------------------------------------------------

FREQUENCIES = {EventSeries.Frequency.DAILY: DAILY, EventSeries.Frequency.WEEKLY: WEEKLY,
               EventSeries.Frequency.MONTHLY: MONTHLY}


def occurrence_times(*, start: datetime, end: datetime, time_zone: str, frequency: str,
                     interval: int = 1, count: int | None = None, until=None
                     ) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every occurrence of a series whose first occurrence is (start, end).

    The rule runs on local wall-clock time in the event's zone, so a 10:00 webinar stays at
    10:00 local time across daylight-saving changes (its UTC time moves)."""
    from core.timezones import zone

    tz = zone(time_zone)
    local_start = start.astimezone(tz).replace(tzinfo=None)
    local_end = end.astimezone(tz).replace(tzinfo=None)
    length = local_end - local_start
    # UNTIL is a date: the series runs to the end of that day, local time.
    until_dt = datetime.combine(until, datetime.max.time()) if until else None
    # dateutil deprecates COUNT together with UNTIL (RFC 5545 forbids it): give it the count
    # when there is one and stop at `until` here; the cap ends a rule with neither.
    rule = rrule(FREQUENCIES[frequency], dtstart=local_start, interval=interval,
                 count=min(count, MAX_OCCURRENCES) if count else None,
                 until=None if count else until_dt)
    times = []
    for naive in rule:
        if until_dt is not None and naive > until_dt:
            break
        times.append((naive.replace(tzinfo=tz), (naive + length).replace(tzinfo=tz)))
        if len(times) >= MAX_OCCURRENCES:
            break
    return times


def _checked(event: Event, exclude=()) -> Event:
    """full_clean(), with the errors the database constraints would give put on their fields
    (a constraint's own error names no field, and "capacity 0" would read "constraint
    violated")."""
    errors = {}
    for name in ("start", "end"):
        value = getattr(event, name)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            errors[name] = [_("Choose a date between %(first)s and %(last)s.")
                            % {"first": FIRST_YEAR, "last": LAST_YEAR}]
    if not errors and event.start and event.end and event.end <= event.start:
        # The constraint's own message, on the field to correct.
        errors["end"] = [_("The end must be after the start.")]
    if event.visibility == Event.Visibility.GROUP and event.working_group_id is None:
        errors["working_group"] = [
            _("Choose the working group whose members may see this event.")]
    try:
        event.full_clean(exclude=["uid", *exclude, *errors], validate_unique=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    return event


@transaction.atomic
def event_create(*, by, clusters=(), repeat: dict | None = None, **fields) -> Event:
    """Create an event, or a series when `repeat` = {frequency, interval, count, until}.
    Returns the (first) event."""
    event = _checked(Event(created_by=by, **fields))
    if not repeat:
        event.save()
        event.clusters.set(clusters)
        return event
    series = EventSeries(time_zone=event.time_zone, frequency=repeat["frequency"],
                         interval=repeat.get("interval") or 1, count=repeat.get("count"),
                         until=repeat.get("until"))
    series.full_clean()
    times = occurrence_times(start=event.start, end=event.end, time_zone=event.time_zone,
                             frequency=series.frequency, interval=series.interval,
                             count=series.count, until=series.until)
    if not times:
        raise ValidationError({"until": _("The series ends before its first date.")})
    series.save()
    first = None
    for start, end in times:
        occurrence = Event(created_by=by, **{**fields, "start": start, "end": end},
                           series=series, recurrence_id=start)
        if occurrence.registration_deadline and first is not None:
            # The deadline keeps the same distance from each occurrence's start.
            occurrence.registration_deadline = start - (event.start - event.registration_deadline)
        occurrence.save()
        occurrence.clusters.set(clusters)
        first = first or occurrence
    return first


def _schedule(event: Event) -> tuple:
    return tuple(getattr(event, name) for name in SCHEDULE_FIELDS)


@transaction.atomic
def event_update(*, event: Event, by, clusters=None, following: bool = False, **fields) -> Event:
    """Edit an event. A change of time, place or status bumps its SEQUENCE and e-mails the
    attendees (registered and waiting) at once; a new start resets their reminders. An
    occurrence of a series edited on its own (moved, or changed without `following`) becomes
    an exception that later edits of the series leave alone. With `following`, the non-date
    fields also go to this series' later occurrences that were not edited on their own.
    The seats cannot be set below the number of people already registered."""
    event = _event_update(event=event, clusters=clusters, fields=fields, alone=not following)
    if following and event.series_id:
        copied = {name: getattr(event, name) for name in SERIES_FIELDS}
        later = later_occurrences(event).filter(is_exception=False).exclude(pk=event.pk)
        for other in later:
            _event_update(event=other, clusters=clusters, fields=copied, alone=False)
    return event


def _event_update(*, event: Event, clusters, fields: dict, alone: bool) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = _schedule(event)
    copied_before = tuple(getattr(event, name) for name in SERIES_FIELDS)
    old_start, old_end = event.start, event.end
    old_capacity, old_status = event.capacity, event.status
    for name, value in fields.items():
        setattr(event, name, value)
    _checked(event)
    if event.capacity is not None and event.capacity != old_capacity:
        taken = seats_taken(event)
        if event.capacity < taken:
            raise ValidationError({"capacity": ngettext(
                "%(count)s person is already registered: the seats cannot be fewer.",
                "%(count)s people are already registered: the seats cannot be fewer.", taken,
            ) % {"count": taken}})
    changed = _schedule(event) != before
    if changed:
        event.sequence += 1
    if event.status != old_status:
        event.cancelled_at = timezone.now() if event.is_cancelled else None
    if event.series_id and ((event.start, event.end) != (old_start, old_end) or (
            alone and tuple(getattr(event, name) for name in SERIES_FIELDS) != copied_before)):
        event.is_exception = True
    event.save()
    if clusters is not None:
        event.clusters.set(clusters)
    if event.start != old_start:
        # A new date deserves a new reminder.
        event.registrations.update(reminder_sent_at=None)
    if changed:
        _notify_attendees(event, "cancelled" if event.is_cancelled and
                          old_status != event.status else "changed")
    if event.capacity != old_capacity or event.status != old_status:
        _promote_waiting(event)
    return event


@transaction.atomic
def event_cancel(*, event: Event, by) -> Event:
    """Cancel an event (it stays listed, marked cancelled); attendees are told at once."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        return event
    event.status = Event.Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["status", "cancelled_at", "sequence"])
    _notify_attendees(event, "cancelled")
    return event


@transaction.atomic
def series_cancel(*, event: Event, by) -> int:
    """Cancel this occurrence and every later scheduled one of its series."""
    if not event.series_id:
        event_cancel(event=event, by=by)
        return 1
    later = later_occurrences(event)
    count = 0
    for occurrence in later:
        event_cancel(event=occurrence, by=by)
        count += 1
    return count


def later_occurrences(event: Event):
    """This occurrence and the scheduled ones after it in the series' own order (the dates the
    rule gave them, so an occurrence moved to another date keeps its place in the series)."""
    return Event.objects.filter(series_id=event.series_id, status=Event.Status.SCHEDULED,
                                recurrence_id__gte=event.recurrence_id).order_by("recurrence_id")


def copy_fields(event: Event) -> dict:
    """What a copy of the event starts from (the organiser changes the date, then saves)."""
    names = ("title", "kind", "description", "start", "end", "time_zone", "all_day", "venue",
             "city", "country", "online_url", "organiser", "website", "visibility",
             "working_group", "takes_registrations", "capacity", "waiting_list",
             "registration_deadline")
    return {name: getattr(event, name) for name in names}


# --- Registrations -------------------------------------------------------------------------

def registration_closed_reason(event: Event, now=None) -> str | None:
    """Why nobody can register now, or None when registration is open."""
    now = now or timezone.now()
    if not event.takes_registrations:
        return _("This event does not take registrations.")
    if event.is_cancelled:
        return _("This event has been cancelled.")
    if event.has_started(now):
        return _("Registration has closed: the event has started.")
    if event.registration_deadline and event.registration_deadline <= now:
        return _("Registration closed on %(date)s.") % {
            "date": formats.date_format(timezone.localtime(event.registration_deadline),
                                        "DATETIME_FORMAT")}
    return None


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.REGISTERED).count()


@transaction.atomic
def register(*, event: Event, user, now=None) -> Registration:
    """Register the user: a seat while there is one, else the waiting list (when the event has
    one). Registering again while registered or waiting changes nothing."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    # Read the clock once the lock is held: the queue's order (created_at) is then the order
    # in which the seats were given, however many people registered at the same moment.
    now = now or timezone.now()
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None and registration.is_active:
        return registration
    reason = registration_closed_reason(event, now)
    if reason:
        raise RegistrationClosed(reason)
    if event.capacity is None or seats_taken(event) < event.capacity:
        status = Registration.Status.REGISTERED
    elif event.waiting_list:
        status = Registration.Status.WAITING
    else:
        raise EventFull(ngettext("This event is full: its only seat is taken.",
                                 "This event is full: all %(capacity)s seats are taken.",
                                 event.capacity) % {"capacity": event.capacity})
    registration = registration or Registration(event=event, user=user)
    registration.status = status
    registration.created_at = now
    registration.promoted_at = registration.cancelled_at = registration.reminder_sent_at = None
    registration.save()
    _email_registration(registration, "registered" if status == Registration.Status.REGISTERED
                        else "waiting")
    return registration


@transaction.atomic
def cancel_registration(*, event: Event, user, now=None) -> Registration | None:
    """Cancel the user's registration; the first person waiting moves up into a freed seat."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    now = now or timezone.now()
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is None or not registration.is_active:
        return registration
    had_seat = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if had_seat:
        _promote_waiting(event, now)
    return registration


def _promote_waiting(event: Event, now=None) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served (caller holds the lock)."""
    if event.is_cancelled or event.has_started(now):
        return []
    promoted = []
    waiting = event.registrations.filter(status=Registration.Status.WAITING).order_by(
        "created_at", "pk")
    free = None if event.capacity is None else event.capacity - seats_taken(event)
    if free is not None and free <= 0:
        return []
    for registration in waiting.select_related("user")[:free]:
        registration.status = Registration.Status.REGISTERED
        registration.promoted_at = now or timezone.now()
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        _email_registration(registration, "promoted")
        promoted.append(registration)
    return promoted


def attendees(event: Event, *, waiting: bool = False):
    statuses = [Registration.Status.REGISTERED]
    if waiting:
        statuses.append(Registration.Status.WAITING)
    # Registered people first, then the waiting list in its order.
    registered_first = Case(When(status=Registration.Status.REGISTERED, then=Value(0)),
                            default=Value(1))
    return (event.registrations.filter(status__in=statuses).select_related("user")
            .order_by(registered_first, "created_at", "pk"))


# --- E-mails ---------------------------------------------------------------------------------

def _event_context(event: Event) -> dict:
    return {"event": event, "url": settings.SITE_URL.rstrip("/") + event.get_absolute_url()}


def _email_registration(registration: Registration, what: str) -> None:
    """`what`: registered, waiting or promoted."""
    event = registration.event
    # To the microsecond: cancelling and registering again within a second is a new e-mail.
    stamp = f"{(registration.promoted_at or registration.created_at).timestamp():.6f}"
    email_user(
        key=f"event-{what}:{registration.pk}:{stamp}",
        user=registration.user,
        template=f"events/email/{what}",
        context={**_event_context(event), "registration": registration},
        attachments=[ics_attachment(event)] if what != "waiting" else None,
    )


def _notify_attendees(event: Event, what: str) -> None:
    """`what`: changed or cancelled. Everyone registered or waiting is told, with the new .ics."""
    attachment = ics_attachment(event)
    for registration in attendees(event, waiting=True):
        email_user(
            key=f"event-{what}:{event.pk}:{event.sequence}:{registration.user_id}",
            user=registration.user,
            template=f"events/email/{what}",
            context={**_event_context(event), "registration": registration},
            attachments=[attachment],
        )


def reminder_lead() -> timedelta:
    return timedelta(hours=settings.EVENT_REMINDER_HOURS)


def send_reminders(now=None) -> int:
    """E-mail a reminder, with the .ics, to everyone registered for an event starting within
    EVENT_REMINDER_HOURS. Each registration is reminded once: the row is locked and stamped
    in the same transaction that queues the e-mail, and the outbox key is unique, so running
    this twice (or on two beat schedulers at once) never sends two."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.REGISTERED, reminder_sent_at__isnull=True,
        event__status=Event.Status.SCHEDULED, event__start__gt=now,
        event__start__lte=now + reminder_lead(),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            registration = (Registration.objects.select_for_update(skip_locked=True, of=("self",))
                            .select_related("event", "user")
                            .filter(pk=pk, reminder_sent_at__isnull=True,
                                    status=Registration.Status.REGISTERED).first())
            if registration is None:
                continue
            registration.reminder_sent_at = now
            registration.save(update_fields=["reminder_sent_at", "updated_at"])
            event = registration.event
            email_user(
                # The SEQUENCE too: an event moved away and back again is reminded anew.
                key=f"event-reminder:{registration.pk}:{event.sequence}:"
                    f"{event.start:%Y%m%dT%H%M%S}",
                user=registration.user,
                template="events/email/reminder",
                context={**_event_context(event), "registration": registration},
                attachments=[ics_attachment(event)],
            )
            sent += 1
    return sent


@transaction.atomic
def attendees_email(*, event: Event, by, subject: str, body: str,
                    waiting: bool = False) -> EventMessage:
    """An organiser's e-mail to everyone registered (and, if asked, waiting)."""
    message = EventMessage.objects.create(event=event, sender=by, subject=subject, body=body)
    recipients = list(attendees(event, waiting=waiting))
    for registration in recipients:
        email_user(
            key=f"event-message:{message.pk}:{registration.user_id}",
            user=registration.user,
            template="events/email/message",
            context={**_event_context(event), "message": message, "sender": by},
        )
    message.recipients = len(recipients)
    message.save(update_fields=["recipients"])
    return message


# --- Personal feed ---------------------------------------------------------------------------

def feed_token_for(user) -> CalendarFeedToken:
    token, _created = CalendarFeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def feed_token_regenerate(user) -> CalendarFeedToken:
    """A new secret: the old feed URL stops working at once."""
    CalendarFeedToken.objects.filter(user=user).delete()
    return CalendarFeedToken.objects.create(user=user)


def validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)
