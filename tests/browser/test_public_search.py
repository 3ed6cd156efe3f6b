"""A visitor searches from the home page's header search box and opens a cluster, a document
and an event from the results."""

import re

import pytest

from clusters.models import Cluster, Country, Region
from tests.core.public_site import ensure_six_groups, published_document, upcoming_public_event
from workinggroups.models import WorkingGroup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def findable():
    ensure_six_groups()
    romania = Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                                  "name_en": "Romania"})[0]
    region = Region.objects.get_or_create(
        slug="nord-est", defaults={"code": "RO21", "name_ro": "Nord-Est", "name_en": "North-East",
                                   "country": romania})[0]
    cluster = Cluster.objects.create(
        slug="moldova-agroalimentar", name="Clusterul Agroalimentar Moldova", region=region,
        city="Iași", description="Producători și procesatori din Moldova.", is_published=True)
    document = published_document(
        WorkingGroup.objects.get(code="WG5"), "Verigi lipsă în lanțul valoric din Moldova",
        description="Analiza ADR Nord-Est a clusterelor din Moldova.")
    event = upcoming_public_event("Forumul clusterelor din Moldova")
    # Drafts and private material stay out of a visitor's results.
    Cluster.objects.create(slug="moldova-ciorna", name="Ciornă Moldova", region=region,
                           is_published=False)
    return {"cluster": cluster, "document": document, "event": event}


def search_from_header(page, query: str) -> None:
    box = page.get_by_role("search").first.get_by_label("Search the portal")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))


def open_result(page, title: str, url: str) -> None:
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(f"**{url}")
    assert page.get_by_role("heading", level=1).inner_text().strip() == title


def test_search_from_home_and_open_a_cluster_a_document_and_an_event(live_server, page,
                                                                      findable):
    page.goto(live_server.url + "/")
    search_from_header(page, "moldova")
    results = page.locator(".search-results")
    text = results.inner_text()
    for title in (findable["cluster"].name, findable["document"].title,
                  findable["event"].title):
        assert title in text
    assert "Ciornă Moldova" not in text
    page.screenshot(path="test-artifacts/browser-public-search.png", full_page=True)

    open_result(page, findable["cluster"].name, findable["cluster"].get_absolute_url())
    page.go_back()
    open_result(page, findable["document"].title, findable["document"].get_absolute_url())
    # The search box in every page's header: search again from the document's page.
    search_from_header(page, "Forumul clusterelor")
    open_result(page, findable["event"].title, findable["event"].get_absolute_url())
