"""Events: public or group-only, single or in a series, with registrations and a waiting list.

Times are stored as aware datetimes in UTC; `Event.time_zone` keeps the event's own IANA zone
for display and for generating a series' occurrences (a monthly 10:00 webinar stays at 10:00
local time across daylight-saving changes)."""

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.countries import PortalCountries
from core.text import fold
from core.timezones import validate_timezone, zone


class EventSeries(models.Model):
    """The rule a repeating event follows. Its occurrences are Event rows (one per date), so
    each can take registrations, be moved or be cancelled on its own."""

    class Frequency(models.TextChoices):
        DAILY = "DAILY", _("Daily")
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    frequency = models.CharField(_("repeats"), max_length=8, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    count = models.PositiveSmallIntegerField(_("number of occurrences"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1), name="events_series_interval"),
            models.CheckConstraint(condition=Q(count__isnull=True) | Q(count__gte=1),
                                   name="events_series_count"),
        ]

    def __str__(self):
        return self.rrule

    @property
    def rrule(self) -> str:
        """The rule in RFC 5545 syntax, e.g. FREQ=MONTHLY;INTERVAL=1;COUNT=6."""
        parts = [f"FREQ={self.frequency}", f"INTERVAL={self.interval}"]
        if self.count:
            parts.append(f"COUNT={self.count}")
        if self.until:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        return ";".join(parts)


class EventQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=Event.Status.SCHEDULED)

    def upcoming(self, now=None):
        """Events not yet over (running ones included), soonest first."""
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")

    def overlapping(self, start: datetime, end: datetime):
        """Events with any part in [start, end)."""
        return self.filter(start__lt=end, end__gt=start)


class Event(models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")
        TRAINING = "training", _("Training")
        STUDY_VISIT = "study_visit", _("Study visit")
        MATCHMAKING = "matchmaking", _("B2B matchmaking")
        CLUSTER_TO_CLUSTER = "cluster_to_cluster", _("Cluster-to-cluster meeting")
        WEBINAR = "webinar", _("Webinar")
        MEETING = "meeting", _("Meeting")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        GROUP = "group", _("Working group only")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=20_000, blank=True)

    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE,
                                validators=[validate_timezone],
                                help_text=_("The time zone of the place where it happens."))
    all_day = models.BooleanField(_("all day"), default=False)

    venue = models.CharField(_("venue"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True, countries=PortalCountries)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    organiser = models.CharField(_("organiser"), max_length=300, blank=True)
    website = models.URLField(_("more information"), max_length=500, blank=True)

    visibility = models.CharField(_("visible to"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    working_group = models.ForeignKey(
        "workinggroups.WorkingGroup", verbose_name=_("working group"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="events")
    clusters = models.ManyToManyField("clusters.Cluster", verbose_name=_("participating clusters"),
                                      blank=True, related_name="events")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SCHEDULED)
    # RFC 5545 SEQUENCE: bumped whenever the time, the place or the status changes.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    takes_registrations = models.BooleanField(_("takes registrations"), default=False)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave empty for no limit."),
        # The constraint below in the database; this gives forms the same rule, per field.
        validators=[MinValueValidator(1)])
    waiting_list = models.BooleanField(
        _("waiting list"), default=True,
        help_text=_("When the seats are taken, people can join a waiting list and move up "
                    "automatically when someone cancels."))
    registration_deadline = models.DateTimeField(_("registration closes"), null=True, blank=True)

    series = models.ForeignKey(EventSeries, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="occurrences", editable=False)
    # The occurrence's start as the series rule gave it (RFC 5545 RECURRENCE-ID).
    recurrence_id = models.DateTimeField(null=True, blank=True, editable=False)
    # Moved or edited on its own: edits to the whole series leave it alone.
    is_exception = models.BooleanField(default=False, editable=False)

    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="events_end_after_start",
                                   violation_error_message=_("The end must be after the start.")),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                                   name="events_capacity_positive"),
            models.CheckConstraint(
                condition=~Q(visibility="group") | Q(working_group__isnull=False),
                name="events_group_events_have_a_group"),
            models.UniqueConstraint(fields=["series", "recurrence_id"],
                                    name="events_one_occurrence_per_date"),
        ]
        indexes = [
            models.Index(fields=["start"]),
            models.Index(fields=["end"]),
            models.Index(fields=["visibility", "start"]),
            models.Index(fields=["working_group", "start"]),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join(
            (self.title, self.description, self.venue, self.city, self.organiser)))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    # --- Time --------------------------------------------------------------------------------
    @property
    def tz(self):
        return zone(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.tz)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.tz)

    @property
    def first_day(self):
        return self.local_start.date()

    @property
    def last_day(self):
        """The last calendar day it runs on (all-day events end at midnight, exclusive)."""
        end = self.local_end
        if self.all_day or (end.time() == datetime.min.time() and end > self.local_start):
            return (end - timedelta(days=1)).date()
        return end.date()

    @property
    def is_multi_day(self) -> bool:
        return self.last_day > self.first_day

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def has_started(self, now=None) -> bool:
        return self.start <= (now or timezone.now())

    def is_over(self, now=None) -> bool:
        return self.end <= (now or timezone.now())

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.venue, self.city, self.country.name if
                                           self.country else "") if part)


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # When the person joined (or rejoined) the queue: the waiting list moves up in this order.
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    promoted_at = models.DateTimeField(_("moved up at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "user"],
                                               name="events_one_registration_per_user")]
        indexes = [models.Index(fields=["event", "status", "created_at"]),
                   models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user} · {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.REGISTERED, self.Status.WAITING)


class EventMessage(models.Model):
    """An e-mail an organiser sent to an event's attendees (kept as a record)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10_000)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a user's personal calendar feed URL. Regenerating it retires the old URL."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed_token")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
