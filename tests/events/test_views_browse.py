"""Browsing the calendar: the upcoming and past lists, the month and the week, an event's page;
filters (diacritics do not matter, bad values are reported and ignored), pagination, empty
states, bad URLs, and a number of queries that does not grow with the events."""

import html
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, Country, Region
from events import services
from events.models import Event
from tests.factories import UserFactory

from .conftest import add_member, client_for, make_event

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")


def text(response) -> str:
    """The page's text with its whitespace collapsed (en dashes as hyphens)."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
                         ).replace("\u2013", "-")


def results(response) -> str:
    """The text of the results only (the filter form and the feeds box name groups too)."""
    page = response.content.decode()
    start = page.index('id="results-heading"')
    end = page.index('id="feeds-heading"')
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page[start:end]).split()))


def days_with(response, title: str) -> list[str]:
    """The ISO dates of the month grid's (or week's) cells listing an event with this title."""
    days = response.context.get("days") or [
        day for week in response.context["weeks"] for day in week["days"]]
    return [day.date.isoformat() for day in days
            if any(entry.event.title == title for entry in day.entries)]


def in_days(days: int, hour: int = 10) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(BUCHAREST).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=BUCHAREST)


@pytest.fixture
def calendar_events(wg1, wg2):
    """Upcoming events of several kinds, groups and countries, and one past event."""
    return {
        "iasi": make_event(title="Conferința internațională a clusterelor din Iași",
                           start=in_days(5), city="Iași", country="RO",
                           kind=Event.Kind.CONFERENCE, working_group=wg1),
        "vienna": make_event(title="Cross-linking clusters for innovation", start=in_days(6),
                             city="Wien", country="AT", kind=Event.Kind.WORKSHOP,
                             working_group=wg2),
        "webinar": make_event(title="Webinar: cluster excellence", start=in_days(7),
                              city="", country="", online_url="https://meet.example.org/x",
                              kind=Event.Kind.WEBINAR),
        "past": make_event(title="V4Clusters matchmaking", start=in_days(-30), city="Ostrava",
                           country="CZ", kind=Event.Kind.MATCHMAKING),
    }


# --- the lists --------------------------------------------------------------------------------

def test_every_view_renders_for_everyone(calendar_events, member):
    event = calendar_events["iasi"]
    for user in (None, member):
        client = client_for(user)
        for url in (reverse("events:index"), reverse("events:past"),
                    reverse("events:month_current"), reverse("events:week_current"),
                    reverse("events:month", args=[2014, 11]),
                    reverse("events:week", args=[2014, 47]),
                    event.get_absolute_url()):
            assert client.get(url).status_code == 200, url


def test_upcoming_and_past_are_split(client, calendar_events):
    upcoming = results(client.get(reverse("events:index")))
    assert "Conferința internațională a clusterelor din Iași" in upcoming
    assert "Webinar: cluster excellence" in upcoming
    assert "V4Clusters matchmaking" not in upcoming
    assert upcoming.index("Iași") < upcoming.index("Cross-linking") < upcoming.index("Webinar")
    past = results(client.get(reverse("events:past")))
    assert "V4Clusters matchmaking" in past
    assert "Cross-linking" not in past


def test_running_event_is_still_upcoming(client):
    make_event(title="Ziua a doua a conferinței", start=timezone.now() - timedelta(hours=1),
               hours=3)
    assert "Ziua a doua a conferinței" in results(client.get(reverse("events:index")))


@pytest.mark.parametrize(("query", "expected"), [
    ("q=iasi", {"iasi"}),
    ("q=IAȘI", {"iasi"}),
    ("q=IAŞI", {"iasi"}),  # cedilla ş
    ("q=clusterelor+iasi", {"iasi"}),
    ("q=cluster", {"iasi", "vienna", "webinar"}),
    ("q=wien", {"vienna"}),
    ("q=nothing-like-this", set()),
    ("kind=workshop", {"vienna"}),
    ("working_group=WG1", {"iasi"}),
    ("working_group=WG2", {"vienna"}),
    ("country=AT", {"vienna"}),
    ("country=RO&kind=conference", {"iasi"}),
    ("country=RO&kind=workshop", set()),
])
def test_filters(client, calendar_events, query, expected):
    body = results(client.get(reverse("events:index") + "?" + query))
    shown = {key for key, event in calendar_events.items() if event.title in body}
    assert shown == expected


def test_filter_by_status(client, calendar_events):
    services.event_cancel(event=calendar_events["vienna"], by=None)
    cancelled = results(client.get(reverse("events:index") + "?status=cancelled"))
    assert "Cross-linking" in cancelled
    assert "Iași" not in cancelled
    scheduled = results(client.get(reverse("events:index") + "?status=scheduled"))
    assert "Cross-linking" not in scheduled


@pytest.mark.parametrize("query", [
    "kind=party", "working_group=WG9", "country=ZZ", "status=maybe", "page=abc",
    "kind=&working_group=&country=&q=", "q=" + "x" * 500, "working_group=%00",
    "kind=workshop&kind=conference",
])
def test_bad_filter_values_do_not_crash(client, calendar_events, query):
    for name in ("events:index", "events:past", "events:month_current", "events:week_current"):
        assert client.get(reverse(name) + "?" + query).status_code == 200


def test_an_invalid_filter_is_reported_and_the_others_still_apply(client, calendar_events):
    response = client.get(reverse("events:index") + "?kind=party&q=iasi")
    body = text(response)
    assert "Some filters were not valid and were ignored" in body
    assert "Select a valid choice" in body
    shown = results(response)
    assert "Iași" in shown
    assert "Cross-linking" not in shown


def test_the_country_filter_offers_the_countries_of_the_events(client, calendar_events):
    response = client.get(reverse("events:index"))
    choices = dict(response.context["filter"].form.fields["country"].choices)
    assert set(choices) == {"", "AT", "CZ", "RO"}
    assert choices["RO"] == "Romania"


def test_pagination_keeps_the_filters(client):
    for n in range(25):
        make_event(title=f"Atelier {n:02d}", start=in_days(3 + n), kind=Event.Kind.WORKSHOP)
    first = client.get(reverse("events:index") + "?kind=workshop")
    assert len(first.context["page_obj"].object_list) == 20
    assert "Page 1 of 2" in text(first)
    assert 'href="?kind=workshop&amp;page=2"' in first.content.decode()
    second = client.get(reverse("events:index") + "?kind=workshop&page=2")
    assert [e.title for e in second.context["page_obj"]] == [f"Atelier {n}" for n in range(20, 25)]
    # A page beyond the last shows the last one.
    assert client.get(reverse("events:index") + "?page=99").status_code == 200


def test_empty_states(client, calendar_events):
    body = text(client.get(reverse("events:index") + "?q=zzzz"))
    assert "No upcoming events match these filters." in body
    page = client.get(reverse("events:index") + "?q=zzzz").content.decode()
    assert f'href="{reverse("events:past")}?q=zzzz"' in page
    assert "No past events match these filters." in text(client.get(
        reverse("events:past") + "?q=zzzz"))


def test_empty_calendar(client, db):
    body = text(client.get(reverse("events:index")))
    assert "No upcoming events have been announced yet." in body
    assert "No past events yet." in text(client.get(reverse("events:past")))


def test_cancelled_and_group_only_events_are_marked(calendar_events, wg1, member):
    services.event_cancel(event=calendar_events["iasi"], by=None)
    make_event(title="Ședința internă WG1", visibility=Event.Visibility.GROUP, working_group=wg1,
               kind=Event.Kind.MEETING, start=in_days(8))
    page = client_for(member).get(reverse("events:index")).content.decode()
    cancelled_item = re.search(r'<li class="event-item[^"]*event-is-cancelled[^"]*">(.*?)</li>',
                               page, re.S)
    assert cancelled_item is not None
    assert "Conferința internațională a clusterelor din Iași" in cancelled_item.group(1)
    assert "Cancelled" in cancelled_item.group(1)
    assert "WG1 only" in text(client_for(member).get(reverse("events:index")))


def test_tabs_keep_the_filters_and_mark_the_active_view(client, calendar_events):
    page = client.get(reverse("events:month", args=[2014, 11]) + "?kind=workshop&q=iasi")
    body = page.content.decode()
    for name in ("events:index", "events:past", "events:week_current"):
        assert f'href="{reverse(name)}?kind=workshop&amp;q=iasi"' in body
    assert re.search(r'<a class="nav-link active" href="/events/month/\?kind=workshop&amp;q=iasi"'
                     r' aria-current="page">Month</a>', body)
    assert f'href="{reverse("events:month", args=[2014, 10])}?kind=workshop&amp;q=iasi"' in body
    assert f'href="{reverse("events:month", args=[2014, 12])}?kind=workshop&amp;q=iasi"' in body


def test_the_list_links_the_feeds(client, db):
    body = client.get(reverse("events:index")).content.decode()
    assert f'href="{reverse("events:feed_public")}"' in body
    for code in ("WG1", "WG2", "WG6"):
        assert f'href="{reverse("events:feed_group", args=[code])}"' in body


def test_new_event_button_for_organisers_only(calendar_events, coordinator, member, staff_user):
    url = reverse("events:create")
    assert f'href="{url}"' in client_for(coordinator).get(reverse("events:index")).content.decode()
    assert f'href="{url}"' in client_for(staff_user).get(
        reverse("events:month_current")).content.decode()
    assert f'href="{url}"' not in client_for(member).get(reverse("events:index")).content.decode()
    assert f'href="{url}"' not in client_for(None).get(reverse("events:index")).content.decode()


# --- month and week --------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/events/month/2026/13/", "/events/month/2026/0/", "/events/month/1800/5/",
    "/events/month/99999/1/", "/events/week/2026/0/", "/events/week/2026/54/",
    "/events/week/2025/53/", "/events/week/1800/1/", "/events/999999/",
    "/events/99999999999999999999999/", "/events/month/2026/99999999999999999999999/",
    "/events/week/99999999999999999999999/1/",
])
def test_bad_dates_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_week_53_exists_in_a_long_year(client, db):
    assert client.get("/events/week/2026/53/").status_code == 200


def test_month_grid(client, db):
    make_event(title="European Cluster Conference", start=datetime(2014, 10, 20, 9, 0,
                                                                   tzinfo=ZoneInfo("Europe/Brussels")),
               hours=32, time_zone="Europe/Brussels", city="Bruxelles", country="BE")
    make_event(title="Startup Nations Summit", start=datetime(2014, 11, 23, 10, 0,
                                                              tzinfo=ZoneInfo("Asia/Seoul")),
               hours=8, time_zone="Asia/Seoul", city="Seoul", country="KR")
    response = client.get(reverse("events:month", args=[2014, 10]))
    assert days_with(response, "European Cluster Conference") == ["2014-10-20", "2014-10-21"]
    weeks = response.context["weeks"]
    # Monday first; October 2014 starts on a Wednesday, so the grid starts on 29 September.
    assert weeks[0]["days"][0].date.isoformat() == "2014-09-29"
    assert not weeks[0]["days"][0].in_month
    assert all(len(week["days"]) == 7 for week in weeks)
    body = response.content.decode()
    assert "<caption" in body
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in body
    assert '<th scope="row"' in body
    assert 'class="cal-day cal-other-month cal-empty"' in body
    assert "Startup Nations Summit" not in body
    november = client.get(reverse("events:month", args=[2014, 11]))
    assert days_with(november, "Startup Nations Summit") == ["2014-11-23"]


def test_month_marks_today(client, db):
    body = client.get(reverse("events:month_current")).content.decode()
    today = timezone.localdate(timezone=BUCHAREST).isoformat()
    assert re.search(r'<td class="cal-day[^"]*cal-today[^"]*" aria-current="date">\s*'
                     rf'<div class="cal-day-number"><time datetime="{today}">', body)


def test_week_view(client, db):
    make_event(title="European Open Days workshop",
               start=datetime(2014, 10, 8, 9, 0, tzinfo=ZoneInfo("Europe/Brussels")),
               hours=1.75, time_zone="Europe/Brussels")
    response = client.get(reverse("events:week", args=[2014, 41]))
    assert [day.date.isoformat() for day in response.context["days"]] == [
        f"2014-10-{d:02d}" for d in range(6, 13)]
    assert days_with(response, "European Open Days workshop") == ["2014-10-08"]
    body = text(response)
    assert "Week 41: 6 Oct - 12 Oct 2014" in body
    assert "Wednesday 8 October 10:00 - 11:45 European Open Days workshop" in body  # Bucharest
    page = response.content.decode()
    assert f'href="{reverse("events:week", args=[2014, 40])}"' in page
    assert f'href="{reverse("events:week", args=[2014, 42])}"' in page


def test_week_across_the_new_year(client, db):
    response = client.get(reverse("events:week", args=[2026, 53]))
    page = response.content.decode()
    assert f'href="{reverse("events:week", args=[2027, 1])}"' in page
    assert f'href="{reverse("events:week", args=[2026, 52])}"' in page


# --- an event's page -------------------------------------------------------------------------

@pytest.fixture
def clusters(db):
    romania = Country.objects.create(code="RO", name_ro="România", name_en="Romania")
    region = Region.objects.create(code="RO21", slug="nord-est", name_ro="Nord-Est",
                                   name_en="North-East", country=romania)
    return {
        "published": Cluster.objects.create(slug="agro-nord-est", name="Agro Nord-Est",
                                            acronym="ANE", region=region, is_published=True),
        "unpublished": Cluster.objects.create(slug="ciorna", name="Clusterul în lucru",
                                              region=region, is_published=False),
    }


def test_event_page_shows_everything(client, wg1, clusters):
    event = make_event(
        title="International Clusters Conference in Romania", kind=Event.Kind.CONFERENCE,
        venue="Palas Congress Hall", city="Iași", country="RO", organiser="UEFISCDI",
        description="29 speakers, 180 participants.\nSecond line.", working_group=wg1,
        website="https://example.org/conference",
        clusters=[clusters["published"], clusters["unpublished"]])
    response = client.get(event.get_absolute_url())
    body = text(response)
    page = response.content.decode()
    for expected in ("International Clusters Conference in Romania", "Conference",
                     "Palas Congress Hall", "Iași, Romania", "UEFISCDI",
                     "29 speakers, 180 participants.", "Second line.", "(Europe/Bucharest)",
                     "This event does not take registrations."):
        assert expected in body, expected
    assert f'href="{wg1.get_absolute_url()}"' in page
    assert f'href="{clusters["published"].get_absolute_url()}"' in page
    assert "Clusterul în lucru" not in body  # unpublished: not named, not linked
    assert f'href="{reverse("events:ics", args=[event.pk])}"' in page
    assert 'href="https://example.org/conference"' in page
    assert "your time" not in body  # the event's zone is the viewer's


def test_online_event_shows_its_link(client):
    event = make_event(title="Webinar", city="", country="", kind=Event.Kind.WEBINAR,
                       online_url="https://meet.example.org/cluster")
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'href="https://meet.example.org/cluster"' in page


def test_description_is_inert(client):
    event = make_event(description='<script>alert("x")</script><b>bold</b>')
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_cancelled_event_page(client):
    event = make_event(title="Atelier anulat", takes_registrations=True)
    services.event_cancel(event=event, by=None)
    body = text(client.get(event.get_absolute_url()))
    assert "This event has been cancelled." in body
    assert "event-cancelled-title" in client.get(event.get_absolute_url()).content.decode()


def test_organiser_buttons_only_for_managers(wg1, coordinator, member, other_member, staff_user):
    event = make_event(working_group=wg1)
    edit = reverse("events:edit", args=[event.pk])
    for user, shown in ((coordinator, True), (staff_user, True), (member, False),
                        (other_member, False), (None, False)):
        page = client_for(user).get(event.get_absolute_url()).content.decode()
        assert (f'href="{edit}"' in page) is shown
        assert (f'href="{reverse("events:attendees", args=[event.pk])}"' in page) is shown
        assert (f'href="{reverse("events:copy", args=[event.pk])}"' in page) is shown
        assert (f'href="{reverse("events:cancel", args=[event.pk])}"' in page) is shown


def test_only_get_and_head_on_browsing_pages(client, calendar_events):
    assert client.post(reverse("events:index")).status_code == 405
    assert client.post(calendar_events["iasi"].get_absolute_url()).status_code == 405
    assert client.head(reverse("events:index")).status_code == 200


# --- queries -----------------------------------------------------------------------------------

def _query_week():
    """A week of next year's March: every day of it in the future and in the same month."""
    return date.fromisocalendar(timezone.now().year + 1, 11, 1)


def _add_events(count, wg1, clusters, member, start_day=1):
    """Events of every sort (public, group-only, cancelled, multi-day, all-day, Seoul time), some
    with clusters and with the member registered, all within the same week and month."""
    monday = _query_week()
    for n in range(count):
        day = monday + timedelta(days=n % 7)
        start = datetime(day.year, day.month, day.day, 8 + n % 10, 0, tzinfo=BUCHAREST)
        fields = {"title": f"Eveniment {start_day + n}", "start": start,
                  "working_group": wg1 if n % 2 else None,
                  "clusters": [clusters["published"]] if n % 3 == 0 else (),
                  "takes_registrations": True, "hours": 30 if n % 4 == 0 else 2}
        if n % 5 == 1:
            fields.update(visibility=Event.Visibility.GROUP, working_group=wg1)
        if n % 7 == 3:
            fields.update(all_day=True, start=start.replace(hour=0), hours=48)
        if n % 6 == 2:
            fields.update(time_zone="Asia/Seoul")
        event = make_event(**fields)
        if n % 2 == 0:
            services.register(event=event, user=member)
        if n % 8 == 5:
            services.event_cancel(event=event, by=None)


@pytest.mark.parametrize("view", ["list", "month", "week"])
def test_query_count_does_not_grow_with_events(view, wg1, member, clusters,
                                              django_assert_max_num_queries):
    client = client_for(member)
    monday = _query_week()
    url = {"list": reverse("events:index"),
           "month": reverse("events:month", args=[monday.year, monday.month]),
           "week": reverse("events:week", args=[*monday.isocalendar()[:2]])}[view]
    url += "?q=eveniment"
    _add_events(3, wg1, clusters, member)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert len(few.captured_queries) <= 10
    _add_events(27, wg1, clusters, member, start_day=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    if view == "list":
        assert response.context["page_obj"].paginator.count == 30
    else:
        assert "Eveniment 30" in response.content.decode()


def test_detail_query_count_is_fixed(wg1, member, clusters, django_assert_max_num_queries):
    event = make_event(working_group=wg1, takes_registrations=True, capacity=2,
                       clusters=[clusters["published"]])
    people = [UserFactory() for _ in range(6)]
    for person in people:
        services.register(event=event, user=person)
    services.register(event=event, user=member)
    add_member(wg1, people[0])
    client = client_for(member)
    with django_assert_max_num_queries(10):
        response = client.get(event.get_absolute_url())
    assert "You are on the waiting list, in position 5." in text(response)


def test_pages_render_in_romanian(calendar_events, member):
    client = client_for(member, HTTP_ACCEPT_LANGUAGE="ro")
    event = make_event(title="Atelier cu înscriere", takes_registrations=True, capacity=3,
                       registration_deadline=in_days(2))
    services.register(event=event, user=member)
    for url in (reverse("events:index"), reverse("events:past"), reverse("events:month_current"),
                reverse("events:week_current"), event.get_absolute_url(), reverse("events:mine"),
                reverse("core:home")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="ro">' in response.content.decode()
