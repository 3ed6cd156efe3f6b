"""The iCalendar feeds and .ics files: each parses with the icalendar library and keeps to
RFC 5545 (stable UIDs, DTSTAMP, a VTIMEZONE for every TZID, SEQUENCE, STATUS:CANCELLED, DATE
values for all-day events); who sees which event in which feed; the personal feed's secret;
conditional GETs; and a query count that does not grow with the events."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import ical, services
from events.models import CalendarFeedToken, Event
from tests.factories import UserFactory
from workinggroups.models import WorkingGroup

from .conftest import add_member, client_for, make_event

PUBLIC_URL = reverse("events:feed_public")


def group_url(code):
    return reverse("events:feed_group", args=[code])


def personal_url(user):
    return reverse("events:feed_personal", args=[services.feed_token_for(user).token])


def ics_url(event):
    return reverse("events:ics", args=[event.pk])


def fetch(url, user=None, **headers):
    return client_for(user).get(url, **headers)


def parse(response) -> Calendar:
    """The response as a calendar, after the checks every calendar response must pass."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content
    # RFC 5545: CRLF line ends, lines folded at 75 octets.
    assert body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert all(b"\n" not in line and len(line) <= 75 for line in lines), \
        [line for line in lines if len(line) > 75]
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    used = set()
    for component in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"):
            assert name in component, (name, component)
        for name in ("DTSTART", "DTEND"):
            if "TZID" in component[name].params:
                used.add(component[name].params["TZID"])
    # Every TZID a date-time refers to has its VTIMEZONE.
    assert used <= timezones(calendar)
    return calendar


def timezones(calendar) -> set[str]:
    return {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}


def vevents(calendar) -> dict[str, object]:
    """The calendar's VEVENTs by UID."""
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def uid(event) -> str:
    return ical.event_uid(event)


def at(day: date, hour: int, time_zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZoneInfo(time_zone))


def in_days(days: int) -> date:
    return (timezone.now() + timedelta(days=days)).date()


@pytest.fixture
def wg2_private(wg2, other_member):
    return make_event(title="Ședința internă WG2", kind=Event.Kind.MEETING,
                      visibility=Event.Visibility.GROUP, working_group=wg2)


# --- The public feed --------------------------------------------------------------------------

def test_the_public_feed_has_the_public_events_only(public_event, group_event, wg2_private):
    response = fetch(PUBLIC_URL)
    calendar = parse(response)
    assert set(vevents(calendar)) == {uid(public_event)}
    assert response["Cache-Control"] == "public, max-age=900"
    assert b"WG1" not in response.content  # nothing of the group-only event leaks
    assert "ETag" in response


def test_uids_and_content_are_stable_across_requests(public_event, group_event):
    first, second = fetch(PUBLIC_URL), fetch(PUBLIC_URL)
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    event = vevents(parse(first))[uid(public_event)]
    assert str(event["UID"]) == f"{public_event.uid}@{ical.site_host()}"
    assert event["DTSTAMP"].dt.tzinfo is not None  # DTSTAMP is in UTC
    # The same UID in the event's own .ics file.
    assert set(vevents(parse(fetch(ics_url(public_event))))) == {uid(public_event)}


def test_each_time_zone_has_its_vtimezone_and_local_wall_clock_time(db):
    day = in_days(20)
    seoul = make_event(title="Cluster Forum Seoul", start=at(day, 10, "Asia/Seoul"),
                       time_zone="Asia/Seoul", city="Seoul", country="KR")
    brussels = make_event(title="EU Cluster Days", start=at(day, 9, "Europe/Brussels"),
                          time_zone="Europe/Brussels", city="Brussels", country="BE")
    bucharest = make_event(title="Forumul clusterelor", start=at(day, 14, "Europe/Bucharest"))
    response = fetch(PUBLIC_URL)
    calendar = parse(response)
    assert {"Asia/Seoul", "Europe/Brussels", "Europe/Bucharest"} <= timezones(calendar)
    events = vevents(calendar)
    for event, zone_name, hour in ((seoul, "Asia/Seoul", 10), (brussels, "Europe/Brussels", 9),
                                   (bucharest, "Europe/Bucharest", 14)):
        start = events[uid(event)]["DTSTART"]
        assert start.params["TZID"] == zone_name
        assert (start.dt.hour, start.dt.minute, start.dt.date()) == (hour, 0, day)
        assert start.dt.utcoffset() == at(day, hour, zone_name).utcoffset()
        assert events[uid(event)]["DTEND"].dt == at(day, hour + 2, zone_name)
    # 10:00 in Seoul is written as such, not converted to another zone.
    assert f"DTSTART;TZID=Asia/Seoul:{day:%Y%m%d}T100000".encode() in response.content


def test_an_all_day_event_uses_dates_with_an_exclusive_end(db):
    first = in_days(30)
    event = make_event(title="Târgul clusterelor", all_day=True,
                       start=at(first, 0, "Europe/Bucharest"), hours=48)
    component = vevents(parse(fetch(PUBLIC_URL)))[uid(event)]
    assert component["DTSTART"].dt == first
    assert component["DTSTART"].params.get("VALUE") == "DATE"
    # Two days: the 1st and the 2nd; DTEND is the day after the last (exclusive).
    assert component["DTEND"].dt == first + timedelta(days=2)
    assert not isinstance(component["DTEND"].dt, datetime)


def test_moving_an_event_bumps_its_sequence_and_keeps_its_uid(public_event, coordinator):
    before = vevents(parse(fetch(PUBLIC_URL)))[uid(public_event)]
    assert int(before["SEQUENCE"]) == 0
    services.event_update(event=public_event, by=None,
                          start=public_event.start + timedelta(hours=3),
                          end=public_event.end + timedelta(hours=3))
    after = vevents(parse(fetch(PUBLIC_URL)))[uid(public_event)]
    assert int(after["SEQUENCE"]) == 1
    assert after["DTSTART"].dt == before["DTSTART"].dt + timedelta(hours=3)
    # A change that is not of time, place or status leaves the SEQUENCE alone.
    services.event_update(event=public_event, by=None, organiser="Asociația ClusterPoliSEE")
    assert int(vevents(parse(fetch(PUBLIC_URL)))[uid(public_event)]["SEQUENCE"]) == 1


def test_a_cancelled_event_stays_in_the_feed_as_cancelled(public_event):
    services.event_cancel(event=public_event, by=None)
    component = vevents(parse(fetch(PUBLIC_URL)))[uid(public_event)]
    assert str(component["STATUS"]) == "CANCELLED"
    assert int(component["SEQUENCE"]) == 1
    scheduled = make_event(title="Atelier")
    assert str(vevents(parse(fetch(PUBLIC_URL)))[uid(scheduled)]["STATUS"]) == "CONFIRMED"


def test_the_feed_goes_back_twelve_months(db):
    now = timezone.now()
    recent = make_event(title="Recent", start=now - timedelta(days=300))
    old = make_event(title="Old", start=now - timedelta(days=400))
    future = make_event(title="Far future", start=now + timedelta(days=700))
    assert set(vevents(parse(fetch(PUBLIC_URL)))) == {uid(recent), uid(future)}
    # The event's own file is there whatever its date.
    assert set(vevents(parse(fetch(ics_url(old))))) == {uid(old)}


def test_diacritics_are_intact(group_event, member):
    component = vevents(parse(fetch(personal_url(member))))[uid(group_event)]
    assert str(component["SUMMARY"]) == "Ședința internă WG1"
    assert "Ședința internă WG1".encode() in fetch(personal_url(member)).content
    assert "Iași" in str(component["LOCATION"])


def test_a_series_occurrences_have_their_own_uids_and_the_moved_one_its_new_time(coordinator,
                                                                                   wg1):
    first = make_event(by=coordinator, title="Webinar lunar", kind=Event.Kind.WEBINAR,
                       working_group=wg1, repeat={"frequency": "WEEKLY", "count": 4})
    occurrences = list(Event.objects.filter(series=first.series_id).order_by("start"))
    assert len(occurrences) == 4
    moved = occurrences[1]
    services.event_update(event=moved, by=coordinator, start=moved.start + timedelta(hours=2),
                          end=moved.end + timedelta(hours=2))
    events = vevents(parse(fetch(PUBLIC_URL)))
    assert set(events) == {uid(occurrence) for occurrence in occurrences}
    assert len(events) == 4
    component = events[uid(moved)]
    assert component["DTSTART"].dt == (moved.start + timedelta(hours=2)).astimezone(moved.tz)
    assert component["DTSTART"].dt.hour == 12
    assert int(component["SEQUENCE"]) == 1
    assert all(events[uid(other)]["DTSTART"].dt.hour == 10
               for other in occurrences if other != moved)


# --- The working groups' feeds ----------------------------------------------------------------

def test_a_group_feed_has_the_groups_public_events(wg1, wg2, coordinator, group_event,
                                                   public_event):
    wg1_public = make_event(by=coordinator, title="Atelier WG1", working_group=wg1)
    make_event(title="Atelier WG2", working_group=wg2)
    response = fetch(group_url("WG1"))
    assert set(vevents(parse(response))) == {uid(wg1_public)}
    assert response["Cache-Control"] == "public, max-age=900"
    # Its members do not get the group-only events there either: the URL is public.
    assert set(vevents(parse(fetch(group_url("WG1"), coordinator)))) == {uid(wg1_public)}
    assert set(vevents(parse(fetch(group_url("wg1"))))) == {uid(wg1_public)}


def test_an_unknown_group_is_404(db):
    assert fetch(group_url("WG9")).status_code == 404


# --- The personal feed ------------------------------------------------------------------------

def test_the_personal_feed_adds_ones_groups_private_events(public_event, group_event,
                                                           wg2_private, member):
    response = fetch(personal_url(member))
    assert set(vevents(parse(response))) == {uid(public_event), uid(group_event)}
    assert response["Cache-Control"].startswith("private")
    assert "public" not in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    component = vevents(parse(response))[uid(group_event)]
    assert str(component["CLASS"]) == "PRIVATE"


def test_the_personal_feed_adds_the_events_one_registered_for(wg1, wg2, group_event,
                                                              wg2_private, staff_user):
    """Staff may see every group's events; their feed has their own groups' and the ones they
    registered or wait for, not every group's meetings."""
    wg3 = WorkingGroup.objects.get(code="WG3")
    wg3_private = make_event(title="Ședința WG3", visibility=Event.Visibility.GROUP,
                             working_group=wg3, takes_registrations=True, capacity=1)
    services.register(event=wg3_private, user=UserFactory())
    services.register(event=wg3_private, user=staff_user)  # the waiting list
    assert set(vevents(parse(fetch(personal_url(staff_user))))) == {uid(wg3_private)}
    services.cancel_registration(event=wg3_private, user=staff_user)
    assert set(vevents(parse(fetch(personal_url(staff_user))))) == set()


def test_an_event_one_registered_for_leaves_the_feed_with_the_group(wg1, member):
    event = make_event(title="Ședința WG1", visibility=Event.Visibility.GROUP,
                       working_group=wg1, takes_registrations=True)
    services.register(event=event, user=member)
    url = personal_url(member)
    assert set(vevents(parse(fetch(url)))) == {uid(event)}
    member.memberships.all().delete()
    assert set(vevents(parse(fetch(url)))) == set()


def test_a_new_token_retires_the_old_url(member, group_event):
    old_url = personal_url(member)
    assert fetch(old_url).status_code == 200
    services.feed_token_regenerate(member)
    assert fetch(old_url).status_code == 404
    new_url = personal_url(member)
    assert new_url != old_url
    assert set(vevents(parse(fetch(new_url)))) == {uid(group_event)}


def test_unknown_tokens_and_users_no_longer_approved_get_404(member, group_event):
    assert fetch(reverse("events:feed_personal", args=["not-a-token"])).status_code == 404
    pending = UserFactory(pending=True)
    assert fetch(personal_url(pending)).status_code == 404
    url = personal_url(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert fetch(url).status_code == 404
    member.is_active = True
    member.status = member.Status.REJECTED
    member.save(update_fields=["is_active", "status"])
    assert fetch(url).status_code == 404
    assert CalendarFeedToken.objects.filter(user=member).exists()


# --- One event's file -------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "code"), [
    ("anonymous", 404), ("outsider", 404), ("other_member", 404), ("member", 200),
    ("coordinator", 200), ("staff", 200),
])
def test_a_group_only_events_file_is_for_its_group(group_event, member, coordinator,
                                                   other_member, staff_user, who, code):
    users = {"anonymous": None, "outsider": UserFactory(), "other_member": other_member,
             "member": member, "coordinator": coordinator, "staff": staff_user}
    response = fetch(ics_url(group_event), users[who])
    assert response.status_code == code
    if code == 200:
        assert set(vevents(parse(response))) == {uid(group_event)}
        assert response["Content-Disposition"] == \
            f'attachment; filename="event-{group_event.pk}.ics"'
        assert "public" not in response["Cache-Control"]


def test_a_public_events_file_is_for_everyone(public_event):
    response = fetch(ics_url(public_event))
    calendar = parse(response)
    assert set(vevents(calendar)) == {uid(public_event)}
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "public, max-age=900"
    assert response["Last-Modified"]
    assert fetch(reverse("events:ics", args=[public_event.pk + 1000])).status_code == 404


def test_feeds_refuse_writes(public_event):
    assert client_for(None).post(PUBLIC_URL).status_code == 405


# --- Conditional GET --------------------------------------------------------------------------

def test_a_client_with_the_current_copy_gets_304_until_something_changes(public_event):
    etag = fetch(PUBLIC_URL)["ETag"]
    with CaptureQueriesContext(connection) as captured:
        response = fetch(PUBLIC_URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=900"
    assert len(captured) == 1  # the aggregate only
    services.event_update(event=public_event, by=None, title="Conferința amânată")
    changed = fetch(PUBLIC_URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    # A new event changes it too.
    make_event(title="Alt eveniment")
    assert fetch(PUBLIC_URL, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_the_event_file_answers_304_only_to_those_who_may_see_it(group_event, member):
    response = fetch(ics_url(group_event), member)
    etag = response["ETag"]
    assert fetch(ics_url(group_event), member, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert fetch(ics_url(group_event), None, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_the_personal_feed_etag_follows_membership(member, wg2, group_event, wg2_private):
    url = personal_url(member)
    etag = fetch(url)["ETag"]
    assert fetch(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    add_member(wg2, member)
    response = fetch(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert uid(wg2_private) in vevents(parse(response))


# --- Query counts -----------------------------------------------------------------------------

def _add_events(count, *, wg1, wg2, member, start_day=5):
    """A mix: public, WG1-only, WG2-only, Seoul, all-day, cancelled, registered."""
    for n in range(count):
        day = in_days(start_day + n)
        kind = n % 5
        fields = {"title": f"Eveniment {n}", "start": at(day, 10, "Europe/Bucharest")}
        if kind == 1:
            fields.update(visibility=Event.Visibility.GROUP, working_group=wg1)
        elif kind == 2:
            fields.update(visibility=Event.Visibility.GROUP, working_group=wg2)
        elif kind == 3:
            fields.update(time_zone="Asia/Seoul", start=at(day, 10, "Asia/Seoul"),
                          working_group=wg1)
        elif kind == 4:
            fields.update(all_day=True, start=at(day, 0, "Europe/Bucharest"), hours=24)
        event = make_event(takes_registrations=True, **fields)
        if n % 3 == 0 and kind != 2:
            services.register(event=event, user=member)
        if n % 7 == 0:
            services.event_cancel(event=event, by=None)


def _queries(url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client_for(None).get(url)
    calendar = parse(response)
    return len(captured), len(calendar.walk("VEVENT"))


@pytest.mark.parametrize(("feed", "bound"), [("public", 2), ("group", 3), ("personal", 3),
                                             ("ics", 2)])
def test_feed_query_counts_do_not_grow_with_the_events(wg1, wg2, member, feed, bound):
    urls = {"public": PUBLIC_URL, "group": group_url("WG1"), "personal": personal_url(member)}

    def url():
        if feed == "ics":
            return ics_url(Event.objects.filter(visibility=Event.Visibility.PUBLIC).first())
        return urls[feed]

    _add_events(3, wg1=wg1, wg2=wg2, member=member)
    _queries(url())  # warms the caches a first request fills
    few, few_events = _queries(url())
    _add_events(30, wg1=wg1, wg2=wg2, member=member, start_day=40)
    many, many_events = _queries(url())
    assert many == few <= bound, (few, many)
    if feed != "ics":
        assert many_events > few_events
