"""GET /api/v1/institutions/ and /api/v1/institutions/<slug>/: public, read-only, the list
page's filters, 400 on unknown values, unpublished rows only for staff, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from institutions.models import Institution
from institutions.permissions import institutions_visible_to
from tests.factories import UserFactory

from .conftest import PUBLISHED, make_institution

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/institutions/"


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def authed(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def slugs(response):
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


def test_urls():
    assert reverse("api:institution-list") == LIST_URL
    assert reverse("api:institution-detail", args=["esca"]) == f"{LIST_URL}esca/"


def test_list_is_public(api, database):
    response = api.get(LIST_URL)
    assert slugs(response) == PUBLISHED
    adr = next(r for r in response.json()["results"] if r["slug"] == "adr-nord-est")
    assert adr == {
        "slug": "adr-nord-est", "name": "Agenția de Dezvoltare Regională Nord-Est",
        "acronym": "ADR Nord-Est", "kind": "regional_agency",
        "url": "http://testserver/institutions/adr-nord-est/",
        "country": {"code": "RO", "name_ro": "România", "name_en": "Romania"},
        "region": {"slug": "nord-est", "code": "RO21", "name_ro": "Nord-Est",
                   "name_en": "North-East"},
        "city": "Piatra Neamț", "website": "https://www.adrnordest.ro/", "is_published": True,
    }
    cor = next(r for r in response.json()["results"] if r["acronym"] == "CoR")
    assert cor["country"]["code"] == "EU"
    assert cor["region"] is None


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "funding_agency"}, {"uefiscdi"}),
    ({"country": "RO"}, {"adr-nord-est", "uefiscdi", "institutul-de-prognoza-economica"}),
    ({"region": "nord-est"}, {"adr-nord-est"}),
    ({"search": "prognoza"}, {"institutul-de-prognoza-economica"}),
    ({"search": "COMITETUL regiunilor"}, {"comitetul-european-al-regiunilor"}),
    ({"country": "GR", "kind": "cluster_association"}, {"corallia"}),
])
def test_list_filters(api, database, params, expected):
    assert slugs(api.get(LIST_URL, params)) == expected


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "bank"}, "kind"), ({"country": "XX"}, "country"),
    ({"region": "atlantida"}, "region"),
])
def test_unknown_filter_values_are_400(api, database, params, field):
    response = api.get(LIST_URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_detail_with_links(api, database, projects):
    response = api.get(f"{LIST_URL}uefiscdi/")
    assert response.status_code == 200
    data = response.json()
    assert data["description"] == "Competiția „Cluster Inovativ”: 12 proiecte finanțate."
    assert data["clusters"] == [{
        "slug": "trec", "name": "Transylvania Energy Cluster",
        "url": "http://testserver/clusters/trec/",
        "api_url": "http://testserver/api/v1/clusters/trec/",
    }]
    assert [p["slug"] for p in data["projects"]] == ["inov-trec", "astricone"]
    assert data["projects"][0] == {
        "slug": "inov-trec", "name": "1 CLS/INOV-TREC",
        "url": "http://testserver/projects/inov-trec/",
        "api_url": f"http://testserver/api/v1/projects/{projects['inov-trec'].pk}/",
    }


def test_detail_hides_unpublished_clusters_from_the_public(api, database):
    data = api.get(f"{LIST_URL}adr-nord-est/").json()
    assert [c["slug"] for c in data["clusters"]] == ["astrico-ne"]


def test_unpublished_only_for_staff(api, database):
    assert api.get(f"{LIST_URL}institutie-nepublicata/").status_code == 404
    member = authed(UserFactory())
    assert member.get(f"{LIST_URL}institutie-nepublicata/").status_code == 404
    assert slugs(member.get(LIST_URL)) == PUBLISHED
    staff = authed(UserFactory(staff=True))
    assert staff.get(f"{LIST_URL}institutie-nepublicata/").status_code == 200
    assert slugs(staff.get(LIST_URL)) == PUBLISHED | {"institutie-nepublicata"}


def test_pending_staff_see_only_published():
    assert not institutions_visible_to(UserFactory(staff=True, pending=True)).filter(
        is_published=False).exists()


def test_unknown_slug_is_404(api, database):
    assert api.get(f"{LIST_URL}nu-exista/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_even_for_staff(database, method):
    client = authed(UserFactory(staff=True, is_superuser=True))
    url = LIST_URL if method == "post" else f"{LIST_URL}uefiscdi/"
    response = getattr(client, method)(url, {"name": "Schimbat"}, format="json")
    assert response.status_code in (403, 405)
    assert Institution.objects.get(slug="uefiscdi").name.startswith("Unitatea")


def test_list_query_count_does_not_grow(api, database, countries, regions,
                                        django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        api.get(LIST_URL, {"country": "RO"})
    for i in range(20):
        make_institution(f"x-{i}", kind=Institution.Kind.UNIVERSITY, country=countries["RO"],
                         region=regions["nord-vest"])
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(slugs(api.get(LIST_URL, {"country": "RO"}))) == 23


def test_detail_query_count_does_not_grow(api, database, clusters, projects,
                                          django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        api.get(f"{LIST_URL}adr-nord-est/")
    adr = database["adr"]
    adr.clusters.add(clusters["trec"])
    adr.projects.add(*projects.values())
    with django_assert_num_queries(len(few.captured_queries)):
        data = api.get(f"{LIST_URL}adr-nord-est/").json()
    assert len(data["clusters"]) == 2
    assert len(data["projects"]) == 2


def test_schema_documents_the_endpoints(api, db):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert "/api/v1/institutions/" in response.content.decode()
