"""The demo events: the 2014 events of the ClusterPoliSEE newsletter (seed 001) with their real
dates, times, places and time zones; seeding again creates nothing new."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from icalendar import Calendar

from events.demo import DEBATE_TITLE, EVENTS, seed_events
from events.ical import event_ics
from events.models import Event
from events.permissions import events_visible_to

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def by_title(fragment: str) -> Event:
    return Event.objects.get(title__contains=fragment)


@pytest.fixture
def seeded():
    assert seed_events() == len(EVENTS) == 7
    return {event.title: event for event in Event.objects.all()}


def test_seeding_twice_creates_each_event_once(seeded):
    before = list(Event.objects.order_by("pk").values("pk", "uid", "title", "start", "end",
                                                        "sequence"))
    assert seed_events() == 0
    assert list(Event.objects.order_by("pk").values("pk", "uid", "title", "start", "end",
                                                      "sequence")) == before
    assert Event.objects.values("uid").distinct().count() == 7


def test_seed_demo_loads_the_events_with_or_without_accounts(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--no-accounts")
    call_command("seed_demo", "--no-accounts")
    assert Event.objects.count() == 7
    assert "Events: 7" in capsys.readouterr().out
    settings.DEBUG = True
    call_command("seed_demo")
    assert Event.objects.count() == 7


def test_the_brussels_debate_at_its_real_time_and_place(seeded):
    debate = Event.objects.get(title=DEBATE_TITLE)
    assert debate.kind == Event.Kind.WORKSHOP
    assert debate.time_zone == "Europe/Brussels"
    assert not debate.all_day
    # 09:00-10:45 Brussels summer time (CEST, UTC+2) on Wednesday 8 October 2014.
    assert debate.start == datetime(2014, 10, 8, 7, 0, tzinfo=UTC)
    assert debate.end == datetime(2014, 10, 8, 8, 45, tzinfo=UTC)
    assert (debate.local_start.time(), debate.local_end.time()) == (time(9, 0), time(10, 45))
    assert debate.local_start.strftime("%A") == "Wednesday"
    assert debate.venue == "Comitetul Regiunilor (Van Maerlandt Building, Room 1)"
    assert (debate.city, debate.country.code) == ("Bruxelles", "BE")
    assert debate.organiser == "ClusterPoliSEE și Clustrat Strategic Project"
    assert "de la 10:45 la 12:30 în Foaierul 6, clădirea JDE" in debate.description


def test_the_seoul_summit_in_seoul_time(seeded):
    summit = by_title("Startup Nations Summit 2014")
    assert summit.time_zone == "Asia/Seoul"
    assert summit.all_day
    assert (summit.first_day, summit.last_day) == (date(2014, 11, 23), date(2014, 11, 25))
    assert summit.local_start == datetime(2014, 11, 23, tzinfo=ZoneInfo("Asia/Seoul"))
    assert summit.start == datetime(2014, 11, 22, 15, 0, tzinfo=UTC)  # Seoul is UTC+9
    assert (summit.city, summit.country.code) == ("Seul", "KR")
    assert summit.website == "http://startupnations2014.com/index.php"
    [component] = Calendar.from_ical(event_ics(summit)).walk("VEVENT")
    assert component.get("dtstart").dt == date(2014, 11, 23)
    assert component.get("dtend").dt == date(2014, 11, 26)  # exclusive


@pytest.mark.parametrize(("fragment", "days", "time_zone", "city", "country", "kind"), [
    ("European Open Days 2014", (date(2014, 10, 6), date(2014, 10, 9)), "Europe/Brussels",
     "Bruxelles", "BE", "conference"),
    ("Conferința Europeană a Clusterelor", (date(2014, 10, 20), date(2014, 10, 21)),
     "Europe/Brussels", "Bruxelles", "BE", "conference"),
    ("conectarea clusterelor pentru Inovare", (date(2014, 10, 22), date(2014, 10, 22)),
     "Europe/Vienna", "Viena", "AT", "conference"),
    ("V4Clusters", (date(2014, 11, 4), date(2014, 11, 5)), "Europe/Prague", "Ostrava", "CZ",
     "matchmaking"),
    ("Clusterele și managementul cunoașterii", (date(2014, 9, 22), date(2014, 9, 23)),
     "Europe/Bucharest", "Iași", "RO", "conference"),
])
def test_the_newsletters_other_events(seeded, fragment, days, time_zone, city, country, kind):
    event = by_title(fragment)
    assert (event.first_day, event.last_day) == days
    assert event.all_day
    assert event.local_start.time() == time(0, 0)
    assert (event.time_zone, event.city, event.country.code, event.kind) == (
        time_zone, city, country, kind)


def test_the_iasi_conference_as_reported(seeded):
    iasi = by_title("Clusterele și managementul cunoașterii în perspectiva Europa 2020")
    assert iasi.organiser == "Agenția de Dezvoltare Regională Nord-Est"
    assert "29 de vorbitori și participarea a 180 de persoane" in iasi.description
    for partner in ("Ministerul Economiei", "Institutul de Prognoză Economică",
                    "Asociația Națională a Clusterelor din România"):
        assert partner in iasi.description


def test_diacritics_survive_the_database(seeded):
    titles = set(Event.objects.values_list("title", flat=True))
    assert {
        "Promovarea inovării prin strategii interclustering și politici de specializare "
        "inteligentă",
        "Conferința Europeană a Clusterelor",
        "Conferința Internațională în domeniul clusterelor - conectarea clusterelor pentru "
        "Inovare",
        "Conferința internațională a clusterelor în România: Clusterele și managementul "
        "cunoașterii în perspectiva Europa 2020",
    } <= titles
    # Comma-below ș and ț, never the cedilla letters.
    assert not any(letter in "".join(titles) for letter in "şţŞŢ")
    assert "țări Visegrad" in by_title("V4Clusters").description


def test_public_past_events_without_registrations_or_invented_links(seeded):
    events = Event.objects.all()
    assert set(events_visible_to(AnonymousUser())) == set(events)
    assert all(e.is_public and not e.takes_registrations and e.capacity is None for e in events)
    assert not Event.objects.upcoming().exists()
    assert not Event.clusters.through.objects.exists()
    # Websites only where the newsletter gives one.
    without = set(events.filter(website="").values_list("title", flat=True))
    assert without == {"Eveniment de cluster matchmaking V4Clusters"}
