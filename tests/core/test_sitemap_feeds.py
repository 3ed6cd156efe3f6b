"""sitemap.xml lists the public pages and every public object (nothing private), with lastmod,
in a fixed number of queries; the Atom feed carries the 30 newest public publications."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from documents.models import Document
from events.models import Event
from tests.core.public_site import build_public_site, model_or_none, published_document
from tests.events.conftest import make_event
from workinggroups.models import Membership, WorkingGroup

pytestmark = pytest.mark.django_db

SITEMAP = reverse("core:sitemap")
FEED = reverse("core:feed_latest")
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "atom": "http://www.w3.org/2005/Atom"}
BASE = "http://testserver"


@pytest.fixture
def site():
    return build_public_site()


def sitemap_entries(client) -> dict[str, str | None]:
    response = client.get(SITEMAP)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return {url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
            for url in root.findall("sm:url", NS)}


def test_sitemap_lists_public_pages_and_objects(client, site):
    entries = sitemap_entries(client)
    for name in ("core:home", "core:open-data", "clusters:index", "documents:index",
                 "events:index", "events:past", "projects:index", "institutions:index",
                 "goodpractices:index"):
        assert BASE + reverse(name) in entries, name
    objects = [site["cluster"], site["document"], site["event"], site["past_event"],
               site["competition"], site["project"]]
    objects += [site[key] for key in ("institution", "good_practice") if key in site]
    for obj in objects:
        assert BASE + obj.get_absolute_url() in entries, obj
    assert entries[BASE + site["document"].get_absolute_url()].startswith(
        str(site["document"].published_at.date()))
    assert entries[BASE + site["cluster"].get_absolute_url()]
    published = Cluster.objects.filter(is_published=True)
    assert all(BASE + c.get_absolute_url() in entries for c in published)


def test_sitemap_leaves_out_everything_private(client, site):
    hidden_cluster = Cluster.objects.create(slug="draft-cluster", name="Draft Cluster",
                                            region=site["cluster"].region, is_published=False)
    group_event = make_event(title="Ședința internă WG5", working_group=site["group"],
                             visibility=Event.Visibility.GROUP, by=site["coordinator"])
    private = [hidden_cluster, site["draft"], group_event]
    GoodPractice = model_or_none("goodpractices.models", "GoodPractice")
    if GoodPractice is not None:
        draft = site["good_practice"]
        draft.pk = None
        draft.slug, draft.state, draft.published_at = "ciorna", "draft", None
        draft.save()
        private.append(draft)
    Institution = model_or_none("institutions.models", "Institution")
    if Institution is not None:
        private.append(Institution.objects.create(
            name="Instituție nepublicată", slug="nepublicata", kind="other",
            country=site["cluster"].region.country, is_published=False))
    entries = sitemap_entries(client)
    for obj in private:
        assert BASE + obj.get_absolute_url() not in entries, obj


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SITEMAP).status_code == 200
    return len(queries)


def test_sitemap_queries_do_not_grow_with_rows(client, site):
    from django.core.cache import cache

    few = _queries(client)
    for n in range(5):
        published_document(site["group"], f"Raport {n}", site["coordinator"])
        make_event(title=f"Atelier {n}")
    cache.clear()  # the sitemap is cached for a while
    assert _queries(client) == few


def feed_entries(client) -> list[dict]:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return [{"title": entry.findtext("atom:title", namespaces=NS),
             "link": entry.find("atom:link", NS).get("href"),
             "published": entry.findtext("atom:published", namespaces=NS)}
            for entry in root.findall("atom:entry", NS)]


def test_feed_has_published_documents_and_good_practices_newest_first(client, site):
    entries = feed_entries(client)
    links = [entry["link"] for entry in entries]
    assert BASE + site["document"].get_absolute_url() in links
    assert BASE + site["draft"].get_absolute_url() not in links
    if "good_practice" in site:
        assert BASE + site["good_practice"].get_absolute_url() in links
    published = [entry["published"] for entry in entries]
    assert published == sorted(published, reverse=True)


def test_feed_keeps_the_30_newest(client, db):
    group = WorkingGroup.objects.get(code="WG1")
    from tests.documents.web_helpers import member_of

    coordinator = member_of(group, Membership.Role.COORDINATOR)
    documents = [published_document(group, f"Document {n:02d}", coordinator) for n in range(32)]
    for n, document in enumerate(documents):
        Document.objects.filter(pk=document.pk).update(
            published_at=timezone.now() - timedelta(days=40 - n))
    with CaptureQueriesContext(connection) as queries:
        entries = feed_entries(client)
    assert len(entries) == 30
    assert entries[0]["title"] == "Document 31"
    assert "Document 00" not in {e["title"] for e in entries}
    assert len(queries) <= 2


def test_every_page_links_to_the_feed(client, db):
    body = client.get(reverse("documents:index")).content.decode()
    assert (f'<link rel="alternate" type="application/atom+xml" title="Latest publications" '
            f'href="{FEED}">') in body
