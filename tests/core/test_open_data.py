"""The open-data page lists every public export, feed and API endpoint, each of which works
for an anonymous visitor; the footer links to it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.public_site import build_public_site

pytestmark = pytest.mark.django_db

OPEN_DATA = reverse("core:open-data")


@pytest.fixture
def site():
    return build_public_site()


def test_lists_the_exports_feeds_and_api(client, site):
    competition = site["competition"]
    body = client.get(OPEN_DATA).content.decode()
    expected = [
        reverse("clusters:export", args=["csv"]), reverse("clusters:export", args=["json"]),
        reverse("projects:table_csv", args=[competition.slug]),
        reverse("projects:table_xlsx", args=[competition.slug]),
        reverse("projects:report", args=[competition.slug]),
        reverse("projects:report_pdf", args=[competition.slug]),
        reverse("events:feed_public"), reverse("events:feed_group", args=["WG1"]),
        reverse("core:feed_latest"), reverse("core:sitemap"),
        reverse("api-docs"), reverse("api-schema"),
        reverse("api:cluster-list"), reverse("api:document-list"), reverse("api:event-list"),
        reverse("api:project-list"), reverse("api:institution-list"),
        reverse("api:good-practice-list"), reverse("api:search") + "?q=cluster",
        reverse("institutions:export", args=["csv"]),
        reverse("institutions:export", args=["json"]),
    ]
    for url in expected:
        assert f'href="{url}"' in body, url
    assert body.count("<h1") == 1


def test_every_link_on_the_page_works_for_a_visitor(site):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    body = client.get(OPEN_DATA).content.decode()
    main = body[body.index('<main'):body.index('</main>')]
    links = set(re.findall(r'href="(/[^"]*)"', main))
    assert len(links) > 15
    for url in sorted(links):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url


def test_without_a_competition_the_page_still_works(client, db):
    response = client.get(OPEN_DATA)
    assert response.status_code == 200
    assert "projects.csv" not in response.content.decode()


def test_the_footer_links_to_it(client, db):
    body = client.get(reverse("core:home")).content.decode()
    footer = body[body.index("<footer"):]
    assert f'href="{OPEN_DATA}"' in footer
