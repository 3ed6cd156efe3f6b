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
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from notifications.services import email_user

from .ical import ics_attachment
from .models import CalendarFeedToken, Event, EventMessage, EventSeries, Registration

# A series makes at most this many occurrences (a weekly event for two years).
MAX_OCCURRENCES = 104

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
    until_dt = datetime.combine(until, datetime.max.time()) if until else None
    rule = rrule(FREQUENCIES[frequency], dtstart=local_start, interval=interval,
                 count=min(count or MAX_OCCURRENCES, MAX_OCCURRENCES), until=until_dt)
    times = []
    for naive in rule:
        times.append((naive.replace(tzinfo=tz), (naive + length).replace(tzinfo=tz)))
        if len(times) >= MAX_OCCURRENCES:
            break
    return times


def _checked(event: Event, exclude=()) -> Event:
    event.full_clean(exclude=["uid", *exclude], validate_unique=False)
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
    series.save()
    first = None
    for start, end in occurrence_times(start=event.start, end=event.end,
                                       time_zone=event.time_zone, frequency=series.frequency,
                                       interval=series.interval, count=series.count,
                                       until=series.until):
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
    attendees at once; moving one occurrence of a series detaches it from the series' edits.
    With `following`, the non-date fields also go to this series' later occurrences that were
    not edited on their own."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = _schedule(event)
    old_start, old_end, old_capacity = event.start, event.end, event.capacity
    for name, value in fields.items():
        setattr(event, name, value)
    _checked(event)
    changed = _schedule(event) != before
    if changed:
        event.sequence += 1
    if event.series_id and (event.start, event.end) != (old_start, old_end):
        event.is_exception = True
    event.save()
    if clusters is not None:
        event.clusters.set(clusters)
    if event.start != old_start:
        # A new date deserves a new reminder.
        event.registrations.update(reminder_sent_at=None)
    if changed:
        _notify_attendees(event, "changed")
    if event.capacity != old_capacity:
        _promote_waiting(event)
    if following and event.series_id:
        copied = {name: getattr(event, name) for name in SERIES_FIELDS}
        later = Event.objects.filter(series_id=event.series_id, start__gt=event.start,
                                     is_exception=False, status=Event.Status.SCHEDULED)
        for other in later:
            event_update(event=other, by=by, clusters=clusters, **copied)
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
    later = Event.objects.filter(series_id=event.series_id, start__gte=event.start,
                                 status=Event.Status.SCHEDULED)
    count = 0
    for occurrence in later:
        event_cancel(event=occurrence, by=by)
        count += 1
    return count


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
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
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
        raise EventFull(_("This event is full: all %(capacity)s seats are taken.")
                        % {"capacity": event.capacity})
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
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
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
    return (event.registrations.filter(status__in=statuses).select_related("user")
            .order_by("status", "created_at", "pk"))


# --- E-mails ---------------------------------------------------------------------------------

def _event_context(event: Event) -> dict:
    return {"event": event, "url": settings.SITE_URL.rstrip("/") + event.get_absolute_url()}


def _email_registration(registration: Registration, what: str) -> None:
    """`what`: registered, waiting or promoted."""
    event = registration.event
    stamp = int((registration.promoted_at or registration.created_at).timestamp())
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
                key=f"event-reminder:{registration.pk}:{event.start:%Y%m%dT%H%M%S}",
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
