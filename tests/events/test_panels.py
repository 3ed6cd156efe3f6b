"""The "next events" panels on other pages: the home page, a working group's space and a
cluster's profile. Each shows the right events (soonest first, no cancelled ones) and never
another group's group-only events, in a number of queries that does not grow with them."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, Country, Region
from events import services
from events.models import Event

from .conftest import client_for, make_event

pytestmark = pytest.mark.django_db


def section(response, heading_id: str) -> str:
    """The text of the page's <section> labelled by this heading."""
    page = response.content.decode()
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert match is not None, heading_id
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()))


def soon(days: int):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def cluster(db):
    romania = Country.objects.create(code="RO", name_ro="România", name_en="Romania")
    region = Region.objects.create(code="RO12", slug="centru", name_ro="Centru",
                                   name_en="Centre", country=romania)
    return Cluster.objects.create(slug="green-energy", name="Green Energy", region=region,
                                  is_published=True)


@pytest.fixture
def other_cluster(cluster):
    return Cluster.objects.create(slug="agro-food", name="Agro Food", region=cluster.region,
                                  is_published=True)


@pytest.fixture
def agenda(wg1, wg2):
    events = {
        "public_soon": make_event(title="Conferința din Iași", start=soon(2)),
        "public_later": make_event(title="Vizită de studiu la Viena", start=soon(9)),
        "wg1_public": make_event(title="Atelier public WG1", start=soon(4), working_group=wg1),
        "wg1_only": make_event(title="Ședința internă WG1", start=soon(3), working_group=wg1,
                               visibility=Event.Visibility.GROUP, kind=Event.Kind.MEETING),
        "wg2_only": make_event(title="Ședința internă WG2", start=soon(3), working_group=wg2,
                               visibility=Event.Visibility.GROUP, kind=Event.Kind.MEETING),
        "cancelled": make_event(title="Atelier anulat", start=soon(1), working_group=wg1),
        "past": make_event(title="Conferința de anul trecut", start=soon(-40), working_group=wg1),
    }
    services.event_cancel(event=events["cancelled"], by=None)
    return events


# --- home ----------------------------------------------------------------------------------------

def test_home_shows_the_next_public_events(client, agenda):
    panel = section(client.get(reverse("core:home")), "next-events-heading")
    assert panel.index("Conferința din Iași") < panel.index("Atelier public WG1") < panel.index(
        "Vizită de studiu la Viena")
    for hidden in ("Ședința internă", "Atelier anulat", "Conferința de anul trecut"):
        assert hidden not in panel


def test_home_shows_a_members_group_events(agenda, member, other_member):
    panel = section(client_for(member).get(reverse("core:home")), "next-events-heading")
    assert "Ședința internă WG1" in panel
    assert "WG1 only" in panel
    assert "Ședința internă WG2" not in panel
    panel = section(client_for(other_member).get(reverse("core:home")), "next-events-heading")
    assert "Ședința internă WG2" in panel
    assert "Ședința internă WG1" not in panel


def test_home_shows_at_most_five(client, db):
    for n in range(8):
        make_event(title=f"Eveniment {n}", start=soon(n + 1))
    panel = section(client.get(reverse("core:home")), "next-events-heading")
    assert [f"Eveniment {n}" in panel for n in range(8)] == [True] * 5 + [False] * 3


def test_home_without_events(client, db):
    panel = section(client.get(reverse("core:home")), "next-events-heading")
    assert "No upcoming events have been announced yet." in panel


def test_home_query_count_does_not_grow(member, wg1, django_assert_max_num_queries):
    client = client_for(member)
    for n in range(2):
        make_event(title=f"Eveniment {n}", start=soon(n + 1), working_group=wg1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    for n in range(2, 12):
        make_event(title=f"Eveniment {n}", start=soon(n + 1), working_group=wg1,
                   visibility=Event.Visibility.GROUP if n % 2 else Event.Visibility.PUBLIC)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("core:home"))


# --- a working group's space -------------------------------------------------------------------

def test_group_space_shows_the_groups_events(agenda, wg1, member):
    panel = section(client_for(member).get(wg1.get_absolute_url()), "events-heading")
    assert panel.index("Ședința internă WG1") < panel.index("Atelier public WG1")
    assert "WG1 only" in panel
    for hidden in ("Ședința internă WG2", "Conferința din Iași", "Atelier anulat",
                   "Conferința de anul trecut"):
        assert hidden not in panel
    page = client_for(member).get(wg1.get_absolute_url()).content.decode()
    assert f'href="{reverse("events:index")}?working_group=WG1"' in page


def test_group_space_for_outsiders_has_no_events_panel(agenda, wg1, other_member, client):
    for visitor in (client, client_for(other_member)):
        page = visitor.get(wg1.get_absolute_url()).content.decode()
        assert 'id="events-heading"' not in page
        assert "Ședința internă WG1" not in page


def test_staff_see_the_group_events_in_the_space(agenda, wg2, staff_user):
    panel = section(client_for(staff_user).get(wg2.get_absolute_url()), "events-heading")
    assert "Ședința internă WG2" in panel


def test_group_space_without_events(wg2, other_member):
    panel = section(client_for(other_member).get(wg2.get_absolute_url()), "events-heading")
    assert "No upcoming events for this group." in panel


# --- a cluster's profile -----------------------------------------------------------------------

def test_cluster_profile_shows_its_events(client, cluster, other_cluster, wg1):
    make_event(title="Green Energy Matchmaking", start=soon(5), clusters=[cluster],
               kind=Event.Kind.MATCHMAKING)
    make_event(title="Cluster-to-cluster Iași", start=soon(3), clusters=[cluster, other_cluster])
    make_event(title="Agro Food Day", start=soon(4), clusters=[other_cluster])
    make_event(title="Energy Days 2025", start=soon(-90), clusters=[cluster])
    make_event(title="Ședința WG1 cu clusterul", start=soon(6), clusters=[cluster],
               working_group=wg1, visibility=Event.Visibility.GROUP)
    panel = section(client.get(cluster.get_absolute_url()), "events-heading")
    assert panel.index("Coming up") < panel.index("Cluster-to-cluster Iași") < panel.index(
        "Green Energy Matchmaking") < panel.index("Recently") < panel.index("Energy Days 2025")
    assert "Agro Food Day" not in panel
    assert "Ședința WG1" not in panel
    other = section(client.get(other_cluster.get_absolute_url()), "events-heading")
    assert "Agro Food Day" in other
    assert "Green Energy Matchmaking" not in other
    assert "Recently" not in other


def test_cluster_profile_without_events(client, cluster):
    panel = section(client.get(cluster.get_absolute_url()), "events-heading")
    assert "No events with this cluster taking part yet." in panel


def test_cluster_profile_shows_a_members_group_events(cluster, wg1, member, other_member):
    make_event(title="Ședința WG1 cu clusterul", start=soon(6), clusters=[cluster],
               working_group=wg1, visibility=Event.Visibility.GROUP)
    assert "Ședința WG1 cu clusterul" in section(
        client_for(member).get(cluster.get_absolute_url()), "events-heading")
    assert "Ședința WG1 cu clusterul" not in section(
        client_for(other_member).get(cluster.get_absolute_url()), "events-heading")


def test_cluster_profile_query_count_does_not_grow(client, cluster,
                                                   django_assert_max_num_queries):
    make_event(title="Eveniment 0", start=soon(1), clusters=[cluster])
    make_event(title="Eveniment trecut 0", start=soon(-10), clusters=[cluster])
    with CaptureQueriesContext(connection) as few:
        client.get(cluster.get_absolute_url())
    for n in range(1, 10):
        make_event(title=f"Eveniment {n}", start=soon(n + 1), clusters=[cluster])
        make_event(title=f"Eveniment trecut {n}", start=soon(-10 - n), clusters=[cluster])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(cluster.get_absolute_url())
    assert "Eveniment 4" in response.content.decode()
