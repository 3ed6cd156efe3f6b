"""GET /api/v1/search/: the page's results and rules as JSON, for anonymous callers, token
holders and session users."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .conftest import make_document, make_event

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/"


@pytest.fixture
def data(wg1, wg2, member1, coordinator1, capture_commits):
    with capture_commits():
        make_document(wg1, member1, title="Ghid de finanțare europeană", publish_by=coordinator1,
                      description="Apeluri Interreg și Horizon.")
        make_document(wg1, member1, title="Ciornă de finanțare")
        make_event(title="Webinar despre finanțare", working_group=wg2)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def test_results_and_counts(data):
    body = APIClient().get(URL, {"q": "finantare"}).json()
    assert body["count"] == 2
    assert body["counts"] == {"documents": 1, "events": 1}
    first = body["results"][0]
    assert set(first) == {"kind", "title", "url", "snippet", "year", "language", "rank"}
    assert {r["title"] for r in body["results"]} == {"Ghid de finanțare europeană",
                                                     "Webinar despre finanțare"}


def test_a_token_holder_finds_the_drafts_of_their_group(data, member1, member2):
    assert token_client(member1).get(URL, {"q": "ciorna"}).json()["count"] == 1
    assert token_client(member2).get(URL, {"q": "ciorna"}).json()["count"] == 0
    assert APIClient().get(URL, {"q": "ciorna"}).json()["count"] == 0


def test_filters(data):
    client = APIClient()
    body = client.get(URL, {"q": "finantare", "kind": "events"}).json()
    assert [r["title"] for r in body["results"]] == ["Webinar despre finanțare"]
    assert body["counts"] == {"documents": 1, "events": 1}
    body = client.get(URL, {"q": "finantare", "working_group": "WG1"}).json()
    assert [r["title"] for r in body["results"]] == ["Ghid de finanțare europeană"]
    body = client.get(URL, {"q": "finantare", "language": "en"}).json()
    assert body["count"] == 0


@pytest.mark.parametrize("params", [{"kind": "nothing"}, {"working_group": "WG99"},
                                    {"year": "soon"}, {"language": "fr"}])
def test_bad_filters_are_reported(data, params):
    response = APIClient().get(URL, {"q": "finantare", **params})
    assert response.status_code == 400
    assert "errors" in response.json()


def test_pagination(wg1, member1, coordinator1, capture_commits):
    with capture_commits():
        for n in range(7):
            make_document(wg1, member1, title=f"Buletin {n}", publish_by=coordinator1)
    body = APIClient().get(URL, {"q": "buletin", "page_size": 5, "page": 2}).json()
    assert body["count"] == 7
    assert len(body["results"]) == 2
    assert body["next"] is None
    assert APIClient().get(URL, {"q": "buletin", "page": 9}).status_code == 404


def test_empty_query(data):
    body = APIClient().get(URL).json()
    assert body == {"count": 0, "next": None, "previous": None, "counts": {}, "results": []}


def test_the_schema_documents_the_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/search/" in response.content
    assert b"SearchResults" in response.content
