"""The home page: what the platform is, live figures counted over public objects only (and up
to date at once), the latest publications, the next events, the audiences' entry points, and
a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters import services as cluster_services
from clusters.models import Cluster, ClusterLabel, Country, Region
from events.models import Event
from tests.core.public_site import published_document, upcoming_public_event
from tests.documents.web_helpers import create_document, member_of
from tests.events.conftest import make_event
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


@pytest.fixture
def centru(db):
    romania = Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                                  "name_en": "Romania"})[0]
    return Region.objects.create(code="RO12", slug="centru", name_ro="Centru", name_en="Centre",
                                 country=romania)


def make_cluster(region, slug, *, published=True, label_valid_days=None):
    cluster = Cluster.objects.create(slug=slug, name=slug.replace("-", " ").title(),
                                     region=region, is_published=published)
    if label_valid_days is not None:
        today = timezone.localdate()
        ClusterLabel.objects.create(cluster=cluster, level="silver",
                                    awarded_on=today - timedelta(days=400),
                                    valid_until=today + timedelta(days=label_valid_days))
    return cluster


def figures(response) -> dict:
    return vars(response.context["figures"])


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


def test_figures_count_only_what_the_public_sees(client, centru, wg1):
    make_cluster(centru, "green-energy", label_valid_days=300)
    make_cluster(centru, "agro-transilvania", label_valid_days=300)
    make_cluster(centru, "trec", label_valid_days=-30)  # label expired: not labelled now
    make_cluster(centru, "cermand")
    make_cluster(centru, "draft-cluster", published=False, label_valid_days=300)
    coordinator = member_of(wg1, Membership.Role.COORDINATOR)
    published_document(wg1, "Analiză SWOT Brașov", coordinator)
    create_document(wg1, coordinator, title="Ciornă")
    upcoming_public_event()
    make_event(title="Întâlnirea grupului WG1", working_group=wg1,
               visibility=Event.Visibility.GROUP, by=coordinator)
    past = timezone.now() - timedelta(days=30)
    make_event(title="Conferința europeană a clusterelor", start=past)

    response = client.get(HOME)

    assert response.status_code == 200
    assert figures(response) == {"clusters": 4, "labelled_clusters": 2, "working_groups": 6,
                                 "documents": 1, "upcoming_events": 1, "projects": 0}


def test_a_change_shows_at_once(client, centru, staff_user):
    cluster = make_cluster(centru, "rosenc", published=False)
    assert figures(client.get(HOME))["clusters"] == 0
    cluster_services.cluster_set_published(cluster=cluster, user=staff_user, published=True)
    assert figures(client.get(HOME))["clusters"] == 1


def test_latest_publications_and_next_events(client, wg1):
    coordinator = member_of(wg1, Membership.Role.COORDINATOR)
    older = published_document(wg1, "Ghid de internaționalizare", coordinator)
    newer = published_document(wg1, "Analiză SWOT a regiunii Centru", coordinator)
    create_document(wg1, coordinator, title="Ciornă nepublicată")
    event = upcoming_public_event("Conferința Internațională a Clusterelor din Iași")
    make_event(title="Ședința internă WG1", working_group=wg1,
               visibility=Event.Visibility.GROUP, by=coordinator)

    body = client.get(HOME).content.decode()

    assert body.index(newer.title) < body.index(older.title)
    assert f'href="{newer.get_absolute_url()}"' in body
    assert "Ciornă nepublicată" not in body
    assert f'href="{event.get_absolute_url()}"' in body
    assert "Ședința internă WG1" not in body


def test_empty_site_has_clear_empty_states(client):
    body = client.get(HOME).content.decode()
    assert "No documents have been published yet." in body
    assert "No upcoming events have been announced yet." in body


def test_what_the_platform_is_and_entry_points_for_each_audience(client):
    body = client.get(HOME).content.decode()
    assert body.count("<h1") == 1
    assert "A collaboration, learning and information tool" in body
    for name in ("clusters:index", "projects:index", "documents:index",
                 "workinggroups:index", "account_signup"):
        assert f'href="{reverse(name)}"' in body
    for audience in ("Policymakers", "Cluster managers", "Working-group members"):
        assert audience in body


def test_a_cluster_manager_is_sent_to_their_cluster(centru):
    cluster = make_cluster(centru, "agro-transilvania")
    manager = UserFactory()
    cluster_services.cluster_manager_add(cluster=cluster, manager=manager, by=None)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    body = client.get(HOME).content.decode()
    assert f'href="{cluster.get_absolute_url()}"' in body
    assert "Your cluster's profile: Agro Transilvania" in body


def test_the_page_speaks_romanian():
    body = Client(HTTP_ACCEPT_LANGUAGE="ro").get(HOME).content.decode()
    assert '<html lang="ro">' in body


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


@pytest.mark.parametrize("logged_in", [False, True])
def test_fixed_number_of_queries(centru, wg1, logged_in):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if logged_in:
        client.force_login(UserFactory())
    coordinator = member_of(wg1, Membership.Role.COORDINATOR)
    make_cluster(centru, "c-0", label_valid_days=100)
    published_document(wg1, "Document 0", coordinator)
    upcoming_public_event("Eveniment 0")
    few = _queries(client)

    for n in range(1, 8):
        make_cluster(centru, f"c-{n}", label_valid_days=100)
        published_document(wg1, f"Document {n}", coordinator)
        upcoming_public_event(f"Eveniment {n}", days=12 + n)
    many = _queries(client)

    assert few == many
