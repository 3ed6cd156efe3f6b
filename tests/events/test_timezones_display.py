"""Times on the calendar's pages: an event's page shows them in the event's own zone and, when
the viewer's zone is another, in the viewer's too (Europe/Bucharest unless their profile says
otherwise). Seoul is 7 hours ahead of Bucharest in winter, Brussels 1 hour behind; the daylight-
saving changes (last Sunday of March and of October) move those differences. The month grid and
the week place timed events on the viewer's days, all-day events on their own dates."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import UserFactory

from .conftest import client_for, make_event

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
BRUSSELS = ZoneInfo("Europe/Brussels")
BUCHAREST = ZoneInfo("Europe/Bucharest")


def plain(fragment: str) -> str:
    """Text without tags (removed without adding spaces), whitespace collapsed, en dashes as
    hyphens (easier to write in assertions)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split()).replace("\u2013", "-")


def text(response) -> str:
    return plain(response.content.decode())


def when(response) -> str:
    """The text of the event page's "When" line(s)."""
    match = re.search(r'<dd class="col-sm-9 event-when">(.*?)</dd>', response.content.decode(),
                      re.S)
    return plain(match.group(1))


def days_with(response, title: str) -> list[str]:
    days = response.context.get("days") or [
        day for week in response.context["weeks"] for day in week["days"]]
    return [day.date.isoformat() for day in days
            if any(entry.event.title == title for entry in day.entries)]


@pytest.fixture
def seoul_viewer(db):
    return UserFactory(time_zone="Asia/Seoul")


@pytest.fixture
def seoul_summit(db):
    """Startup Nations Summit, Seoul, 23 November 2014, 10:00-18:00 local time."""
    return make_event(title="Startup Nations Summit", time_zone="Asia/Seoul", city="Seoul",
                      country="KR", start=datetime(2014, 11, 23, 10, 0, tzinfo=SEOUL), hours=8)


@pytest.fixture
def brussels_workshop(db):
    """European Open Days 2014 workshop, Brussels, 8 October 2014, 09:00-10:45 local time."""
    return make_event(title="European Open Days workshop", time_zone="Europe/Brussels",
                      city="Bruxelles", country="BE", kind=Event.Kind.WORKSHOP,
                      start=datetime(2014, 10, 8, 9, 0, tzinfo=BRUSSELS), hours=1.75)


# --- an event's page --------------------------------------------------------------------------

def test_seoul_event_seen_from_bucharest_in_winter_is_7_hours_ahead(client, seoul_summit):
    line = when(client.get(seoul_summit.get_absolute_url()))
    assert "23 Nov 2014, 10:00-18:00 (Asia/Seoul)" in line
    assert "= 23 Nov 2014, 03:00-11:00 your time (Europe/Bucharest)" in line


def test_brussels_event_is_1_hour_behind(client, brussels_workshop):
    line = when(client.get(brussels_workshop.get_absolute_url()))
    assert "8 Oct 2014, 09:00-10:45 (Europe/Brussels)" in line
    assert "= 8 Oct 2014, 10:00-11:45 your time (Europe/Bucharest)" in line


def test_the_time_elements_carry_the_offsets(client, seoul_summit):
    page = client.get(seoul_summit.get_absolute_url()).content.decode()
    assert '<time datetime="2014-11-23T10:00:00+09:00">' in page
    assert '<time datetime="2014-11-23T03:00:00+02:00">' in page


def test_a_viewer_in_seoul_sees_seoul_times_as_their_own(seoul_viewer, seoul_summit,
                                                         brussels_workshop):
    client = client_for(seoul_viewer)
    line = when(client.get(seoul_summit.get_absolute_url()))
    assert "23 Nov 2014, 10:00-18:00 (Asia/Seoul)" in line
    assert "your time" not in line
    # A Brussels event, for the Seoul viewer: CEST (UTC+2) to KST (UTC+9) is 7 hours.
    line = when(client.get(brussels_workshop.get_absolute_url()))
    assert "= 8 Oct 2014, 16:00-17:45 your time (Asia/Seoul)" in line


def test_bucharest_event_for_the_default_viewer_shows_one_time(client):
    event = make_event(start=datetime(2014, 9, 22, 9, 0, tzinfo=BUCHAREST), hours=9,
                       title="International Clusters Conference in Romania")
    line = when(client.get(event.get_absolute_url()))
    assert line.startswith("22 Sep 2014, 09:00-18:00 (Europe/Bucharest)")
    assert "your time" not in line


def test_spring_forward_weekend_seoul_event_moves_an_hour_earlier_here(client):
    """Bucharest goes from UTC+2 to UTC+3 on 29 March 2026: Seoul (UTC+9, no DST) is 7 hours
    ahead before, 6 after."""
    before = make_event(title="Before the change", time_zone="Asia/Seoul",
                        start=datetime(2026, 3, 27, 17, 0, tzinfo=SEOUL))
    after = make_event(title="After the change", time_zone="Asia/Seoul",
                       start=datetime(2026, 3, 30, 17, 0, tzinfo=SEOUL))
    assert "= 27 Mar 2026, 10:00-12:00 your time" in when(client.get(before.get_absolute_url()))
    assert "= 30 Mar 2026, 11:00-13:00 your time" in when(client.get(after.get_absolute_url()))


def test_an_event_across_the_spring_change_keeps_its_wall_clock_times(client, seoul_viewer):
    """A night from 22:00 to 06:00 Bucharest time across 29 March 2026, 03:00 → 04:00: seven
    real hours. Seen from Seoul: 05:00 (UTC+2 then) to 12:00 (UTC+3 by then)."""
    start = datetime(2026, 3, 28, 22, 0, tzinfo=BUCHAREST)
    end = datetime(2026, 3, 29, 6, 0, tzinfo=BUCHAREST)
    assert end - start == timedelta(hours=8)  # wall clock
    assert end.astimezone(SEOUL) - start.astimezone(SEOUL) == timedelta(hours=7)  # real
    event = make_event(title="Hackathon de noapte", start=start, end=end)
    assert event.end == end
    line = when(client.get(event.get_absolute_url()))
    assert line.startswith("28 Mar 2026, 22:00 - 29 Mar 2026, 06:00 (Europe/Bucharest)")
    line = when(client_for(seoul_viewer).get(event.get_absolute_url()))
    assert "= 29 Mar 2026, 05:00-12:00 your time (Asia/Seoul)" in line


def test_a_monthly_series_stays_at_10_local_across_the_autumn_change(client, seoul_viewer):
    """A 10:00 Bucharest webinar on 15 October and 15 November 2026 (the clocks go back on
    25 October): 10:00 both times here, 16:00 then 17:00 in Seoul."""
    first = make_event(title="Webinar lunar", kind=Event.Kind.WEBINAR, time_zone="Europe/Bucharest",
                       start=datetime(2026, 10, 15, 10, 0, tzinfo=BUCHAREST), hours=1,
                       repeat={"frequency": "MONTHLY", "count": 2})
    second = Event.objects.get(series=first.series, start__gt=first.start)
    for event, date in ((first, "15 Oct 2026"), (second, "15 Nov 2026")):
        assert when(client.get(event.get_absolute_url())).startswith(
            f"{date}, 10:00-11:00 (Europe/Bucharest)")
    seoul = client_for(seoul_viewer)
    assert "= 15 Oct 2026, 16:00-17:00 your time (Asia/Seoul)" in when(
        seoul.get(first.get_absolute_url()))
    assert "= 15 Nov 2026, 17:00-18:00 your time (Asia/Seoul)" in when(
        seoul.get(second.get_absolute_url()))


def test_all_day_event_shows_dates_only(client):
    event = make_event(title="Startup Nations Summit (3 days)", time_zone="Asia/Seoul",
                       all_day=True, start=datetime(2014, 11, 23, 0, 0, tzinfo=SEOUL), hours=72)
    line = when(client.get(event.get_absolute_url()))
    assert line.startswith("23 Nov 2014 - 25 Nov 2014, all day")
    assert ":00" not in line
    assert "your time" not in line


# --- the lists, the month grid and the week ----------------------------------------------------

def test_the_list_shows_the_viewers_time_and_the_local_time(client, seoul_viewer, db):
    # An upcoming Seoul event (the lists show upcoming events): in January, Seoul is 7 hours
    # ahead of Bucharest.
    from django.utils import timezone
    year = timezone.now().year + 1
    make_event(title="Seoul cluster day", time_zone="Asia/Seoul",
               start=datetime(year, 1, 20, 10, 0, tzinfo=SEOUL), hours=8)
    body = text(client.get(reverse("events:index")))
    assert f"20 Jan {year}, 03:00-11:00 (10:00-18:00 local time in Asia/Seoul)" in body
    body = text(client_for(seoul_viewer).get(reverse("events:index")))
    assert f"20 Jan {year}, 10:00-18:00" in body
    assert "local time in Asia/Seoul" not in body


def test_all_day_seoul_event_is_on_its_own_dates_in_the_month_grid(client, seoul_viewer):
    """23-25 November in Seoul starts on 22 November at 17:00 Bucharest time, but an all-day
    event keeps its dates for everyone."""
    make_event(title="Startup Nations Summit", time_zone="Asia/Seoul", all_day=True,
               start=datetime(2014, 11, 23, 0, 0, tzinfo=SEOUL), hours=72)
    expected = ["2014-11-23", "2014-11-24", "2014-11-25"]
    url = reverse("events:month", args=[2014, 11])
    assert days_with(client.get(url), "Startup Nations Summit") == expected
    assert days_with(client_for(seoul_viewer).get(url), "Startup Nations Summit") == expected
    week = client.get(reverse("events:week", args=[2014, 48]))  # 24-30 November
    assert days_with(week, "Startup Nations Summit") == ["2014-11-24", "2014-11-25"]


def test_timed_events_are_on_the_viewers_days(client, seoul_viewer):
    """02:00-04:00 in Seoul on 24 November is 19:00-21:00 on 23 November in Bucharest."""
    make_event(title="Early breakfast", time_zone="Asia/Seoul",
               start=datetime(2014, 11, 24, 2, 0, tzinfo=SEOUL), hours=2)
    url = reverse("events:month", args=[2014, 11])
    response = client.get(url)
    assert days_with(response, "Early breakfast") == ["2014-11-23"]
    assert '<time class="cal-time" datetime="2014-11-23T19:00:00+02:00">19:00</time>' in \
        response.content.decode()
    assert days_with(client_for(seoul_viewer).get(url), "Early breakfast") == ["2014-11-24"]


def test_an_event_ending_at_midnight_does_not_spill_into_the_next_day(client):
    make_event(title="Seara clusterelor", start=datetime(2014, 11, 12, 20, 0, tzinfo=BUCHAREST),
               hours=4)
    response = client.get(reverse("events:month", args=[2014, 11]))
    assert days_with(response, "Seara clusterelor") == ["2014-11-12"]


def test_multi_day_event_on_every_day_it_covers_in_the_week(client):
    make_event(title="European Cluster Conference", time_zone="Europe/Brussels",
               start=datetime(2014, 10, 20, 9, 0, tzinfo=BRUSSELS), hours=32)  # to 21st, 17:00
    response = client.get(reverse("events:week", args=[2014, 43]))
    assert days_with(response, "European Cluster Conference") == ["2014-10-20", "2014-10-21"]
    body = text(response)
    assert "Monday 20 October from 10:00 European Cluster Conference" in body
    assert "Tuesday 21 October until 18:00 European Cluster Conference" in body


def test_week_times_across_the_spring_change(client):
    """Week 13 of 2026 holds Sunday 29 March: a Seoul event at 17:00 on Saturday is 10:00 here,
    on Monday 30 March it is 11:00."""
    for day in (28, 30):
        make_event(title=f"Seoul {day}", time_zone="Asia/Seoul",
                   start=datetime(2026, 3, day, 17, 0, tzinfo=SEOUL), hours=1)
    body = text(client.get(reverse("events:week", args=[2026, 13])))
    assert "Saturday 28 March 10:00-11:00 Seoul 28" in body
    body = text(client.get(reverse("events:week", args=[2026, 14])))
    assert "Monday 30 March 11:00-12:00 Seoul 30" in body
