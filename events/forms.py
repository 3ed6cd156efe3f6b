"""Forms of the organisers' pages: an event (new, edited or copied), cancelling it, and a message
to its attendees.

Organisers type dates and times as they read on the event's own clock, in the event's time
zone (10:00 in Seoul for a Seoul summit); the form turns them into aware datetimes, which the
database keeps in UTC. The forms check what the organiser typed and say what is wrong in plain
words; the services check the event again (`full_clean`) before they write it."""

from datetime import date, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrule
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from core.timezones import timezone_choices, timezone_names, validate_timezone, zone

from . import permissions, services
from .models import Event, EventMessage, EventSeries

# When the organiser gives the day registration closes but no time: the end of that day.
DEADLINE_DEFAULT_TIME = time(23, 59)
# The fields whose change moves the event (date and time as typed, the zone, all day).
WHEN_FIELDS = ("start_date", "start_time", "end_date", "end_time", "time_zone", "all_day")
DEADLINE_FIELDS = ("deadline_date", "deadline_time")
# What the form hands to events.services (besides clusters, repeat and following).
EVENT_FIELDS = ("title", "kind", "description", "start", "end", "time_zone", "all_day",
                "venue", "city", "country", "online_url", "organiser", "website",
                "visibility", "working_group", "takes_registrations", "capacity",
                "waiting_list", "registration_deadline")
# A model (or series) field named in a service's ValidationError → the form field to show it on.
ERROR_FIELDS = {"start": "start_date", "end": "end_date", "registration_deadline":
                "deadline_date", "frequency": "repeat"}
MAX_SEATS = 100_000
MAX_INTERVAL = 99


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class TimeZoneField(forms.ChoiceField):
    """A select of the IANA zones. A name that is not one of them gets the time zone
    validator's own message ("… is not a known time zone"), not "Select a valid choice"."""

    def __init__(self, **kwargs):
        super().__init__(choices=timezone_choices, **kwargs)

    def validate(self, value):
        forms.Field.validate(self, value)  # "required"; the choice check is the validator's
        if value:
            validate_timezone(value)


def local_datetime(day: date, at: time, tz) -> datetime:
    """The aware datetime of a wall-clock time in a zone.

    At daylight-saving changes we keep Python's fold=0: a time that happens twice (the autumn
    night) is the first of the two, still on summer time; a time that does not exist (the
    spring gap, e.g. 03:30 in Bucharest on the last Sunday of March) is read with the offset
    before the change, so it lands an hour later on the clock (04:30 summer time)."""
    return datetime.combine(day, at.replace(second=0, microsecond=0, fold=0), tzinfo=tz)


def _model_field(name: str, **kwargs):
    return Event._meta.get_field(name).formfield(**kwargs)


def initial_from(values: dict, clusters=()) -> dict:
    """The form's initial data from an event's values (see services.copy_fields): its dates
    and times as they read in the event's own time zone."""
    tz = zone(values["time_zone"])
    start, end = values["start"].astimezone(tz), values["end"].astimezone(tz)
    initial = {name: values[name] for name in EVENT_FIELDS
               if name not in ("start", "end", "registration_deadline")}
    initial.update({
        "start_date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "clusters": list(clusters),
    })
    if values["all_day"]:
        # Stored with an exclusive end (midnight after the last day): show the last day.
        initial["end_date"] = (end - timedelta(days=1)).date()
    else:
        initial["end_date"] = end.date()
        initial["end_time"] = end.time().replace(second=0, microsecond=0)
    deadline = values.get("registration_deadline")
    if deadline:
        deadline = deadline.astimezone(tz)
        initial["deadline_date"] = deadline.date()
        initial["deadline_time"] = deadline.time().replace(second=0, microsecond=0)
    return initial


class EventForm(forms.Form):
    """A new, edited or copied event.

    `user` decides the working groups offered (the ones they may organise events for);
    `event` is the event being edited (None for a new event or a copy). A new event can
    repeat (a series); an edited occurrence of a series asks whether the changes also go to
    the following occurrences."""

    # What
    title = _model_field("title", widget=forms.TextInput())
    kind = forms.ChoiceField(label=_("Kind of event"), choices=(), error_messages={
        "required": _("Choose the kind of event.")})
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 6}))
    organiser = _model_field("organiser", help_text=_(
        "Who runs it, as it should appear on the event's page, e.g. the Ministry of Research, "
        "Innovation and Digitalisation."))
    website = _model_field("website", help_text=_("A page with the programme or more details."))

    # When
    start_date = forms.DateField(label=_("Start date"), widget=DateInput(), error_messages={
        "required": _("Enter the date it starts.")})
    # site.js hides the times while "All day" is ticked (they are ignored then).
    start_time = forms.TimeField(label=_("Start time"), required=False,
                                 widget=TimeInput(attrs={"data-hidden-by": "id_all_day"}))
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=DateInput(),
        help_text=_("Leave empty if it ends on the day it starts."))
    end_time = forms.TimeField(label=_("End time"), required=False,
                               widget=TimeInput(attrs={"data-hidden-by": "id_all_day"}))
    all_day = _model_field("all_day", label=_("All day"), help_text=_(
        "The event takes whole days, from the start date to the end date; the times are "
        "ignored."))
    time_zone = TimeZoneField(label=_("Time zone"), initial=settings.TIME_ZONE, help_text=_(
        "Of the place where it happens: the dates and times above are read on its clocks, and "
        "visitors see them in their own time zone. A time in the hour skipped when the clocks "
        "go forward moves an hour later; one that happens twice when they go back is the "
        "first."))

    # Where
    venue = _model_field("venue", help_text=_("The building or room, e.g. Palas Congress Hall."))
    city = _model_field("city")
    country = _model_field("country")
    online_url = _model_field("online_url", help_text=_(
        "For an online or hybrid event: the link to join (shown to everyone who can see the "
        "event)."))

    # Who can see it
    visibility = _model_field("visibility", widget=forms.RadioSelect)
    working_group = forms.ModelChoiceField(
        label=_("Working group"), queryset=None, required=False,
        error_messages={"invalid_choice": _(
            "You can only organise events for a working group you coordinate.")})
    clusters = forms.ModelMultipleChoiceField(
        label=_("Participating clusters"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Optional. Hold Ctrl (⌘ on a Mac) to choose several."))

    # Registration
    takes_registrations = _model_field("takes_registrations", help_text=_(
        "Approved users can register on the event's page; you see the list of attendees."))
    capacity = forms.IntegerField(
        label=_("Seats"), required=False, min_value=1, max_value=MAX_SEATS,
        help_text=_("Leave empty for no limit."),
        error_messages={"min_value": _(
            "The number of seats must be at least 1. Leave it empty for no limit."),
            "max_value": _("The number of seats can be at most %(limit_value)s.")})
    waiting_list = _model_field("waiting_list")
    deadline_date = forms.DateField(
        label=_("Registration closes on"), required=False, widget=DateInput(),
        help_text=_("Optional; otherwise registration stays open until the event starts."))
    deadline_time = forms.TimeField(
        label=_("Registration closes at"), required=False, widget=TimeInput(),
        help_text=_("Leave empty to close at the end of that day (23:59)."))

    # Repeats (a new event only)
    repeat = forms.ChoiceField(
        label=_("How often"), required=False,
        choices=[("", _("Does not repeat")), *EventSeries.Frequency.choices],
        help_text=_("Each occurrence is its own event, with its own registrations; one can be "
                    "moved or cancelled alone later. A monthly event on the 29th, 30th or "
                    "31st skips the months without that day."))
    interval = forms.IntegerField(
        label=_("Every"), required=False, min_value=1, max_value=MAX_INTERVAL, initial=1,
        help_text=_("1 for every day, week or month; 2 for every other one, and so on."),
        error_messages={"min_value": _("The interval must be at least 1.")})
    count = forms.IntegerField(
        label=_("Number of occurrences"), required=False, min_value=2,
        max_value=services.MAX_OCCURRENCES,
        error_messages={"min_value": _("A series has at least 2 occurrences."),
                        "max_value": _("A series has at most %(limit_value)s occurrences.")})
    until = forms.DateField(
        label=_("Repeats until"), required=False, widget=DateInput(),
        help_text=_("The last date it may happen on (instead of a number of occurrences)."))

    # Editing an occurrence of a series
    apply_to = forms.ChoiceField(
        label=_("Apply the changes to"), widget=forms.RadioSelect, initial="this",
        choices=[("this", _("This occurrence only")),
                 ("following", _("This occurrence and the following ones in the series"))],
        help_text=_("A new date or time always applies to this occurrence only. The following "
                    "occurrences that were changed on their own keep their changes."))

    SECTIONS = (
        (_("What"), (("title",), ("kind",), ("description",), ("organiser",), ("website",))),
        (_("When"), (("start_date", "start_time"), ("end_date", "end_time"), ("all_day",),
                     ("time_zone",))),
        (_("Where"), (("venue",), ("city", "country"), ("online_url",))),
        (_("Who can see it"), (("visibility",), ("working_group",), ("clusters",))),
        (_("Registration"), (("takes_registrations",), ("capacity",), ("waiting_list",),
                             ("deadline_date", "deadline_time"))),
        (_("Repeats"), (("repeat",), ("interval", "count"), ("until",))),
        (_("Series"), (("apply_to",),)),
    )

    def __init__(self, *args, user, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.event = event
        self.fields["kind"].choices = [("", _("Choose a kind")), *Event.Kind.choices]
        self.fields["title"].error_messages["required"] = _("Give the event a title.")
        self.fields["country"].choices = [
            ("", _("Choose a country")), *[c for c in self.fields["country"].choices if c[0]]]
        self.fields["count"].help_text = _(
            "How many times it happens in all (at most %(max)s), or give the last date "
            "below.") % {"max": services.MAX_OCCURRENCES}
        self.fields["visibility"].help_text = _(
            "A working-group event is seen only by the group's members (and staff).")
        self.fields["working_group"].queryset = permissions.organised_groups(user).order_by(
            "code")
        if permissions.can_create_without_group(user):
            self.fields["working_group"].empty_label = _("None (a portal-wide event)")
            self.fields["working_group"].help_text = _(
                "The group that organises it. Required for a working-group event.")
        else:
            self.fields["working_group"].required = True
            self.fields["working_group"].error_messages["required"] = _(
                "Choose one of the working groups you coordinate.")
            self.fields["working_group"].empty_label = _("Choose a working group")
            self.fields["working_group"].help_text = _(
                "One of the working groups you coordinate.")
        published = Cluster.objects.filter(is_published=True)
        if event is not None:
            # A cluster unpublished since it was linked stays on the event.
            published = published | Cluster.objects.filter(pk__in=event.clusters.values("pk"))
        self.fields["clusters"].queryset = published.order_by("name", "pk")
        if event is not None and event.time_zone not in timezone_names():
            # An alias set elsewhere (e.g. "US/Eastern") stays selectable.
            self.fields["time_zone"].choices = [
                *timezone_choices(), (event.time_zone, event.time_zone)]
        if event is not None:
            for name in ("repeat", "interval", "count", "until"):
                del self.fields[name]
        if event is None or not event.series_id:
            del self.fields["apply_to"]

    # --- layout -----------------------------------------------------------------------------
    def sections(self) -> list[dict]:
        """The fieldsets of the page: a legend and rows of bound fields (side by side)."""
        sections = []
        for legend, rows in self.SECTIONS:
            bound_rows = [[self[name] for name in row if name in self.fields] for row in rows]
            bound_rows = [row for row in bound_rows if row]
            if bound_rows:
                sections.append({"legend": legend, "rows": bound_rows})
        return sections

    # --- checks -----------------------------------------------------------------------------
    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the event a title."))
        return title

    def clean(self):
        data = super().clean()
        self._clean_when(data)
        self._clean_deadline(data)
        self._clean_audience(data)
        if "repeat" in self.fields:
            self._clean_repeat(data)
        return data

    def _clean_when(self, data):
        start_date, end_date = data.get("start_date"), data.get("end_date")
        zone_name = data.get("time_zone")
        if start_date is None or not zone_name or "end_date" in self.errors:
            return
        tz = zone(zone_name)
        end_date = end_date or start_date
        if data.get("all_day"):
            # All-day events run from midnight to the midnight after the last day.
            start = local_datetime(start_date, time(0), tz)
            end = local_datetime(end_date + timedelta(days=1), time(0), tz)
            if end_date < start_date:
                self.add_error("end_date", _("The end must be after the start."))
                return
        else:
            start_time, end_time = data.get("start_time"), data.get("end_time")
            if start_time is None and "start_time" not in self.errors:
                self.add_error("start_time", _(
                    "Enter the time it starts, or tick “All day”."))
            if end_time is None and "end_time" not in self.errors:
                self.add_error("end_time", _("Enter the time it ends, or tick “All day”."))
            if start_time is None or end_time is None:
                return
            start = local_datetime(start_date, start_time, tz)
            end = local_datetime(end_date, end_time, tz)
            if end <= start:
                self.add_error("end_time" if end_date == start_date else "end_date",
                               _("The end must be after the start."))
                return
        if self.event is not None and not set(WHEN_FIELDS) & set(self.changed_data):
            # Unchanged on the page: keep the stored instants exactly (seconds included), so
            # saving other fields does not count as moving the event.
            start, end = self.event.start, self.event.end
        data["start"], data["end"] = start, end

    def _clean_deadline(self, data):
        day, at = data.get("deadline_date"), data.get("deadline_time")
        data["registration_deadline"] = None
        if day is None:
            if at is not None:
                self.add_error("deadline_date", _(
                    "Give the date registration closes, or leave both empty."))
            return
        if not data.get("time_zone"):
            return
        deadline = local_datetime(day, at or DEADLINE_DEFAULT_TIME, zone(data["time_zone"]))
        if (self.event is not None and self.event.registration_deadline
                and not {*DEADLINE_FIELDS, "time_zone"} & set(self.changed_data)):
            deadline = self.event.registration_deadline
        start = data.get("start")
        if start is not None and deadline >= start:
            self.add_error("deadline_date", _("Registration must close before the event starts."))
            return
        data["registration_deadline"] = deadline

    def _clean_audience(self, data):
        if "working_group" in self.errors:
            return
        group = data.get("working_group")
        if group is not None:
            return
        if data.get("visibility") == Event.Visibility.GROUP:
            self.add_error("working_group", _(
                "Choose the working group whose members may see this event."))
        elif not permissions.can_create_without_group(self.user):
            self.add_error("working_group", _("Choose one of the working groups you coordinate."))

    def _clean_repeat(self, data):
        frequency = data.get("repeat")
        if not frequency:
            data["repeat_rule"] = None
            return
        count, until = data.get("count"), data.get("until")
        if "count" in self.errors or "until" in self.errors:
            return
        if not count and not until:
            self.add_error("count", _(
                "Say how many times it happens, or until which date it repeats."))
            return
        if count and until:
            self.add_error("until", _(
                "Give either the number of occurrences or the last date, not both."))
            return
        interval = data.get("interval") or 1
        start = data.get("start")
        if until and start is not None:
            first_day = start.astimezone(zone(data["time_zone"])).date()
            if until < first_day:
                self.add_error("until", _("The last date cannot be before the first one."))
                return
            if self._more_than_allowed(start, data["time_zone"], frequency, interval, until):
                self.add_error("until", _(
                    "That makes more than %(max)s occurrences: choose an earlier last date.")
                    % {"max": services.MAX_OCCURRENCES})
                return
        data["repeat_rule"] = {"frequency": frequency, "interval": interval, "count": count,
                               "until": until}

    @staticmethod
    def _more_than_allowed(start, zone_name, frequency, interval, until) -> bool:
        local_start = start.astimezone(zone(zone_name)).replace(tzinfo=None)
        rule = rrule(services.FREQUENCIES[frequency], dtstart=local_start, interval=interval,
                     until=datetime.combine(until, time.max))
        return next(islice(rule, services.MAX_OCCURRENCES, None), None) is not None

    # --- for the services -------------------------------------------------------------------
    def event_fields(self) -> dict:
        """The event's fields, as events.services.event_create/event_update take them."""
        data = self.cleaned_data
        return {name: data[name] for name in EVENT_FIELDS}

    def repeat_rule(self) -> dict | None:
        return self.cleaned_data.get("repeat_rule")

    def following(self) -> bool:
        return self.cleaned_data.get("apply_to") == "following"

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal on the fields it names (the rest above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = ERROR_FIELDS.get(name, name)
            self.add_error(field if field in self.fields else None, errors)


class CancelForm(forms.Form):
    """Cancel an event, or an occurrence and the rest of its series."""

    scope = forms.ChoiceField(
        label=_("What to cancel"), widget=forms.RadioSelect, initial="this",
        choices=[("this", _("This occurrence only")),
                 ("following", _("This occurrence and all the following ones in the series"))])

    def __init__(self, *args, series: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not series:
            del self.fields["scope"]

    def following(self) -> bool:
        return self.cleaned_data.get("scope") == "following"


class AttendeesEmailForm(forms.Form):
    """An organiser's message to the people registered (and, if asked, waiting)."""

    subject = forms.CharField(
        label=_("Subject"), max_length=EventMessage._meta.get_field("subject").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    body = forms.CharField(
        label=_("Message"), max_length=EventMessage._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. The e-mail adds the event's title, date, place and a link "
                    "to its page."))
    waiting = forms.BooleanField(
        label=_("Also send it to the people on the waiting list"), required=False)

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError(_("Give the message a subject."))
        return subject
