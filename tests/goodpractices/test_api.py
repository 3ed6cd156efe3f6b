"""GET /api/v1/good-practices/ and /<slug>/: published practices only (for everyone), the
filters working_group (code), country (ISO code), theme and q, the linked documents the caller
may see, and a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from workinggroups.models import Membership

from .conftest import add_member, client_for, make_document, make_practice

pytestmark = pytest.mark.django_db
URL = "/api/v1/good-practices/"


@pytest.fixture
def published(wg1, wg2, member, coordinator, other_member, romania, italy, nord_est):
    coordinator2 = add_member(wg2, UserFactory(), Membership.Role.COORDINATOR)
    public_doc = make_document(wg1, member, "Raport public", publish_by=coordinator)
    private_doc = make_document(wg1, member, "Ciornă internă")
    return {
        "ne": make_practice(wg1, member, title="Acțiunea pilot Nord-Est", region=nord_est,
                            documents=[public_doc, private_doc], publish_by=coordinator),
        "marche": make_practice(wg2, other_member, title="Regione Marche", country=italy,
                                theme="internationalisation", publish_by=coordinator2),
        "draft": make_practice(wg1, member, title="Ciornă"),
        "public_doc": public_doc,
    }


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_the_list_has_published_practices_only(client, published):
    assert sorted(slugs(client.get(URL))) == ["actiunea-pilot-nord-est", "regione-marche"]


def test_a_row(client, published):
    row = client.get(URL + "actiunea-pilot-nord-est/").json()
    assert row["title"] == "Acțiunea pilot Nord-Est"
    assert row["working_group"] == "WG1"
    assert row["country"] == "RO"
    assert row["region"] == "nord-est"
    assert row["theme"] == "specialisation"
    assert row["transferability"] == "medium"
    assert row["language"] == "ro"
    assert row["page_url"] == "http://testserver/good-practices/actiunea-pilot-nord-est/"
    assert row["url"] == "http://testserver/api/v1/good-practices/actiunea-pilot-nord-est/"
    for name in ("practice", "context", "benefits", "lessons_learned", "success_factors",
                 "risk_factors", "transferability_notes", "published_at"):
        assert name in row
    # A visitor sees only the published document behind it.
    assert [doc["title"] for doc in row["documents"]] == ["Raport public"]
    assert row["documents"][0]["url"].endswith(f"/api/v1/documents/{published['public_doc'].pk}/")


def test_a_member_sees_the_groups_documents_behind_it(published, member):
    row = client_for(member).get(URL + "actiunea-pilot-nord-est/").json()
    assert [doc["title"] for doc in row["documents"]] == ["Ciornă internă", "Raport public"]


@pytest.mark.parametrize(("query", "expected"), [
    ("?working_group=WG1", ["actiunea-pilot-nord-est"]),
    ("?working_group=WG2", ["regione-marche"]),
    ("?country=IT", ["regione-marche"]),
    ("?country=RO&theme=specialisation", ["actiunea-pilot-nord-est"]),
    ("?theme=skills", []),
    ("?q=actiunea", ["actiunea-pilot-nord-est"]),
])
def test_filters(client, published, query, expected):
    assert slugs(client.get(URL + query)) == expected


@pytest.mark.parametrize("query", ["?working_group=WG9", "?country=XX", "?theme=nonsense"])
def test_an_invalid_filter_is_a_400(client, published, query):
    response = client.get(URL + query)
    assert response.status_code == 400


def test_a_draft_is_404_even_for_its_group(published, member):
    assert client_for(member).get(URL + "ciorna/").status_code == 404
    assert client_for(None).get(URL + "nimic/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_list_takes_the_same_queries_for_few_and_many(wg1, member, coordinator, romania,
                                                          who, django_assert_num_queries):
    client = client_for(None if who == "anonymous" else member)

    def add(start, count):
        for n in range(start, start + count):
            document = make_document(wg1, member, f"Sursa {n}", publish_by=coordinator)
            make_practice(wg1, member, title=f"Practica {n}", documents=[document],
                          publish_by=coordinator)

    add(0, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL + "?country=RO").status_code == 200
    add(2, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL + "?country=RO")
    assert response.json()["count"] == 14
