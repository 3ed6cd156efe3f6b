"""The "Institutions" panel on a cluster's profile and on a project's page: the institutions
linked to it that the reader may see, in a number of queries that does not grow with them."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.models import Institution
from tests.factories import UserFactory

from .conftest import make_institution

pytestmark = pytest.mark.django_db


def panel(response) -> str:
    page = response.content.decode()
    match = re.search(r'<section[^>]*aria-labelledby="institutions-heading".*?</section>',
                      page, re.S)
    assert match is not None
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()))


def test_cluster_profile_shows_its_institutions(client, database, clusters):
    response = client.get("/clusters/astrico-ne/")
    text = panel(response)
    assert "ADR Nord-Est" in text
    assert "Regional authority or development agency" in text
    assert 'href="/institutions/adr-nord-est/"' in response.content.decode()
    assert "UEFISCDI" not in text
    trec = panel(client.get("/clusters/trec/"))
    assert "UEFISCDI" in trec
    assert "Instituția nepublicată" not in trec  # unpublished: staff only


def test_staff_see_unpublished_institutions_in_the_panel(client, database):
    client.force_login(UserFactory(staff=True))
    assert "Instituția nepublicată" in panel(client.get("/clusters/trec/"))


def test_no_panel_without_institutions(client, clusters):
    page = client.get("/clusters/trec/").content.decode()
    assert 'id="institutions-heading"' not in page


def test_project_page_shows_its_institutions(client, database):
    response = client.get("/projects/inov-trec/")
    text = panel(response)
    assert "UEFISCDI" in text
    assert "Funding agency" in text
    assert "Instituția nepublicată" not in text
    assert 'href="/institutions/uefiscdi/"' in response.content.decode()


def test_project_page_without_institutions(client, projects):
    page = client.get("/projects/inov-trec/").content.decode()
    assert 'id="institutions-heading"' not in page


def test_cluster_profile_query_count_does_not_grow(client, database, clusters, countries,
                                                   django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        client.get("/clusters/trec/")
    for i in range(10):
        make_institution(f"x-{i}", name=f"Instituția {i}", kind=Institution.Kind.UNIVERSITY,
                         country=countries["RO"], clusters=[clusters["trec"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/clusters/trec/")
    assert "Instituția 9" in panel(response)


def test_project_page_query_count_does_not_grow(client, database, projects, countries,
                                                django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        client.get("/projects/inov-trec/")
    for i in range(10):
        make_institution(f"x-{i}", name=f"Instituția {i}", kind=Institution.Kind.UNIVERSITY,
                         country=countries["RO"], projects=[projects["inov-trec"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/projects/inov-trec/")
    assert "Instituția 9" in panel(response)
