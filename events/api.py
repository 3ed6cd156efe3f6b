"""REST API for events: the events a user may see, events made and edited by their organisers,
and registrations. The same rules as the pages: who may see or do what is decided in
permissions.py, every write goes through services.py.

- An event the user may not see answers 404, exactly like an id that does not exist; one they
  may see but not change answers 403.
- Times are ISO 8601. `start`, `end` and `registration_deadline` are given in UTC;
  `local_start`/`local_end` are the same instants in the event's own time zone. On input, a time
  with an offset (or Z) is that instant; a time without one is wall-clock time in the event's
  `time_zone` ("2026-05-12T10:00" with "Asia/Seoul" is 10:00 in Seoul).
- Registration answers 409 (a conflict with the event's state) when the event is full without
  a waiting list or registration is closed, with `{"detail": <the reason>, "code": ...}`."""

from datetime import UTC, datetime, time

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import CharField, Count, OuterRef, Prefetch, Q, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.permissions import is_approved
from clusters.models import Cluster
from clusters.permissions import clusters_visible_to
from core.countries import countries
from core.timezones import zone
from workinggroups.models import WorkingGroup

from . import permissions, services
from .models import Event, EventSeries, Registration

NOT_FOUND = OpenApiResponse(description="No such event, or one you may not see.")
FORBIDDEN = OpenApiResponse(description="You may see the event but not do this.")
ACTIVE = (Registration.Status.REGISTERED, Registration.Status.WAITING)


# --- Errors -----------------------------------------------------------------------------------

class RegistrationConflict(APIException):
    """services.register refused: the event is full (no waiting list) or registration is
    closed. 409: the request is fine, the event's state does not allow it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "registration_refused"

    def __init__(self, refused: services.RegistrationError):
        super().__init__(detail={"detail": refused.message, "code": refused.code},
                         code=refused.code)


def drf_errors(exc: DjangoValidationError) -> dict:
    """A Django ValidationError (from the services' full_clean) as DRF's 400 body: field
    errors by field name (a series' `until` under `repeat`), the rest under
    non_field_errors."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    errors: dict = {}
    for name, messages in exc.message_dict.items():
        if name in ("frequency", "interval", "count", "until"):
            errors.setdefault("repeat", {})[name] = messages
        else:
            errors[api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS
                   else name] = messages
    return errors


# --- Fields -----------------------------------------------------------------------------------

def _enum(choices, component_name):
    """A choice field with its own schema component (`kind` and `status` mean other things in
    the documents' and clusters' APIs)."""

    @extend_schema_field({"type": "string", "enum": [value for value, _label in choices]},
                         component_name=component_name)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    EnumField.__name__ = component_name.removesuffix("Enum") + "Field"
    return EnumField


EventKindField = _enum(Event.Kind.choices, "EventKindEnum")
EventVisibilityField = _enum(Event.Visibility.choices, "EventVisibilityEnum")
EventStatusField = _enum(Event.Status.choices, "EventStatusEnum")
RegistrationStatusField = _enum(
    [(value, label) for value, label in Registration.Status.choices if value in ACTIVE],
    "EventRegistrationStatusEnum")
FrequencyField = _enum(EventSeries.Frequency.choices, "EventFrequencyEnum")


@extend_schema_field({"type": "string", "example": "RO",
                      "description": "ISO 3166-1 alpha-2 code; empty when not given."})
class EventCountryField(CountryField):
    def __init__(self, **kwargs):
        super().__init__(countries=countries, **kwargs)


class UTCDateTimeField(serializers.DateTimeField):
    """Always written in UTC, whatever the viewer's time zone."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


class WallClockDateTimeField(UTCDateTimeField):
    """Input: an ISO 8601 instant, or a wall-clock time without an offset that
    EventWriteSerializer.validate() places in the event's time zone."""

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            return value
        return super().enforce_timezone(value)


# --- Serializers ------------------------------------------------------------------------------

class EventSerializer(serializers.ModelSerializer):
    """An event."""

    # Expects the viewset's queryset: annotations `seats_taken_count`, `my_registration_status`.

    url = serializers.SerializerMethodField(help_text=_("This event in the API."))
    page_url = serializers.SerializerMethodField(help_text=_("The event's page on the site."))
    ics_url = serializers.SerializerMethodField(help_text=_("The event as an iCalendar file."))
    kind = EventKindField(read_only=True)
    start = UTCDateTimeField(read_only=True)
    end = UTCDateTimeField(read_only=True)
    local_start = serializers.SerializerMethodField(
        help_text=_("The start in the event's own time zone (ISO 8601 with its offset)."))
    local_end = serializers.SerializerMethodField(
        help_text=_("The end in the event's own time zone (ISO 8601 with its offset)."))
    country = EventCountryField(read_only=True)
    visibility = EventVisibilityField(read_only=True)
    working_group = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text=_("The group's code (WG1 … WG6)."))
    clusters = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True,
                                            help_text=_("Participating clusters (slugs)."))
    status = EventStatusField(read_only=True)
    series = serializers.SlugRelatedField(
        slug_field="uid", read_only=True, allow_null=True,
        help_text=_("The series this occurrence belongs to, if it repeats."))
    cancelled_at = UTCDateTimeField(read_only=True, allow_null=True)
    registration_deadline = UTCDateTimeField(read_only=True, allow_null=True)
    seats_taken = serializers.IntegerField(source="seats_taken_count", read_only=True)
    registration_open = serializers.SerializerMethodField(
        help_text=_("Whether one can register now: the event takes registrations, has "
                    "not started, the deadline has not passed, and there is a seat or a "
                    "waiting list."))
    my_registration = RegistrationStatusField(
        source="my_registration_status", read_only=True, allow_null=True,
        help_text=_("Your registration: registered, waiting, or null."))

    class Meta:
        model = Event
        fields = ["id", "uid", "url", "page_url", "ics_url", "title", "kind", "description",
                  "start", "end", "time_zone", "local_start", "local_end", "all_day", "venue",
                  "city", "country", "online_url", "organiser", "website", "visibility",
                  "working_group", "clusters", "status", "cancelled_at", "sequence", "series",
                  "takes_registrations", "capacity", "seats_taken", "waiting_list",
                  "registration_deadline", "registration_open", "my_registration"]
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, event) -> str:
        return self._absolute(reverse("api:event-detail", args=[event.pk]))

    def get_page_url(self, event) -> str:
        return self._absolute(event.get_absolute_url())

    def get_ics_url(self, event) -> str:
        return self._absolute(reverse("events:ics", args=[event.pk]))

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_start(self, event) -> str:
        return event.local_start.isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_end(self, event) -> str:
        return event.local_end.isoformat()

    def get_registration_open(self, event) -> bool:
        if services.registration_closed_reason(event) is not None:
            return False
        return (event.capacity is None or event.seats_taken_count < event.capacity
                or event.waiting_list)


class RepeatSerializer(serializers.Serializer):
    """Makes a series: one event per date, each taking its own registrations."""

    frequency = FrequencyField()
    interval = serializers.IntegerField(min_value=1, max_value=52, default=1)
    count = serializers.IntegerField(
        min_value=1, max_value=services.MAX_OCCURRENCES, required=False, allow_null=True,
        help_text=format_lazy(_("How many occurrences (at most {max})."),
                              max=services.MAX_OCCURRENCES))
    until = serializers.DateField(required=False, allow_null=True,
                                  help_text=_("The last date an occurrence may fall on."))

    def validate(self, attrs):
        if not attrs.get("count") and not attrs.get("until"):
            raise serializers.ValidationError(
                _("Give the number of occurrences (count) or the last date (until)."))
        return attrs


class EventWriteSerializer(serializers.ModelSerializer):
    """An event's fields as organisers write them."""

    kind = EventKindField()
    start = WallClockDateTimeField()
    end = WallClockDateTimeField(
        help_text=_("After the start. For all-day events, the day after the last day."))
    country = EventCountryField(required=False, allow_blank=True)
    visibility = EventVisibilityField(required=False)
    working_group = serializers.SlugRelatedField(
        slug_field="code", queryset=WorkingGroup.objects.all(), required=False, allow_null=True,
        help_text=_("The group's code; required for group-only events. Only staff create "
                    "events without a group."))
    clusters = serializers.SlugRelatedField(slug_field="slug", many=True, required=False,
                                            queryset=Cluster.objects.none(),
                                            help_text=_("Participating clusters (slugs)."))
    capacity = serializers.IntegerField(
        required=False, allow_null=True, min_value=1,
        error_messages={"min_value": _("The number of seats must be at least 1 (leave it "
                                       "empty for no limit).")},
        help_text=_("Seats; null for no limit."))
    registration_deadline = WallClockDateTimeField(required=False, allow_null=True)

    class Meta:
        model = Event
        fields = ["title", "kind", "description", "start", "end", "time_zone", "all_day",
                  "venue", "city", "country", "online_url", "organiser", "website",
                  "visibility", "working_group", "clusters", "takes_registrations", "capacity",
                  "waiting_list", "registration_deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        # Clusters the user may not see do not exist for them.
        self.fields["clusters"].child_relation.queryset = clusters_visible_to(
            request.user if request else None)

    def _current(self, attrs, name, default=None):
        if name in attrs:
            return attrs[name]
        return getattr(self.instance, name) if self.instance is not None else default

    def validate(self, attrs):
        tz = zone(self._current(attrs, "time_zone", settings.TIME_ZONE))
        for name in ("start", "end", "registration_deadline"):
            value = attrs.get(name)
            if value is not None and timezone.is_naive(value):
                attrs[name] = value.replace(tzinfo=tz)
        errors = {}
        start, end = self._current(attrs, "start"), self._current(attrs, "end")
        if start and end and end <= start:
            errors["end"] = [_("The end must be after the start.")]
        visibility = self._current(attrs, "visibility", Event.Visibility.PUBLIC)
        if visibility == Event.Visibility.GROUP and not self._current(attrs, "working_group"):
            errors["working_group"] = [_("A group-only event needs a working group.")]
        repeat = attrs.get("repeat")
        if repeat and repeat.get("until") and start and repeat["until"] < start.astimezone(
                tz).date():
            errors["repeat"] = {"until": [_("The last date is before the first occurrence.")]}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class EventCreateSerializer(EventWriteSerializer):
    """A new event; with `repeat`, a series (one event per date)."""

    repeat = RepeatSerializer(required=False, help_text=_("Makes a series."))

    class Meta(EventWriteSerializer.Meta):
        fields = [*EventWriteSerializer.Meta.fields, "repeat"]


class EventUpdateSerializer(EventWriteSerializer):
    """The fields to change; send only those."""

    apply_to_following = serializers.BooleanField(
        required=False, default=False,
        help_text=_("Also apply the change (except the date) to the series' later "
                    "occurrences that were not edited on their own."))

    class Meta(EventWriteSerializer.Meta):
        fields = [*EventWriteSerializer.Meta.fields, "apply_to_following"]


class RegistrationSerializer(serializers.Serializer):
    event = serializers.IntegerField(source="event_id", read_only=True)
    status = RegistrationStatusField(read_only=True)
    position = serializers.IntegerField(
        read_only=True, allow_null=True,
        help_text=_("Your place on the waiting list (1 = next to get a seat); null when you "
                    "have a seat."))
    registered_at = UTCDateTimeField(source="created_at", read_only=True)


REGISTRATION_CONFLICT = OpenApiResponse(
    description="The event is full and has no waiting list (`code` event_full), or "
                "registration is closed (`code` registration_closed): "
                "`{\"detail\": reason, \"code\": ...}`.")


# --- Filters ----------------------------------------------------------------------------------

class DateOrDateTimeField(forms.Field):
    """An ISO 8601 date (its midnight) or date-time; without an offset, in the viewer's time
    zone (their profile's, else the portal's)."""

    default_error_messages = {
        "invalid": _("Enter an ISO 8601 date or date-time, e.g. 2026-05-01 or "
                     "2026-05-01T09:00:00+03:00."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        try:
            parsed = parse_datetime(value)
            if parsed is None:
                day = parse_date(value)
                parsed = datetime.combine(day, time.min) if day else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=timezone.get_current_timezone())
        return parsed


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeFilter(filters.Filter):
    field_class = DateOrDateTimeField


class EventFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end of the range must be after its start."))
        return cleaned


class EventFilter(filters.FilterSet):
    start = DateOrDateTimeFilter(
        method="filter_start",
        label=_("Events still running at or after this moment (ISO date or date-time)"))
    end = DateOrDateTimeFilter(
        method="filter_end",
        label=_("Events starting before this moment (ISO date or date-time, exclusive)"))
    kind = filters.ChoiceFilter(choices=Event.Kind.choices)
    working_group = filters.ModelChoiceFilter(
        field_name="working_group", to_field_name="code", queryset=WorkingGroup.objects.all(),
        label=_("Working group code"))

    class Meta:
        model = Event
        fields = ["start", "end", "kind", "working_group"]
        form = EventFilterForm

    def filter_start(self, queryset, name, value):
        return queryset.filter(end__gt=value)

    def filter_end(self, queryset, name, value):
        return queryset.filter(start__lt=value)


# --- The endpoints ----------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(
        summary="Events you may see",
        description="Public events for everyone, and the group-only events of your groups "
                    "(staff: every group), in order of start. `start` and `end` select the "
                    "events overlapping [start, end); a date means its midnight and a time "
                    "without an offset is read in your time zone.",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.STR, description=(
                "ISO 8601 date or date-time: events still running at or after it.")),
            OpenApiParameter("end", OpenApiTypes.STR, description=(
                "ISO 8601 date or date-time: events starting before it (exclusive).")),
        ],
        responses={200: EventSerializer(many=True),
                   400: OpenApiResponse(description="An invalid filter value.")},
    ),
    retrieve=extend_schema(summary="An event", description="404 for an event you may not see.",
                           responses={200: EventSerializer, 404: NOT_FOUND}),
)
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Events: everyone reads what permissions.events_visible_to() lets them see; staff and
    coordinators create and edit events; approved users register."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A token client is known only now (the time-zone middleware saw an anonymous
        # request): read its filters' and times' wall-clock values in its own zone.
        # ViewerTimezoneMiddleware deactivates it at the end of the request.
        if request.user.is_authenticated:
            timezone.activate(zone(getattr(request.user, "time_zone", "")))

    def get_permissions(self):
        if self.request is not None and self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return super().get_permissions()  # writes: approved users (IsApprovedUser)

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = serializers.ValidationError(drf_errors(exc))
        elif isinstance(exc, services.RegistrationError):
            exc = RegistrationConflict(exc)
        return super().handle_exception(exc)

    def get_queryset(self):
        """The events this user may see, with what the serializer shows, in one query (and one
        for the page's clusters)."""
        user = self.request.user
        queryset = (permissions.events_visible_to(user)
                    .select_related("working_group", "series")
                    .prefetch_related(Prefetch("clusters", queryset=clusters_visible_to(user)
                                               .only("pk", "slug").order_by("slug")))
                    .annotate(seats_taken_count=Count(
                        "registrations",
                        filter=Q(registrations__status=Registration.Status.REGISTERED))))
        if is_approved(user):
            mine = Registration.objects.filter(event=OuterRef("pk"), user=user,
                                               status__in=ACTIVE)
            queryset = queryset.annotate(my_registration_status=Subquery(
                mine.values("status")[:1]))
        else:
            queryset = queryset.annotate(
                my_registration_status=Value(None, output_field=CharField()))
        return queryset.order_by("start", "pk")

    def get_object(self) -> Event:
        """An event this user may see; 404 otherwise, exactly like an unknown id."""
        event = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if event is None:
            raise NotFound
        return event

    def _detail(self, pk, **kwargs) -> Response:
        self.kwargs["pk"] = pk
        return Response(EventSerializer(self.get_object(),
                                        context=self.get_serializer_context()).data, **kwargs)

    def _check_group(self, group: WorkingGroup | None) -> None:
        """May this user organise events for `group` (None: a portal-wide event)?"""
        user = self.request.user
        if group is None:
            if not permissions.can_create_without_group(user):
                raise PermissionDenied(_("Only staff can organise events without a working "
                                         "group; choose one of your groups."))
        elif not permissions.organised_groups(user).filter(pk=group.pk).exists():
            raise PermissionDenied(_("You can only organise events for the working groups "
                                     "you coordinate."))

    # --- Writing ---

    @extend_schema(
        summary="Create an event (staff, and coordinators for their groups)",
        description="With `repeat`, creates a series (one event per date) and returns the "
                    "first occurrence.",
        request=EventCreateSerializer,
        responses={201: EventSerializer,
                   400: OpenApiResponse(description="Invalid fields, e.g. an end before the "
                                                    "start, no seats or an unknown time zone."),
                   403: OpenApiResponse(description="You may not organise events (for this "
                                                    "group).")},
    )
    def create(self, request, *args, **kwargs):
        if not permissions.can_create_events(request.user):
            raise PermissionDenied(_("Only staff and working-group coordinators can create "
                                     "events."))
        data = EventCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        self._check_group(fields.get("working_group"))
        repeat = fields.pop("repeat", None)
        clusters = fields.pop("clusters", [])
        event = services.event_create(by=request.user, clusters=clusters, repeat=repeat,
                                      **fields)
        response = self._detail(event.pk, status=status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    @extend_schema(
        summary="Change an event (its organisers)",
        description="Send only the fields you change. A new time, place or status bumps the "
                    "event's SEQUENCE and e-mails the people registered.",
        request=EventUpdateSerializer,
        responses={200: EventSerializer,
                   400: OpenApiResponse(description="Invalid fields."),
                   403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request, *args, **kwargs):
        event = self.get_object()
        if not permissions.can_manage(request.user, event):
            raise PermissionDenied(_("Only the group's coordinators and staff can change "
                                     "this event."))
        data = EventUpdateSerializer(event, data=request.data, partial=True,
                                    context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "working_group" in fields and fields["working_group"] != event.working_group:
            self._check_group(fields["working_group"])
        following = fields.pop("apply_to_following", False)
        clusters = fields.pop("clusters", None)
        services.event_update(event=event, by=request.user, clusters=clusters,
                              following=following, **fields)
        return self._detail(event.pk)

    # --- Registrations ---

    @extend_schema(
        methods=["POST"],
        summary="Register for an event",
        description="A seat while there is one, else a place on the waiting list (when the "
                    "event has one). 201 for a new registration, 200 when you were already "
                    "registered or waiting.",
        request=None,
        responses={200: RegistrationSerializer, 201: RegistrationSerializer,
                   404: NOT_FOUND, 409: REGISTRATION_CONFLICT},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Cancel your registration",
        description="Your seat goes to the first person waiting.",
        request=None,
        responses={204: None,
                   404: OpenApiResponse(description="No such event, one you may not see, or "
                                                    "you are not registered.")},
    )
    @action(detail=True, methods=["post", "delete"], url_path="registration",
            url_name="registration", filter_backends=[], pagination_class=None)
    def registration(self, request, pk=None):
        event = self.get_object()
        if not permissions.can_register(request.user, event):
            raise PermissionDenied
        now = timezone.now()
        if request.method == "DELETE":
            cancelled = services.cancel_registration(event=event, user=request.user, now=now)
            if cancelled is None or cancelled.cancelled_at != now:
                raise NotFound(_("You are not registered for this event."))
            return Response(status=status.HTTP_204_NO_CONTENT)
        registration = services.register(event=event, user=request.user, now=now)
        registration.position = None
        if registration.status == Registration.Status.WAITING:
            registration.position = event.registrations.filter(
                Q(created_at__lt=registration.created_at)
                | Q(created_at=registration.created_at, pk__lt=registration.pk),
                status=Registration.Status.WAITING).count() + 1
        # services.register stamps a new (or renewed) registration with `now`.
        created = registration.created_at == now
        return Response(RegistrationSerializer(registration).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
