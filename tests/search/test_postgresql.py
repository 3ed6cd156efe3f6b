"""What only PostgreSQL's full-text search does: Romanian inflection (stemming, both ways),
English stemming, unaccent in the text-search configurations, ts_headline snippets."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from search.selectors import search_for

from .conftest import client_for, make_cluster, make_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_postgresql")]


def titles(q, **filters) -> list[str]:
    return [hit.title for hit in search_for(AnonymousUser(), q=q, **filters).hits(0, 50)]


@pytest.fixture
def clusters(capture_commits):
    with capture_commits():
        make_cluster(name="Cluster de energie regenerabilă",
                     description="Asociație pentru tranziția energetică.")
        make_cluster(name="Asociația producătorilor de mobilă",
                     description="Cooperare între clusterele din industria lemnului.")


def test_the_configurations_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('ro_unaccent', 'Ședințele'), "
                       "to_tsvector('ro_unaccent', 'sedintele'), "
                       "to_tsvector('ro_unaccent', 'Şedinţele'), "
                       "to_tsquery('romanian', 'clusterelor:*')::text")
        comma, plain, cedilla, query = cursor.fetchone()
    assert comma == plain == cedilla
    assert query == "'clust':*"


def test_inflected_forms_find_each_other(clusters):
    # "clusterelor" (genitive plural) finds "cluster" and "clusterele".
    assert sorted(titles("clusterelor")) == ["Asociația producătorilor de mobilă",
                                             "Cluster de energie regenerabilă"]
    assert titles("energetica") == ["Cluster de energie regenerabilă"]  # energetică
    assert titles("tranzitiei energetice") == ["Cluster de energie regenerabilă"]
    assert titles("industriei lemnului") == ["Asociația producătorilor de mobilă"]
    assert titles("mobila") == ["Asociația producătorilor de mobilă"]


def test_english_stemming(wg1, member1, coordinator1, capture_commits):
    with capture_commits():
        make_document(wg1, member1, title="Regional innovation strategies", language="en",
                      description="How clusters internationalise.", publish_by=coordinator1)
    assert titles("strategy") == ["Regional innovation strategies"]
    assert titles("internationalising") == ["Regional innovation strategies"]


def test_a_headline_marks_the_matches(wg1, member1, coordinator1, capture_commits):
    with capture_commits():
        make_document(wg1, member1, title="Raport", publish_by=coordinator1,
                      description="Primul capitol. " * 40 + "Despre ședințele comitetului "
                                  "<b>regional</b> & alte lucruri." + " Final." * 40)
    hit = search_for(AnonymousUser(), q="sedinta comitet").hits(0, 1)[0]
    assert "<mark>ședințele</mark> <mark>comitetului</mark>" in hit.snippet
    assert "<b>" not in hit.snippet
    assert len(hit.snippet.split()) < 50  # an excerpt (at most 35 words), not the whole text
    assert "&amp;" in hit.snippet  # the text is escaped; only our <mark> tags are HTML


def test_ranking_prefers_more_matches_in_the_same_field(wg1, member1, coordinator1,
                                                         capture_commits):
    with capture_commits():
        make_document(wg1, member1, title="Nota 1", publish_by=coordinator1,
                      description="Turism.")
        make_document(wg1, member1, title="Nota 2", publish_by=coordinator1,
                      description="Turism, turism rural și turism balnear.")
    hits = search_for(AnonymousUser(), q="turism").hits(0, 5)
    assert [h.title for h in hits] == ["Nota 2", "Nota 1"]
    assert 0 < hits[1].rank < hits[0].rank < 1  # no title bonus: both below 1


def test_the_page_and_the_api_agree(clusters):
    page = client_for(None).get(reverse("search:index"), {"q": "clusterelor"})
    api = client_for(None).get("/api/v1/search/", {"q": "clusterelor"}).json()
    assert [h.title for h in page.context["page_obj"]] == [r["title"] for r in api["results"]]
    assert api["counts"] == {"clusters": 2}
