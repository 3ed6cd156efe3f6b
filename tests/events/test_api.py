"""The events' REST API: the same rules as the pages. The permission matrix for a public and a
group-only event (list, retrieve, create, edit, register, cancel), the filters, registration
conflicts (409) and the waiting list, bad input refused field by field with nothing written,
times in UTC and in the event's zone, and a list whose query count does not grow."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters.models import Cluster, Country, Region
from events import services
from events.models import Event, Registration
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup

from .conftest import add_member, make_event

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/events/"
BUCHAREST = ZoneInfo("Europe/Bucharest")


def detail_url(pk):
    return f"{LIST_URL}{pk}/"


def registration_url(pk):
    return f"{LIST_URL}{pk}/registration/"


def anonymous():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def authed(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


@pytest.fixture
def people(wg1, wg2, coordinator, member, other_member):
    """Every kind of user the rules tell apart (the pending one has a token too)."""
    return {
        "anonymous": None,
        "pending": UserFactory(pending=True),
        "outsider": UserFactory(full_name="Dan Vasile"),
        "other_group": other_member,
        "member": member,
        "coordinator": coordinator,
        "staff": UserFactory(staff=True, full_name="Maria Admin"),
    }


def client_for(people, role):
    user = people[role]
    return anonymous() if user is None else authed(user)


def future(days=10, hour=10):
    day = (timezone.now() + timedelta(days=days)).astimezone(BUCHAREST).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=BUCHAREST)


@pytest.fixture
def events(people, wg1):
    """A public WG1 event and a WG1-only event, both taking registrations."""
    coordinator = people["coordinator"]
    return {
        "public": make_event(by=coordinator, title="Atelier deschis WG1", working_group=wg1,
                             takes_registrations=True),
        "group": make_event(by=coordinator, title="Ședința internă WG1",
                            kind=Event.Kind.MEETING, visibility=Event.Visibility.GROUP,
                            working_group=wg1, takes_registrations=True),
    }


def new_event(**fields):
    start = future(days=20)
    return {"title": "Atelier de politici", "kind": "workshop",
            "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(),
            "time_zone": "Europe/Bucharest", "city": "Cluj-Napoca", "country": "RO",
            "working_group": "WG1", **fields}


# --- The permission matrix --------------------------------------------------------------------

ROLES = ["anonymous", "pending", "outsider", "other_group", "member", "coordinator", "staff"]


def expect(public_codes, group_codes):
    return [pytest.param(role, kind, code, id=f"{kind}-{role}")
            for kind, codes in (("public", public_codes), ("group", group_codes))
            for role, code in zip(ROLES, codes, strict=True)]


#                   anon pend outs oth  memb coord staff
VIEW = expect([200, 401, 200, 200, 200, 200, 200], [404, 401, 404, 404, 200, 200, 200])
EDIT = expect([401, 401, 403, 403, 403, 200, 200], [401, 401, 404, 404, 403, 200, 200])
REGISTER = expect([401, 401, 201, 201, 201, 201, 201], [401, 401, 404, 404, 201, 201, 201])
CREATE = [pytest.param(role, code, id=role) for role, code in
          zip(ROLES, [401, 401, 403, 403, 403, 201, 201], strict=True)]


@pytest.mark.parametrize(("role", "kind", "code"), VIEW)
def test_matrix_list(people, events, role, kind, code):
    response = client_for(people, role).get(LIST_URL)
    if role == "pending":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = [event["id"] for event in response.json()["results"]]
    assert (events[kind].pk in ids) is (code == 200)


@pytest.mark.parametrize(("role", "kind", "code"), VIEW)
def test_matrix_retrieve(people, events, role, kind, code):
    response = client_for(people, role).get(detail_url(events[kind].pk))
    assert response.status_code == code, response.content
    if code == 200:
        assert response.json()["title"] == events[kind].title


@pytest.mark.parametrize(("role", "kind", "code"), EDIT)
def test_matrix_patch(people, events, role, kind, code):
    event = events[kind]
    response = client_for(people, role).patch(detail_url(event.pk),
                                              {"title": "Titlu nou"}, format="json")
    assert response.status_code == code, response.content
    event.refresh_from_db()
    assert (event.title == "Titlu nou") is (code == 200)


@pytest.mark.parametrize(("role", "code"), CREATE)
def test_matrix_create_for_wg1(people, role, code):
    response = client_for(people, role).post(LIST_URL, new_event(), format="json")
    assert response.status_code == code, response.content
    assert Event.objects.filter(title="Atelier de politici").count() == (code == 201)
    if code == 201:
        data = response.json()
        assert data["working_group"] == "WG1"
        assert response["Location"] == data["url"]
        assert Event.objects.get(pk=data["id"]).created_by == people[role]


@pytest.mark.parametrize(("role", "kind", "code"), REGISTER)
def test_matrix_register_and_cancel(people, events, role, kind, code):
    event = events[kind]
    client = client_for(people, role)
    response = client.post(registration_url(event.pk))
    assert response.status_code == code, response.content
    registered = Registration.objects.filter(event=event, status="registered")
    if code != 201:
        assert not registered.exists()
        assert client.delete(registration_url(event.pk)).status_code == code
        return
    assert response.json() == {"event": event.pk, "status": "registered", "position": None,
                               "registered_at": response.json()["registered_at"]}
    assert registered.get().user == people[role]
    assert client.get(detail_url(event.pk)).json()["my_registration"] == "registered"
    # Again: nothing changes.
    again = client.post(registration_url(event.pk))
    assert again.status_code == 200
    assert again.json()["status"] == "registered"
    assert registered.count() == 1
    # Cancelling: 204, then 404 (nothing left to cancel).
    assert client.delete(registration_url(event.pk)).status_code == 204
    assert not registered.exists()
    assert client.get(detail_url(event.pk)).json()["my_registration"] is None
    missing = client.delete(registration_url(event.pk))
    assert missing.status_code == 404
    assert "not registered" in missing.json()["detail"]


def test_a_hidden_event_answers_exactly_like_a_missing_one(people, events):
    client = authed(people["other_group"])
    hidden, missing = events["group"].pk, events["group"].pk + 1000
    for method, url in ((client.get, detail_url), (client.post, registration_url),
                        (client.delete, registration_url)):
        assert method(url(hidden)).json() == method(url(missing)).json()
        assert method(url(hidden)).status_code == 404
    assert client.patch(detail_url(hidden), {"title": "X"}, format="json").json() == \
        client.patch(detail_url(missing), {"title": "X"}, format="json").json()


def test_the_list_shows_exactly_the_events_each_user_may_see(people, events, wg2):
    wg2_private = make_event(title="Ședința WG2", visibility=Event.Visibility.GROUP,
                             working_group=wg2)
    portal = make_event(title="Forumul național")

    def visible(role):
        return {e["id"] for e in client_for(people, role).get(LIST_URL).json()["results"]}

    public = {events["public"].pk, portal.pk}
    assert visible("anonymous") == visible("outsider") == public
    assert visible("other_group") == public | {wg2_private.pk}
    assert visible("member") == visible("coordinator") == public | {events["group"].pk}
    assert visible("staff") == public | {events["group"].pk, wg2_private.pk}


def test_session_authentication_works_too(people, events):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["member"])
    assert client.get(detail_url(events["group"].pk)).status_code == 200


# --- Creating and editing ---------------------------------------------------------------------

def test_a_coordinator_creates_only_for_the_groups_they_coordinate(people, wg2):
    coordinator = people["coordinator"]
    client = authed(coordinator)
    other = client.post(LIST_URL, new_event(working_group="WG2"), format="json")
    assert other.status_code == 403
    assert "coordinate" in other.json()["detail"]
    portal = client.post(LIST_URL, new_event(working_group=None), format="json")
    assert portal.status_code == 403
    assert "staff" in portal.json()["detail"].lower()
    assert not Event.objects.exists()
    # Staff create portal-wide events.
    created = authed(people["staff"]).post(LIST_URL, new_event(working_group=None),
                                           format="json")
    assert created.status_code == 201
    assert created.json()["working_group"] is None


def test_a_coordinator_cannot_move_an_event_to_another_group(people, events):
    response = authed(people["coordinator"]).patch(
        detail_url(events["public"].pk), {"working_group": "WG2"}, format="json")
    assert response.status_code == 403
    events["public"].refresh_from_db()
    assert events["public"].working_group.code == "WG1"


def test_create_returns_the_whole_event_with_times_in_utc_and_local(people):
    client = authed(people["staff"])
    response = client.post(LIST_URL, new_event(
        title="Cluster Forum Seoul", start="2030-06-03T10:00", end="2030-06-03T12:30",
        time_zone="Asia/Seoul", city="Seoul", country="KR", working_group=None,
        takes_registrations=True, capacity=40, waiting_list=False,
        registration_deadline="2030-06-01T18:00"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    event = Event.objects.get(pk=data["id"])
    # Wall-clock times without an offset are in the event's zone; the API answers in UTC.
    assert data["start"] == "2030-06-03T01:00:00Z"
    assert data["end"] == "2030-06-03T03:30:00Z"
    assert data["local_start"] == "2030-06-03T10:00:00+09:00"
    assert data["local_end"] == "2030-06-03T12:30:00+09:00"
    assert data["registration_deadline"] == "2030-06-01T09:00:00Z"
    assert event.local_start.hour == 10
    assert data["uid"] == str(event.uid)
    assert data["url"] == f"http://testserver{detail_url(event.pk)}"
    assert data["ics_url"] == f"http://testserver{reverse('events:ics', args=[event.pk])}"
    assert data["page_url"] == f"http://testserver{event.get_absolute_url()}"
    assert {k: data[k] for k in ("time_zone", "country", "capacity", "seats_taken",
                                 "waiting_list", "status", "sequence", "visibility",
                                 "registration_open", "my_registration", "series")} == {
        "time_zone": "Asia/Seoul", "country": "KR", "capacity": 40, "seats_taken": 0,
        "waiting_list": False, "status": "scheduled", "sequence": 0, "visibility": "public",
        "registration_open": True, "my_registration": None, "series": None}
    # An offset is that instant, whatever the event's zone.
    other = client.post(LIST_URL, new_event(start="2030-06-03T10:00:00+03:00",
                                            end="2030-06-03T11:00:00+03:00",
                                            time_zone="Asia/Seoul", working_group=None),
                        format="json")
    assert other.json()["start"] == "2030-06-03T07:00:00Z"


def test_an_all_day_event_is_given_by_its_dates(people):
    response = authed(people["staff"]).post(LIST_URL, new_event(
        title="Târgul clusterelor", all_day=True, start="2030-06-03", end="2030-06-05",
        working_group=None), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["local_start"], data["local_end"]) == ("2030-06-03T00:00:00+03:00",
                                                        "2030-06-05T00:00:00+03:00")
    event = Event.objects.get(pk=data["id"])
    assert (event.first_day.isoformat(), event.last_day.isoformat()) == ("2030-06-03",
                                                                         "2030-06-04")


def test_clusters_are_given_and_shown_by_slug(people):
    romania = Country.objects.create(code="RO", name_ro="România", name_en="Romania")
    region = Region.objects.create(code="RO12", slug="centru", name_ro="Centru",
                                   name_en="Centre", country=romania)
    Cluster.objects.create(slug="green-energy", name="Green Energy", region=region,
                           is_published=True)
    Cluster.objects.create(slug="secret", name="Secret", region=region, is_published=False)
    client = authed(people["coordinator"])
    response = client.post(LIST_URL, new_event(clusters=["green-energy"]), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["clusters"] == ["green-energy"]
    # An unpublished cluster does not exist for someone who may not see it.
    hidden = client.post(LIST_URL, new_event(clusters=["secret"]), format="json")
    assert hidden.status_code == 400
    assert "clusters" in hidden.json()


def test_repeat_creates_a_series(people):
    response = authed(people["coordinator"]).post(
        LIST_URL, new_event(title="Webinar săptămânal", kind="webinar",
                            repeat={"frequency": "WEEKLY", "count": 4}), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    occurrences = Event.objects.filter(title="Webinar săptămânal").order_by("start")
    assert occurrences.count() == 4
    assert data["id"] == occurrences[0].pk
    assert data["series"] == str(occurrences[0].series.uid)
    assert len({o.local_start.hour for o in occurrences}) == 1


@pytest.mark.parametrize(("fields", "field"), [
    pytest.param({"end": future(days=19).isoformat()}, "end", id="end-before-start"),
    pytest.param({"end": future(days=20).isoformat()}, "end", id="end-equals-start"),
    pytest.param({"capacity": 0}, "capacity", id="capacity-0"),
    pytest.param({"capacity": -1}, "capacity", id="capacity-negative"),
    pytest.param({"time_zone": "Mars/Base"}, "time_zone", id="unknown-time-zone"),
    pytest.param({"visibility": "group", "working_group": None}, "working_group",
                 id="group-only-without-group"),
    pytest.param({"kind": "party"}, "kind", id="unknown-kind"),
    pytest.param({"start": "next tuesday"}, "start", id="not-a-date"),
    pytest.param({"working_group": "WG9"}, "working_group", id="unknown-group"),
    pytest.param({"title": ""}, "title", id="no-title"),
    pytest.param({"repeat": {"frequency": "WEEKLY"}}, "repeat", id="repeat-without-end"),
    pytest.param({"repeat": {"frequency": "WEEKLY", "count": 500}}, "repeat",
                 id="repeat-too-many"),
    pytest.param({"repeat": {"frequency": "WEEKLY", "until": "2020-01-01"}}, "repeat",
                 id="repeat-until-before-start"),
])
def test_bad_input_on_create_is_a_field_error_and_nothing_is_created(people, fields, field):
    response = authed(people["staff"]).post(LIST_URL, new_event(**fields), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert set(errors) == {field}, errors
    assert not Event.objects.exists()


def test_bad_input_messages_say_what_is_wrong(people):
    client = authed(people["staff"])

    def error(**fields):
        return " ".join(str(m) for m in client.post(LIST_URL, new_event(**fields),
                                                    format="json").json().popitem()[1])

    assert "after the start" in error(end=future(days=19).isoformat())
    assert "at least 1" in error(capacity=0)
    assert "Mars/Base" in error(time_zone="Mars/Base")
    assert "IANA" in error(time_zone="Mars/Base")
    assert "working group" in error(visibility="group", working_group=None)


def test_patch_changes_only_what_is_sent_and_bumps_the_sequence(people, events):
    event = events["public"]
    client = authed(people["coordinator"])
    new_start = event.start + timedelta(days=1)
    response = client.patch(detail_url(event.pk), {
        "start": new_start.isoformat(), "end": (event.end + timedelta(days=1)).isoformat()},
        format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["sequence"] == 1
    assert data["title"] == "Atelier deschis WG1"
    assert data["city"] == "Iași"
    event.refresh_from_db()
    assert event.start == new_start
    end = event.end
    # An end before the (unchanged) start, or no seats: 400, nothing changes.
    bad = client.patch(detail_url(event.pk), {"end": event.start.isoformat()}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"end"}
    assert client.patch(detail_url(event.pk), {"capacity": 0},
                        format="json").json().keys() == {"capacity"}
    event.refresh_from_db()
    assert (event.end, event.capacity, event.sequence) == (end, None, 1)


def test_patch_cannot_set_fewer_seats_than_people_registered(people, events):
    event = events["public"]
    for role in ("member", "outsider"):
        services.register(event=event, user=people[role])
    response = authed(people["coordinator"]).patch(detail_url(event.pk), {"capacity": 1},
                                                   format="json")
    assert response.status_code == 400
    assert "capacity" in response.json()


def test_read_only_fields_are_ignored(people, events):
    event = events["public"]
    response = authed(people["coordinator"]).patch(
        detail_url(event.pk), {"sequence": 99, "status": "cancelled", "uid": "x", "id": 5},
        format="json")
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.sequence, event.status) == (0, "scheduled")


def test_put_and_delete_of_an_event_are_not_allowed(people, events):
    client = authed(people["staff"])
    assert client.put(detail_url(events["public"].pk), new_event(), format="json"
                      ).status_code == 405
    assert client.delete(detail_url(events["public"].pk)).status_code == 405


# --- Registrations ----------------------------------------------------------------------------

def test_a_full_event_without_waiting_list_is_409(people):
    event = make_event(title="Vizită de studiu", takes_registrations=True, capacity=1,
                       waiting_list=False)
    assert authed(people["member"]).post(registration_url(event.pk)).status_code == 201
    response = authed(people["outsider"]).post(registration_url(event.pk))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "event_full"
    assert "full" in body["detail"]
    assert Registration.objects.filter(event=event).count() == 1
    data = authed(people["outsider"]).get(detail_url(event.pk)).json()
    assert (data["seats_taken"], data["registration_open"]) == (1, False)


def test_the_waiting_list_takes_the_next_ones_in_order(people):
    event = make_event(title="Atelier cu locuri puține", takes_registrations=True, capacity=1)
    first = authed(people["member"]).post(registration_url(event.pk))
    assert (first.status_code, first.json()["status"]) == (201, "registered")
    second = authed(people["outsider"]).post(registration_url(event.pk))
    assert second.status_code == 201
    assert (second.json()["status"], second.json()["position"]) == ("waiting", 1)
    third = authed(people["other_group"]).post(registration_url(event.pk))
    assert (third.json()["status"], third.json()["position"]) == ("waiting", 2)
    again = authed(people["other_group"]).post(registration_url(event.pk))
    assert (again.status_code, again.json()["position"]) == (200, 2)
    data = authed(people["outsider"]).get(detail_url(event.pk)).json()
    assert (data["my_registration"], data["seats_taken"], data["registration_open"]) == (
        "waiting", 1, True)
    # The first cancels: the first waiting moves up.
    assert authed(people["member"]).delete(registration_url(event.pk)).status_code == 204
    assert authed(people["outsider"]).get(detail_url(event.pk)).json()["my_registration"] == \
        "registered"
    assert authed(people["other_group"]).post(registration_url(event.pk)).json()[
        "position"] == 1


@pytest.mark.parametrize("closed", ["no_registrations", "cancelled", "started", "deadline"])
def test_closed_registration_is_409_with_the_reason(people, closed):
    fields = {"takes_registrations": closed != "no_registrations"}
    if closed == "started":
        fields["start"] = timezone.now() - timedelta(minutes=30)
    if closed == "deadline":
        fields["registration_deadline"] = timezone.now() - timedelta(hours=1)
    event = make_event(title="Închis", **fields)
    if closed == "cancelled":
        services.event_cancel(event=event, by=None)
    response = authed(people["member"]).post(registration_url(event.pk))
    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"
    assert response.json()["detail"]
    assert not Registration.objects.filter(event=event).exists()


# --- Filters ----------------------------------------------------------------------------------

@pytest.fixture
def calendar_events(db):
    """1 May 10:00-12:00, a conference from 29 April to 3 May, a webinar on 10 May (2030)."""
    def at(day, hour):
        return datetime(2030, 5, day, hour, tzinfo=BUCHAREST) if day > 0 else \
            datetime(2030, 4, 30 + day, hour, tzinfo=BUCHAREST)

    return {
        "workshop": make_event(title="Atelier", kind="workshop", start=at(1, 10)),
        "conference": make_event(title="Conferință", start=at(-1, 9), hours=24 * 4),
        "webinar": make_event(title="Webinar", kind="webinar", start=at(10, 10),
                              working_group=WorkingGroup.objects.get(code="WG2")),
    }


def listed(params, client=None):
    response = (client or anonymous()).get(LIST_URL, params)
    assert response.status_code == 200, response.content
    return [event["title"] for event in response.json()["results"]]


def test_start_and_end_select_the_overlapping_events(calendar_events):
    assert listed({"start": "2030-05-02", "end": "2030-05-05"}) == ["Conferință"]
    assert listed({"start": "2030-05-01", "end": "2030-05-02"}) == ["Conferință", "Atelier"]
    # The end is exclusive: the webinar starts on the 10th.
    assert listed({"start": "2030-05-04", "end": "2030-05-10"}) == []
    assert listed({"start": "2030-05-03", "end": "2030-05-11"}) == ["Conferință", "Webinar"]
    assert listed({"start": "2030-05-03T23:00:00+03:00"}) == ["Webinar"]
    assert listed({"start": "2030-05-03T08:59:00+03:00"}) == ["Conferință", "Webinar"]
    assert listed({"end": "2030-04-29T09:00:00Z"}) == ["Conferință"]
    assert listed({"end": "2030-04-29T06:00:00Z"}) == []


def test_dates_without_an_offset_are_in_the_users_time_zone(calendar_events):
    """The workshop is 1 May 10:00-12:00 in Bucharest: 16:00-18:00 in Seoul."""
    seoul_user = UserFactory(time_zone="Asia/Seoul")
    assert listed({"start": "2030-05-01T17:00", "end": "2030-05-01T18:00",
                   "kind": "workshop"}, authed(seoul_user)) == ["Atelier"]
    assert listed({"start": "2030-05-01T17:00", "end": "2030-05-01T18:00",
                   "kind": "workshop"}) == []


def test_kind_and_working_group_filters(calendar_events):
    assert listed({"kind": "webinar"}) == ["Webinar"]
    assert listed({"working_group": "WG2"}) == ["Webinar"]
    assert listed({"working_group": "WG2", "kind": "workshop"}) == []


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"start": "2030-13-45"}, "start", "ISO 8601"),
    ({"start": "yesterday"}, "start", "ISO 8601"),
    ({"end": "2030-05-01T25:00"}, "end", "ISO 8601"),
    ({"start": "2030-05-05", "end": "2030-05-01"}, "end", "after"),
    ({"kind": "party"}, "kind", "valid choice"),
    ({"working_group": "WG9"}, "working_group", "valid choice"),
])
def test_invalid_filters_are_400_with_a_clear_message(calendar_events, params, field, words):
    response = anonymous().get(LIST_URL, params)
    assert response.status_code == 400
    assert field in response.json()
    assert words in " ".join(response.json()[field])


# --- Schema and query counts ------------------------------------------------------------------

def test_the_schema_documents_the_endpoints(db):
    schema = anonymous().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    assert set(paths[LIST_URL]) == {"get", "post"}
    assert set(paths[LIST_URL + "{id}/"]) == {"get", "patch"}
    assert set(paths[LIST_URL + "{id}/registration/"]) == {"post", "delete"}
    parameters = {p["name"] for p in paths[LIST_URL]["get"]["parameters"]}
    assert {"start", "end", "kind", "working_group", "page"} <= parameters
    assert "409" in paths[LIST_URL + "{id}/registration/"]["post"]["responses"]


def test_the_list_query_count_does_not_grow_with_the_events(people, wg1, wg2):
    member = people["member"]
    add_member(wg2, member, Membership.Role.MEMBER)
    romania = Country.objects.create(code="RO", name_ro="România", name_en="Romania")
    region = Region.objects.create(code="RO12", slug="centru", name_ro="Centru",
                                   name_en="Centre", country=romania)
    clusters = [Cluster.objects.create(slug=f"cluster-{n}", name=f"Cluster {n}", region=region,
                                       is_published=True) for n in range(3)]
    wg3 = WorkingGroup.objects.get(code="WG3")

    def add(count, offset):
        for n in range(offset, offset + count):
            group = (wg1, wg2, wg3, None)[n % 4]
            fields = {"working_group": group, "takes_registrations": True, "capacity": 3}
            if group is not None and n % 3 == 0:
                fields["visibility"] = Event.Visibility.GROUP
            event = make_event(title=f"Eveniment {n}", start=future(days=5 + n),
                               clusters=clusters[: n % 3], repeat=None, **fields)
            if n % 2:
                services.register(event=event, user=member)
                services.register(event=event, user=people["outsider"])

    def queries(client):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        data = response.json()
        return len(captured), data

    add(3, 0)
    queries(authed(member))  # warms the caches a first request fills (content types)
    few, data = queries(authed(member))
    assert data["count"] == 3
    add(30, 3)
    many, data = queries(authed(member))
    assert len(data["results"]) == 25
    assert many == few, (few, many)
    assert few <= 4  # the token, the count, the page, the page's clusters
    # The annotations are right.
    registered = [e for e in data["results"] if e["my_registration"] == "registered"]
    assert registered
    assert all(e["seats_taken"] == 2 for e in registered)
    assert any(e["clusters"] == ["cluster-0", "cluster-1"] for e in data["results"])
    # Anonymous visitors too.
    with CaptureQueriesContext(connection) as captured:
        assert anonymous().get(LIST_URL).status_code == 200
    assert len(captured) <= few - 1
