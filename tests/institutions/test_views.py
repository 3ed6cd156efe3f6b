"""The institutions list and an institution's page: filters, accent-insensitive text, the
empty state, pagination, who sees what, and query counts that do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions.models import Institution
from tests.factories import UserFactory

from .conftest import PUBLISHED, make_institution

pytestmark = pytest.mark.django_db

LIST = "/institutions/"


def listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {institution.slug for institution in response.context["page_obj"]}


def test_urls():
    assert reverse("institutions:index") == LIST
    assert reverse("institutions:detail", args=["uefiscdi"]) == "/institutions/uefiscdi/"
    assert Institution(slug="esca").get_absolute_url() == "/institutions/esca/"


def test_list_shows_the_published_institutions_by_name(client, database):
    response = client.get(LIST)
    page = response.content.decode()
    assert {i.slug for i in response.context["page_obj"]} == PUBLISHED
    assert next(i.slug for i in response.context["page_obj"]) == "adr-nord-est"
    assert "Instituția nepublicată" not in page
    assert "5 institutions" in page
    assert page.count("<h1") == 1
    assert "<title>Institutions database" in page
    assert "European Union" in page  # the Committee of the Regions


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "funding_agency"}, {"uefiscdi"}),
    ({"kind": "eu_body"}, {"comitetul-european-al-regiunilor"}),
    ({"country": "RO"}, {"adr-nord-est", "uefiscdi", "institutul-de-prognoza-economica"}),
    ({"country": "GR"}, {"corallia"}),
    ({"region": "nord-est"}, {"adr-nord-est"}),
    ({"region": "nord-vest"}, set()),
    ({"country": "RO", "kind": "research_institute"}, {"institutul-de-prognoza-economica"}),
])
def test_list_filters(client, database, params, expected):
    assert listed(client, **params) == expected


@pytest.mark.parametrize("text", [
    "prognoza economica", "Prognoză Economică", "PROGNOZĂ", "institutul prognoza",
])
def test_text_search_ignores_accents_and_case(client, database, text):
    assert listed(client, search=text) == {"institutul-de-prognoza-economica"}


@pytest.mark.parametrize(("text", "expected"), [
    ("verigile lipsa", {"adr-nord-est"}),  # description, without diacritics
    ("Piatra Neamț", {"adr-nord-est"}),  # city
    ("uefiscdi", {"uefiscdi"}),  # acronym
    ("invatamantului superior", {"uefiscdi"}),  # name, without diacritics
    ("nepublicată", set()),  # an unpublished one is never found by the public
])
def test_text_search_fields(client, database, text, expected):
    assert listed(client, search=text) == expected


def test_cedilla_spelling_finds_comma_below(client, countries):
    make_institution("ministerul-educatiei", name="Ministerul Educației și Cercetării",
                     kind=Institution.Kind.MINISTRY, country=countries["RO"])
    assert listed(client, search="educaţiei şi") == {"ministerul-educatiei"}  # ş ţ cedilla


def test_unknown_filter_values_show_an_error_and_no_rows(client, database):
    response = client.get(LIST, {"kind": "bank"})
    assert list(response.context["page_obj"]) == []
    assert "Some filters are not valid" in response.content.decode()
    assert listed(client, country="XX") == set()


def test_empty_states(client, database):
    page = client.get(LIST, {"search": "nimic de acest fel"}).content.decode()
    assert "No institution matches these filters." in page
    Institution.objects.all().delete()
    page = client.get(LIST).content.decode()
    assert "No institutions have been published yet." in page


def test_pagination_keeps_the_filters(client, countries):
    for n in range(30):
        make_institution(f"agentia-{n:02}", name=f"Agenția {n:02}", country=countries["RO"],
                         kind=Institution.Kind.FUNDING_AGENCY)
    make_institution("alta", name="Alta", kind=Institution.Kind.MINISTRY)
    first = client.get(LIST, {"kind": "funding_agency"})
    assert len(first.context["page_obj"]) == 25
    assert "kind=funding_agency&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"kind": "funding_agency", "page": 2})
    assert [i.name for i in second.context["page_obj"]] == [f"Agenția {n}" for n in range(25, 30)]


def test_export_links_keep_the_filters(client, database):
    page = client.get(LIST, {"country": "RO"}).content.decode()
    assert 'href="/institutions/export.csv?country=RO"' in page
    assert 'href="/institutions/export.json?country=RO"' in page


def test_staff_see_unpublished_institutions_marked(client, database, staff_user):
    client.force_login(staff_user)
    response = client.get(LIST)
    assert {i.slug for i in response.context["page_obj"]} == PUBLISHED | {
        "institutie-nepublicata"}
    assert "unpublished" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_others_never_see_unpublished(client, database, who):
    if who == "member":
        client.force_login(UserFactory())
    assert listed(client) == PUBLISHED
    assert client.get("/institutions/institutie-nepublicata/").status_code == 404


def test_detail_page(client, database):
    response = client.get("/institutions/adr-nord-est/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Agenția de Dezvoltare Regională Nord-Est" in page
    assert page.count("<h1") == 1
    assert "Regional authority or development agency" in page
    assert "Romania" in page
    assert "North-East" in page
    assert "Piatra Neamț" in page
    assert ('<a href="https://www.adrnordest.ro/" rel="noopener" target="_blank">'
            in page)
    assert "Acțiune pilot privind verigile lipsă" in page
    # Its published cluster, linked; never the unpublished one.
    assert 'href="/clusters/astrico-ne/"' in page
    assert "Clusterul ascuns" not in page
    assert "No project is linked to this institution." in page
    assert "Edit in the administration" not in page


def test_detail_links_projects(client, database):
    page = client.get("/institutions/uefiscdi/").content.decode()
    assert 'href="/projects/inov-trec/">1 CLS/INOV-TREC</a>' in page
    assert 'href="/projects/astricone/">8 CLS/ASTRICONE</a>' in page
    assert 'href="/clusters/trec/"' in page


def test_detail_of_a_european_body(client, database):
    page = client.get("/institutions/comitetul-european-al-regiunilor/").content.decode()
    assert "European Union" in page
    assert "Bruxelles" in page
    assert "No cluster is linked to this institution." in page


def test_detail_unknown_slug_is_404(client, database):
    assert client.get("/institutions/nu-exista/").status_code == 404


def test_staff_see_unpublished_detail_and_the_admin_link(client, database):
    admin = UserFactory(staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/institutions/institutie-nepublicata/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Edit in the administration" in page
    assert "Clusterul ascuns" not in page  # not linked to this one
    assert client.get("/institutions/adr-nord-est/").content.decode().count(
        "Clusterul ascuns") == 1  # staff see the unpublished cluster linked to ADR


def _grow(countries, regions, clusters, projects, n):
    for i in range(n):
        make_institution(f"extra-{i}", name=f"Instituție {i}", country=countries["RO"],
                         region=regions["nord-est"], kind=Institution.Kind.UNIVERSITY,
                         clusters=list(clusters.values()), projects=list(projects.values()))


@pytest.mark.parametrize("as_staff", [False, True])
def test_list_query_count_does_not_grow(client, database, countries, regions, clusters,
                                        projects, django_assert_num_queries, as_staff):
    if as_staff:
        client.force_login(UserFactory(staff=True))
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"country": "RO", "search": "i"})
    _grow(countries, regions, clusters, projects, 20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"country": "RO", "search": "i"})
    assert len(response.context["page_obj"]) > 10


def test_detail_query_count_does_not_grow(client, database, regions, clusters, projects,
                                          django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        client.get("/institutions/adr-nord-est/")
    adr = database["adr"]
    sector = clusters["trec"].sectors.first()
    for i in range(10):
        cluster = clusters["trec"].__class__.objects.create(
            slug=f"c-{i}", name=f"Cluster {i}", region=regions["nord-est"], is_published=True)
        adr.clusters.add(cluster)
        project = projects["inov-trec"].__class__.objects.create(
            competition=projects["inov-trec"].competition, cluster=cluster,
            number=f"{20 + i} CLS", acronym=f"P{i}", slug=f"p-{i}", title=f"Proiect {i}",
            start_date=projects["inov-trec"].start_date, end_date=projects["inov-trec"].end_date,
            coordinator="A", director="D", region=cluster.region, domain=sector)
        adr.projects.add(project)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/institutions/adr-nord-est/").content.decode()
    assert "Cluster 9" in page
    assert "P9" in page
