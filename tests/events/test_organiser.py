"""The organisers' pages: who may create, edit, copy and cancel events and see, export and
e-mail the attendees; times typed in the event's zone and stored in UTC; all-day, multi-day and
repeating events; one occurrence moved or cancelled alone; clear errors for bad input; and the
attendees told when an event moves or is cancelled."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import Cluster, Country, Region
from events import services
from events.forms import initial_from
from events.models import Event, EventMessage, Registration
from notifications.models import OutboxEmail
from tests.factories import UserFactory
from workinggroups.models import Membership

from .conftest import BUCHAREST, add_member, client_for, make_event

pytestmark = pytest.mark.django_db

LOGIN = "login"
SEOUL = ZoneInfo("Asia/Seoul")
ROLES = ["anonymous", "pending", "non_member", "member", "coordinator", "other_coordinator",
         "staff"]


@pytest.fixture
def other_coordinator(wg2):
    """The coordinator of another group (WG2)."""
    return add_member(wg2, UserFactory(full_name="Radu Văleanu"), Membership.Role.COORDINATOR)


@pytest.fixture
def users(user, pending_user, member, coordinator, other_coordinator, staff_user):
    return {"anonymous": None, "pending": pending_user, "non_member": user, "member": member,
            "coordinator": coordinator, "other_coordinator": other_coordinator,
            "staff": staff_user}


def at(day: date, hour: int, minute: int = 0, tz=BUCHAREST) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def form_data(**overrides) -> dict:
    """A valid new public event, one afternoon in Iași (2030), as the form posts it."""
    data = {
        "title": "Conferința Internațională a Clusterelor din România",
        "kind": Event.Kind.CONFERENCE,
        "description": "Două zile despre politici de cluster.",
        "start_date": "2030-09-22", "start_time": "14:00",
        "end_date": "2030-09-22", "end_time": "18:00",
        "time_zone": "Europe/Bucharest",
        "venue": "Palas", "city": "Iași", "country": "RO",
        "visibility": Event.Visibility.PUBLIC,
        "waiting_list": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(event: Event, **overrides) -> dict:
    """What the edit page posts when the organiser changes only `overrides`."""
    initial = initial_from(services.copy_fields(event), clusters=event.clusters.all())
    data = {}
    for name, value in initial.items():
        if value is None or value == "" or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif name == "clusters":
            data[name] = [cluster.pk for cluster in value]
        elif name == "working_group":
            data[name] = value.pk
        elif isinstance(value, time):
            data[name] = value.strftime("%H:%M")
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    if event.series_id:
        data["apply_to"] = "this"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def wg1_event(coordinator, wg1, **fields) -> Event:
    return make_event(by=coordinator, title="Atelier WG1: lanțuri valorice",
                      working_group=wg1, **fields)


def url(name: str, event: Event | None = None) -> str:
    return reverse(f"events:{name}", args=[event.pk] if event else [])


def error_text(response) -> str:
    return response.content.decode()


def outbox(prefix: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(key__startswith=prefix).order_by("to"))


def make_cluster(name: str, *, published: bool = True) -> Cluster:
    romania, _created = Country.objects.get_or_create(
        code="RO", defaults={"name_ro": "România", "name_en": "Romania"})
    region, _created = Region.objects.get_or_create(
        code="RO21", defaults={"slug": "nord-est", "name_ro": "Nord-Est", "name_en": "North-East",
                               "country": romania})
    slug = name.lower().replace(" ", "-")
    return Cluster.objects.create(name=name, slug=slug, region=region, is_published=published)


def register_people(event: Event, *names: str) -> list:
    people = [UserFactory(full_name=name) for name in names]
    for person in people:
        services.register(event=event, user=person)
    return people


# --- the permission matrix --------------------------------------------------------------------

PAGES = ["edit", "copy", "cancel", "attendees", "attendees_csv", "email_attendees"]
#                anonymous pending non_member member coordinator other_coordinator staff
ON_PUBLIC_WG1 = [LOGIN, LOGIN, 403, 403, 200, 403, 200]
ON_GROUP_WG1 = [LOGIN, LOGIN, 404, 403, 200, 404, 200]
ON_PORTAL_WIDE = [LOGIN, LOGIN, 403, 403, 403, 403, 200]
CREATE = [LOGIN, LOGIN, 403, 403, 200, 200, 200]

CASES = [(kind, page, role, table[i])
         for kind, table in (("public_wg1", ON_PUBLIC_WG1), ("group_wg1", ON_GROUP_WG1),
                             ("portal_wide", ON_PORTAL_WIDE))
         for page in PAGES for i, role in enumerate(ROLES)]


def assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("kind", "page", "role", "expected"), CASES,
                         ids=[f"{k}-{p}-{r}" for k, p, r, _e in CASES])
def test_permission_matrix_of_an_event(users, wg1, coordinator, staff_user, kind, page, role,
                                       expected):
    if kind == "public_wg1":
        event = wg1_event(coordinator, wg1)
    elif kind == "group_wg1":
        event = wg1_event(coordinator, wg1, visibility=Event.Visibility.GROUP)
    else:
        event = make_event(by=staff_user, title="Conferința europeană a clusterelor")

    response = client_for(users[role]).get(url(page, event))

    assert_status(response, expected)
    if expected == 404:
        assert event.title not in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, CREATE, strict=True)))
def test_permission_matrix_of_create(users, role, expected):
    assert_status(client_for(users[role]).get(url("create")), expected)


@pytest.mark.parametrize("page", ["edit", "cancel", "email_attendees"])
@pytest.mark.parametrize("role", ["member", "other_coordinator", "non_member"])
def test_refused_posts_change_nothing(users, wg1, coordinator, role, page):
    event = wg1_event(coordinator, wg1, takes_registrations=True)
    register_people(event, "Elena Bădescu")
    data = {**edit_data(event, title="Deturnat"), "subject": "Spam", "body": "Spam"}

    response = client_for(users[role]).post(url(page, event), data)

    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.title, event.status, event.sequence) == (
        "Atelier WG1: lanțuri valorice", Event.Status.SCHEDULED, 0)
    assert not EventMessage.objects.exists()


def test_refused_create_post_creates_nothing(member):
    response = client_for(member).post(url("create"), form_data())

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_a_coordinator_creates_an_event_of_their_group(coordinator, wg1):
    response = client_for(coordinator).post(url("create"), form_data(
        working_group=wg1.pk, visibility=Event.Visibility.GROUP))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert (event.working_group, event.visibility, event.created_by) == (
        wg1, Event.Visibility.GROUP, coordinator)


def test_a_coordinator_cannot_create_a_portal_wide_event(coordinator):
    response = client_for(coordinator).post(url("create"), form_data())

    assert response.status_code == 400
    assert "Choose one of the working groups you coordinate." in error_text(response)
    assert not Event.objects.exists()


def test_a_coordinator_cannot_create_an_event_of_another_group(coordinator, wg2):
    response = client_for(coordinator).post(url("create"), form_data(working_group=wg2.pk))

    assert response.status_code == 400
    assert ("You can only organise events for a working group you coordinate."
            in error_text(response))
    assert not Event.objects.exists()


def test_a_coordinator_edits_an_event_of_their_group(coordinator, wg1):
    event = wg1_event(coordinator, wg1)

    response = client_for(coordinator).post(url("edit", event), edit_data(
        event, title="Atelier WG1: lanțuri valorice (ediția a doua)"))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Atelier WG1: lanțuri valorice (ediția a doua)"


def test_the_create_form_offers_only_the_groups_one_coordinates(coordinator, wg1, wg2):
    page = client_for(coordinator).get(url("create")).content.decode()

    assert f'<option value="{wg1.pk}"' in page
    assert f'<option value="{wg2.pk}"' not in page


def test_the_times_are_marked_to_hide_while_all_day_is_ticked(staff_user):
    """static/js/site.js hides inputs whose data-hidden-by names a ticked checkbox."""
    page = client_for(staff_user).get(url("create")).content.decode()

    for name in ("start_time", "end_time"):
        assert f'name="{name}"' in page
        assert page.count('data-hidden-by="id_all_day"') == 2
    assert 'id="id_all_day"' in page


# --- creating -------------------------------------------------------------------------------

def test_times_typed_in_seoul_are_stored_in_utc(staff_user):
    response = client_for(staff_user).post(url("create"), form_data(
        title="Startup Nations Summit", time_zone="Asia/Seoul", city="Seoul", country="",
        start_date="2030-11-23", start_time="10:00", end_date="2030-11-25", end_time="17:00"))

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.start == datetime(2030, 11, 23, 1, 0, tzinfo=UTC)
    assert event.end == datetime(2030, 11, 25, 8, 0, tzinfo=UTC)
    assert event.time_zone == "Asia/Seoul"
    assert (event.first_day, event.last_day) == (date(2030, 11, 23), date(2030, 11, 25))


def test_an_all_day_multi_day_event(staff_user):
    client_for(staff_user).post(url("create"), form_data(
        title="European Cluster Conference", all_day="on", start_time="", end_time="",
        start_date="2030-10-20", end_date="2030-10-21"))

    event = Event.objects.get()
    assert event.all_day
    # Midnight to the midnight after the last day, local time (summer time, UTC+3).
    assert event.start == datetime(2030, 10, 19, 21, 0, tzinfo=UTC)
    assert event.end == datetime(2030, 10, 21, 21, 0, tzinfo=UTC)
    assert (event.first_day, event.last_day, event.is_multi_day) == (
        date(2030, 10, 20), date(2030, 10, 21), True)


def test_a_one_day_event_may_leave_the_end_date_empty(staff_user):
    client_for(staff_user).post(url("create"), form_data(end_date=""))

    event = Event.objects.get()
    assert (event.local_start, event.local_end) == (
        at(date(2030, 9, 22), 14), at(date(2030, 9, 22), 18))


def test_a_time_in_the_spring_gap_moves_an_hour_later(staff_user):
    # 03:30 does not exist in Bucharest on 31 March 2030 (the clocks jump from 03:00 to 04:00).
    client_for(staff_user).post(url("create"), form_data(
        start_date="2030-03-31", start_time="03:30", end_date="2030-03-31", end_time="06:00"))

    event = Event.objects.get()
    assert event.start == datetime(2030, 3, 31, 1, 30, tzinfo=UTC)
    assert event.local_start.strftime("%H:%M") == "04:30"


def test_registration_settings_and_clusters(staff_user, wg1):
    published = [make_cluster(f"Cluster {n}") for n in (1, 2)]
    hidden = make_cluster("Ascuns", published=False)
    page = client_for(staff_user).get(url("create")).content.decode()
    assert "Cluster 1" in page
    assert "Ascuns" not in page

    client_for(staff_user).post(url("create"), form_data(
        takes_registrations="on", capacity="30", waiting_list="",
        deadline_date="2030-09-20", deadline_time="", clusters=[c.pk for c in published]))

    event = Event.objects.get()
    assert (event.takes_registrations, event.capacity, event.waiting_list) == (True, 30, False)
    assert event.registration_deadline == at(date(2030, 9, 20), 23, 59)
    assert set(event.clusters.all()) == set(published)
    assert hidden not in event.clusters.all()


def test_a_monthly_series_keeps_its_local_time_across_daylight_saving(staff_user):
    response = client_for(staff_user).post(url("create"), form_data(
        title="Webinar lunar WG", kind=Event.Kind.WEBINAR,
        start_date="2030-02-14", start_time="10:00", end_date="2030-02-14", end_time="11:30",
        repeat="MONTHLY", interval="1", count="4"))

    assert response.status_code == 302
    events = list(Event.objects.order_by("start"))
    assert len(events) == 4
    assert len({event.series_id for event in events}) == 1
    assert [event.local_start for event in events] == [
        at(date(2030, month, 14), 10) for month in (2, 3, 4, 5)]
    # Winter time (UTC+2) until the end of March, then summer time (UTC+3).
    assert [event.start.astimezone(UTC).hour for event in events] == [8, 8, 7, 7]
    assert events[0].series.rrule == "FREQ=MONTHLY;INTERVAL=1;COUNT=4"
    assert response["Location"] == events[0].get_absolute_url()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "a series of 4 occurrences" in messages[0]


def test_a_weekly_series_until_a_date(staff_user):
    client_for(staff_user).post(url("create"), form_data(
        start_date="2030-09-02", end_date="2030-09-02", repeat="WEEKLY", interval="2",
        until="2030-09-30"))

    assert [e.first_day for e in Event.objects.order_by("start")] == [
        date(2030, 9, 2), date(2030, 9, 16), date(2030, 9, 30)]


# --- bad input ----------------------------------------------------------------------------------

BAD_INPUT = {
    "end_before_start": ({"end_time": "13:00"}, "The end must be after the start."),
    "end_day_before_start": ({"end_date": "2030-09-21"}, "The end must be after the start."),
    "all_day_end_before_start": ({"all_day": "on", "end_date": "2030-09-21"},
                                 "The end must be after the start."),
    "capacity_0": ({"capacity": "0"}, "The number of seats must be at least 1."),
    "capacity_negative": ({"capacity": "-1"}, "The number of seats must be at least 1."),
    "unknown_time_zone": ({"time_zone": "Mars/Base"}, "is not a known time zone"),
    "deadline_after_start": ({"deadline_date": "2030-09-22", "deadline_time": "15:00"},
                             "Registration must close before the event starts."),
    "group_only_without_group": ({"visibility": Event.Visibility.GROUP},
                                 "Choose the working group whose members may see this event."),
    "title_too_long": ({"title": "Ș" * 10_000},
                       "Ensure this value has at most 300 characters (it has 10000)."),
    "no_start_time": ({"start_time": ""}, "Enter the time it starts, or tick “All day”."),
    "repeat_without_end": ({"repeat": "WEEKLY"},
                           "Say how many times it happens, or until which date it repeats."),
    "repeat_count_and_until": ({"repeat": "WEEKLY", "count": "3", "until": "2030-12-01"},
                               "Give either the number of occurrences or the last date"),
    "too_many_occurrences": ({"repeat": "DAILY", "count": "105"},
                             "A series has at most 104 occurrences."),
    "until_too_far": ({"repeat": "DAILY", "until": "2031-12-31"},
                      "That makes more than 104 occurrences"),
    "until_before_start": ({"repeat": "DAILY", "until": "2030-09-01"},
                           "The last date cannot be before the first one."),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gets_a_clear_message_and_creates_nothing(staff_user, case):
    overrides, message = BAD_INPUT[case]

    response = client_for(staff_user).post(url("create"), form_data(**overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'id="error-summary"' in page
    assert not Event.objects.exists()


def test_the_time_zone_message_names_the_zone(staff_user):
    response = client_for(staff_user).post(url("create"), form_data(time_zone="Mars/Base"))

    assert "“Mars/Base” is not a known time zone." in response.content.decode()


def test_the_error_summary_links_to_the_field(staff_user):
    page = client_for(staff_user).post(url("create"), form_data(capacity="0")).content.decode()

    assert 'href="#id_capacity"' in page
    assert 'aria-describedby="id_capacity_help id_capacity_errors"' in page


def test_the_database_refuses_an_end_not_after_the_start(public_event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=public_event.pk).update(end=F("start"))


# --- editing ------------------------------------------------------------------------------------

def test_the_edit_form_shows_local_times_in_the_events_zone(staff_user):
    event = make_event(title="Startup Nations Summit", time_zone="Asia/Seoul",
                       start=datetime(2030, 11, 23, 10, 0, tzinfo=SEOUL))

    page = client_for(staff_user).get(url("edit", event)).content.decode()

    assert 'value="2030-11-23"' in page
    assert 'value="10:00"' in page
    assert '<option value="Asia/Seoul" selected>' in page


def test_saving_without_changing_the_time_does_not_move_the_event(staff_user, capture_commits):
    event = make_event(takes_registrations=True)
    register_people(event, "Elena Bădescu")

    with capture_commits():
        response = client_for(staff_user).post(url("edit", event),
                                               edit_data(event, description="Program nou"))

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.description, event.sequence) == ("Program nou", 0)
    assert not outbox("event-changed:")


def test_moving_an_event_tells_the_attendees(staff_user, capture_commits):
    event = make_event(takes_registrations=True, capacity=1, waiting_list=True)
    registered, waiting = register_people(event, "Elena Bădescu", "Ion Creangă")
    new_day = event.first_day + timedelta(days=7)
    mail.outbox.clear()

    with capture_commits():
        response = client_for(staff_user).post(url("edit", event), edit_data(
            event, start_date=new_day.isoformat(), end_date=new_day.isoformat()))

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.first_day, event.sequence) == (new_day, 1)
    assert [m.to for m in outbox("event-changed:")] == sorted([registered.email, waiting.email])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([registered.email, waiting.email])


def test_a_cancelled_event_cannot_be_edited(staff_user, public_event):
    services.event_cancel(event=public_event, by=staff_user)

    response = client_for(staff_user).post(url("edit", public_event),
                                           edit_data(public_event, title="Altceva"))

    assert response.status_code == 302
    public_event.refresh_from_db()
    assert public_event.title == "Conferința Europeană a Clusterelor"


def test_bad_input_on_edit_changes_nothing(staff_user, public_event):
    response = client_for(staff_user).post(url("edit", public_event),
                                           edit_data(public_event, capacity="0"))

    assert response.status_code == 400
    assert "The number of seats must be at least 1." in response.content.decode()
    public_event.refresh_from_db()
    assert public_event.capacity is None


@pytest.fixture
def series(staff_user):
    """A monthly webinar, four occurrences from February 2030, 10:00 Bucharest time."""
    make_event(by=staff_user, title="Webinar lunar", kind=Event.Kind.WEBINAR,
               start=at(date(2030, 2, 14), 10), takes_registrations=True,
               repeat={"frequency": "MONTHLY", "count": 4})
    return list(Event.objects.order_by("start"))


def test_moving_one_occurrence_alone(staff_user, series, capture_commits):
    second = series[1]
    registered = register_people(second, "Elena Bădescu")[0]

    with capture_commits():
        response = client_for(staff_user).post(url("edit", second), edit_data(
            second, start_time="11:00", end_time="12:00"))

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.local_start == at(date(2030, 3, 14), 11)
    assert (second.is_exception, second.sequence, second.series_id) == (
        True, 1, series[0].series_id)
    for other, before in zip(Event.objects.exclude(pk=second.pk).order_by("start"),
                             [series[0], *series[2:]], strict=True):
        assert (other.start, other.sequence, other.is_exception) == (before.start, 0, False)
    assert [m.to for m in outbox("event-changed:")] == [registered.email]


def test_editing_with_following_changes_the_later_occurrences(staff_user, series):
    first, second, third, fourth = series
    # The third was moved on its own earlier: it keeps its own details.
    services.event_update(event=third, by=staff_user, start=third.start + timedelta(hours=1),
                          end=third.end + timedelta(hours=1))

    response = client_for(staff_user).post(url("edit", second), edit_data(
        second, title="Webinar lunar: politici de cluster", apply_to="following"))

    assert response.status_code == 302
    titles = dict(Event.objects.values_list("pk", "title"))
    assert titles == {first.pk: "Webinar lunar", second.pk: "Webinar lunar: politici de cluster",
                      third.pk: "Webinar lunar", fourth.pk: "Webinar lunar: politici de cluster"}


def test_the_edit_page_of_a_single_event_does_not_ask_about_the_series(staff_user, public_event,
                                                                      series):
    assert "Apply the changes to" not in client_for(staff_user).get(
        url("edit", public_event)).content.decode()
    assert "Apply the changes to" in client_for(staff_user).get(
        url("edit", series[1])).content.decode()


# --- cancelling ---------------------------------------------------------------------------------

def test_the_cancel_page_explains_and_cancels(staff_user, public_event, capture_commits):
    services.event_update(event=public_event, by=staff_user, takes_registrations=True)
    registered = register_people(public_event, "Elena Bădescu")[0]
    client = client_for(staff_user)

    page = client.get(url("cancel", public_event)).content.decode()
    assert "will be told by e-mail" in page
    assert "This occurrence only" not in page
    with capture_commits():
        response = client.post(url("cancel", public_event))

    assert response.status_code == 302
    public_event.refresh_from_db()
    assert (public_event.status, public_event.sequence) == (Event.Status.CANCELLED, 1)
    assert [m.to for m in outbox("event-cancelled:")] == [registered.email]
    assert registered.email in [m.to[0] for m in mail.outbox]


def test_cancelling_one_occurrence_alone(staff_user, series):
    page = client_for(staff_user).get(url("cancel", series[1])).content.decode()
    assert "This occurrence only" in page

    client_for(staff_user).post(url("cancel", series[1]), {"scope": "this"})

    statuses = list(Event.objects.order_by("start").values_list("status", flat=True))
    assert statuses == ["scheduled", "cancelled", "scheduled", "scheduled"]


def test_cancelling_an_occurrence_and_the_following_ones(staff_user, series, capture_commits):
    people = register_people(series[3], "Elena Bădescu")

    with capture_commits():
        response = client_for(staff_user).post(url("cancel", series[1]), {"scope": "following"})

    assert response.status_code == 302
    statuses = list(Event.objects.order_by("start").values_list("status", flat=True))
    assert statuses == ["scheduled", "cancelled", "cancelled", "cancelled"]
    assert [m.to for m in outbox("event-cancelled:")] == [people[0].email]


# --- copying ------------------------------------------------------------------------------------

def test_copying_an_event(coordinator, wg1):
    cluster = make_cluster("Clusterul Nord-Est")
    source = wg1_event(coordinator, wg1, clusters=[cluster], takes_registrations=True,
                       capacity=40, visibility=Event.Visibility.GROUP)
    register_people(source, "Elena Bădescu")
    client = client_for(coordinator)

    page = client.get(url("copy", source)).content.decode()
    assert 'value="Atelier WG1: lanțuri valorice"' in page
    new_day = source.first_day + timedelta(days=30)
    response = client.post(url("copy", source), edit_data(
        source, start_date=new_day.isoformat(), end_date=new_day.isoformat()))

    copy = Event.objects.exclude(pk=source.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.title, copy.first_day, copy.local_start.time()) == (
        source.title, new_day, source.local_start.time())
    assert (copy.working_group, copy.visibility, copy.capacity) == (
        wg1, Event.Visibility.GROUP, 40)
    assert list(copy.clusters.all()) == [cluster]
    assert not copy.registrations.exists()
    source.refresh_from_db()
    assert source.sequence == 0


def test_a_copy_can_become_a_series(staff_user, public_event):
    client_for(staff_user).post(url("copy", public_event), edit_data(
        public_event, repeat="WEEKLY", count="3"))

    assert Event.objects.exclude(pk=public_event.pk).filter(series__isnull=False).count() == 3


# --- attendees ----------------------------------------------------------------------------------

@pytest.fixture
def full_event(staff_user):
    """Two seats taken, one person waiting."""
    event = make_event(by=staff_user, takes_registrations=True, capacity=2, waiting_list=True)
    people = register_people(event, "Ioana Ștefănescu", "Mihai Țurcanu", "Ana-Maria Îndrăgită")
    return event, people


def test_the_attendee_list(staff_user, full_event):
    event, (first, second, waiting) = full_event

    page = client_for(staff_user).get(url("attendees", event)).content.decode()

    for person in (first, second, waiting):
        assert person.full_name in page
        assert person.email in page
    assert "2 registered" in page
    assert "1 on the waiting list" in page
    assert "Waiting, no. 1" in page


def test_the_attendee_list_takes_the_same_queries_for_few_and_many(staff_user):
    def queries_for(event):
        client = client_for(staff_user)
        client.get(url("attendees", event))  # the session is loaded and warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("attendees", event)).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    few = make_event(by=staff_user, takes_registrations=True)
    register_people(few, "Elena Bădescu")
    many = make_event(by=staff_user, takes_registrations=True, capacity=3)
    register_people(many, *[f"Participant {n}" for n in range(6)])

    few_queries, many_queries = queries_for(few), queries_for(many)
    assert len(few_queries) == len(many_queries), "\n".join(many_queries)


def test_the_csv_keeps_diacritics_and_opens_in_excel(staff_user, full_event):
    event, (first, _second, _waiting) = full_event

    response = client_for(staff_user).get(url("attendees_csv", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="event-{event.pk}-attendees.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["name", "email", "organisation", "country", "status", "registered_at"]
    assert rows[1][:3] == ["Ioana Ștefănescu", first.email, "Asociația Clusterul Regional"]
    assert rows[1][4] == "registered"
    assert rows[3][0] == "Ana-Maria Îndrăgită"
    assert rows[3][4] == "waiting"
    registered_at = datetime.fromisoformat(rows[1][5])
    assert registered_at == Registration.objects.get(user=first).created_at.replace(
        microsecond=0)
    assert registered_at.utcoffset() is not None


def test_a_formula_in_a_name_is_neutralised(staff_user):
    event = make_event(by=staff_user, takes_registrations=True)
    register_people(event, "=HYPERLINK(\"http://rău.example\")")

    rows = list(csv.reader(io.StringIO(
        client_for(staff_user).get(url("attendees_csv", event)).content.decode("utf-8-sig"))))

    assert rows[1][0].startswith("'=")


# --- e-mailing the attendees --------------------------------------------------------------------

def test_emailing_the_registered_attendees(staff_user, full_event, capture_commits):
    event, (first, second, _waiting) = full_event
    client = client_for(staff_user)
    page = client.get(url("email_attendees", event)).content.decode()
    assert "The message goes to the 2 people registered." in page

    with capture_commits():
        response = client.post(url("email_attendees", event), {
            "subject": "Programul zilei", "body": "Începem la ora 10:00, sala Ștefan cel Mare."})

    assert response.status_code == 302
    sent = outbox("event-message:")
    assert [m.to for m in sent] == sorted([first.email, second.email])
    assert "Începem la ora 10:00, sala Ștefan cel Mare." in sent[0].body
    assert "Programul zilei" in sent[0].subject
    message = EventMessage.objects.get()
    assert (message.recipients, message.sender) == (2, staff_user)
    page = client.get(url("email_attendees", event)).content.decode()
    assert "Programul zilei" in page


def test_the_waiting_list_is_emailed_only_when_asked(staff_user, full_event):
    event, (_first, _second, waiting) = full_event

    client_for(staff_user).post(url("email_attendees", event), {
        "subject": "Locuri noi", "body": "Mai avem locuri.", "waiting": "on"})

    assert len(outbox("event-message:")) == 3
    assert waiting.email in [m.to for m in outbox("event-message:")]


def test_no_message_without_attendees(staff_user, public_event):
    response = client_for(staff_user).post(url("email_attendees", public_event), {
        "subject": "Salut", "body": "Nimeni?"})

    assert response.status_code == 400
    assert "there is nobody to write to" in response.content.decode()
    assert not EventMessage.objects.exists()
