"""The permission matrix of the calendar's pages, for a public event and a WG1-only event: who
finds it in the lists, the month and the week, who may open its page and who may register.
Exact outcomes; a group-only event's title never reaches anyone outside WG1 (nor staff's
absence of membership changes anything: staff see everything)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.factories import UserFactory
from workinggroups.models import Membership

from .conftest import BUCHAREST, add_member, client_for, make_event

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "pending", "non_member", "wg2_member", "wg1_member", "wg1_coordinator",
         "staff"]
LOGIN, DONE = "login", "done"  # a redirect to the login page / the action was carried out
PUBLIC_TITLE = "Conferința Europeană a Clusterelor"
GROUP_TITLE = "Ședința confidențială WG1 despre bugetul 2027"


def _start() -> datetime:
    """Next week's Wednesday at 10:00, Bucharest time: inside next week and (for the month
    view) inside the month of that Wednesday."""
    today = timezone.localdate(timezone=BUCHAREST)
    wednesday = today - timedelta(days=today.weekday()) + timedelta(days=9)
    return datetime(wednesday.year, wednesday.month, wednesday.day, 10, 0, tzinfo=BUCHAREST)


@pytest.fixture
def world(wg1, wg2):
    coordinator = add_member(wg1, UserFactory(full_name="Ana Popescu"),
                             Membership.Role.COORDINATOR)
    users = {
        "anonymous": None,
        "pending": UserFactory(pending=True),
        "non_member": UserFactory(),
        "wg2_member": add_member(wg2, UserFactory()),
        "wg1_member": add_member(wg1, UserFactory()),
        "wg1_coordinator": coordinator,
        "staff": UserFactory(staff=True),
    }
    start = _start()
    events = {
        "public": make_event(title=PUBLIC_TITLE, start=start, takes_registrations=True,
                             working_group=wg1),
        "group": make_event(title=GROUP_TITLE, start=start, takes_registrations=True,
                            by=coordinator, kind=Event.Kind.MEETING,
                            visibility=Event.Visibility.GROUP, working_group=wg1),
    }
    return {"users": users, "events": events, "start": start}


def _outcome(response, *, listed_title=None):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    if listed_title is not None:
        assert response.status_code == 200
        return listed_title in response.content.decode()
    return response.status_code


def _list_urls(start):
    iso = start.isocalendar()
    return {
        "list": reverse("events:index"),
        "month": reverse("events:month", args=[start.year, start.month]),
        "week": reverse("events:week", args=[iso.year, iso.week]),
    }


#                anonymous pending non_member wg2_member wg1_member wg1_coordinator staff
PUBLIC = {
    "list":       [True, LOGIN, True, True, True, True, True],
    "month":      [True, LOGIN, True, True, True, True, True],
    "week":       [True, LOGIN, True, True, True, True, True],
    "detail":     [200, LOGIN, 200, 200, 200, 200, 200],
    "register":   [LOGIN, LOGIN, DONE, DONE, DONE, DONE, DONE],
    "unregister": [LOGIN, LOGIN, DONE, DONE, DONE, DONE, DONE],
}
GROUP = {
    "list":       [False, LOGIN, False, False, True, True, True],
    "month":      [False, LOGIN, False, False, True, True, True],
    "week":       [False, LOGIN, False, False, True, True, True],
    "detail":     [404, LOGIN, 404, 404, 200, 200, 200],
    "register":   [LOGIN, LOGIN, 404, 404, DONE, DONE, DONE],
    "unregister": [LOGIN, LOGIN, 404, 404, DONE, DONE, DONE],
}
MATRIX = [(which, action, role, expected[i])
          for which, table in (("public", PUBLIC), ("group", GROUP))
          for action, expected in table.items()
          for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("which", "action", "role", "expected"), MATRIX)
def test_matrix(world, which, action, role, expected):
    event = world["events"][which]
    user = world["users"][role]
    client = client_for(user)
    if action in ("list", "month", "week"):
        response = client.get(_list_urls(world["start"])[action])
        assert _outcome(response, listed_title=event.title) == expected
        return
    if action == "detail":
        assert _outcome(client.get(event.get_absolute_url())) == expected
        return
    if action == "unregister" and expected == DONE:
        services.register(event=event, user=user)
    response = client.post(reverse(f"events:{action}", args=[event.pk]))
    outcome = _outcome(response)
    if outcome == 302:
        assert response["Location"] == event.get_absolute_url()
        registration = Registration.objects.get(event=event, user=user)
        wanted = (Registration.Status.REGISTERED if action == "register"
                  else Registration.Status.CANCELLED)
        assert registration.status == wanted
        outcome = DONE
    assert outcome == expected
    if expected != DONE and user is not None:
        assert not Registration.objects.filter(event=event, user=user).exists()


def test_the_group_event_title_never_reaches_outsiders(world, wg1, client):
    """Every page that lists events, with filters that would pick it, for each outsider."""
    past = make_event(title=GROUP_TITLE + " (trecută)", start=world["start"] - timedelta(days=60),
                      visibility=Event.Visibility.GROUP, working_group=wg1)
    start = world["start"]
    urls = [*_list_urls(start).values(),
            reverse("events:past"),
            reverse("events:month", args=[past.start.year, past.start.month]),
            reverse("core:home"),
            wg1.get_absolute_url(),
            reverse("events:mine")]
    filters = ["", "?working_group=WG1", "?q=confidentiala", "?kind=meeting",
               "?status=scheduled&working_group=WG1&q=bugetul"]
    for role in ("anonymous", "non_member", "wg2_member"):
        browser = client_for(world["users"][role])
        for url in urls:
            for query in filters:
                response = browser.get(url + query)
                if url == reverse("events:mine") and role == "anonymous":
                    assert response.status_code == 302
                    continue
                assert response.status_code == 200, (role, url, query)
                body = response.content.decode()
                assert "confidențială" not in body, (role, url, query)
                assert "WG1 only" not in body, (role, url, query)
        for event in (world["events"]["group"], past):
            assert browser.get(event.get_absolute_url()).status_code == 404


def test_members_see_it_everywhere(world, wg1):
    member = client_for(world["users"]["wg1_member"])
    for url in (*_list_urls(world["start"]).values(), reverse("core:home"),
                wg1.get_absolute_url(), reverse("events:mine")):
        body = member.get(url).content.decode()
        assert GROUP_TITLE in body, url
        assert "WG1 only" in body, url


def test_a_member_who_leaves_loses_the_event(world, wg1):
    user = world["users"]["wg1_member"]
    services.register(event=world["events"]["group"], user=user)
    Membership.objects.filter(group=wg1, user=user).delete()
    client = client_for(user)
    assert client.get(world["events"]["group"].get_absolute_url()).status_code == 404
    assert GROUP_TITLE not in client.get(reverse("events:mine")).content.decode()
    assert GROUP_TITLE not in client.get(reverse("events:index")).content.decode()


def test_my_calendar_and_the_feed_token_need_an_account(world, client):
    assert _outcome(client.get(reverse("events:mine"))) == LOGIN
    assert _outcome(client.post(reverse("events:feed_token_regenerate"))) == LOGIN
    pending = client_for(world["users"]["pending"])
    assert _outcome(pending.get(reverse("events:mine"))) == LOGIN
    assert _outcome(pending.post(reverse("events:feed_token_regenerate"))) == LOGIN


def test_nonexistent_event_is_404_for_everyone(world):
    for role in ROLES:
        if role == "pending":
            continue
        client = client_for(world["users"][role])
        assert client.get(reverse("events:detail", args=[99999])).status_code == 404
        if role != "anonymous":
            assert client.post(reverse("events:register", args=[99999])).status_code == 404
