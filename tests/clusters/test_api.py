"""The clusters' REST API: the public directory and profiles, profile edits by managers and
staff, and the regions and sectors the filters use."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters import services
from clusters.models import (
    Cluster,
    ClusterChange,
    ClusterLabel,
    ClusterMember,
    ValueChainEntry,
)
from tests.factories import UserFactory

from .conftest import make_cluster

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/clusters/"
REGIONS_URL = "/api/v1/regions/"
SECTORS_URL = "/api/v1/sectors/"
LIST_FIELDS = {"slug", "name", "acronym", "url", "region", "country", "sectors",
               "current_label", "member_count", "management_entity", "website",
               "is_published"}


def detail_url(slug):
    return f"{LIST_URL}{slug}/"


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def authed(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def slugs(response):
    assert response.status_code == 200, response.content
    return [c["slug"] for c in response.json()["results"]]


def test_urls_are_where_the_docs_say():
    assert reverse("api:cluster-list") == LIST_URL
    assert reverse("api:cluster-detail", args=["green-energy"]) == detail_url("green-energy")
    assert reverse("api:region-list") == REGIONS_URL
    assert reverse("api:sector-list") == SECTORS_URL


# --- The list -------------------------------------------------------------------------------

def test_anonymous_list_shows_published_clusters_only(api, directory):
    response = api.get(LIST_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 4
    assert slugs(response) == ["agro-transilvania", "astrico-ne", "green-energy", "rosenc"]
    assert all(c["is_published"] for c in data["results"])


def test_list_representation_keeps_the_diacritics(api, directory):
    response = api.get(LIST_URL, {"search": "green"})
    [green] = response.json()["results"]
    assert set(green) == LIST_FIELDS
    assert green == {
        "slug": "green-energy",
        "name": "Green Energy",
        "acronym": "GE",
        "url": "http://testserver/clusters/green-energy/",
        "region": {"slug": "centru", "code": "RO12", "name_ro": "Centru", "name_en": "Centre"},
        "country": {"code": "RO", "name_ro": "România", "name_en": "Romania"},
        "sectors": [{"slug": "energie", "name_ro": "Energie, mediu și schimbări climatice",
                     "name_en": "Energy and environment"}],
        "current_label": "silver",
        "member_count": 60,
        "management_entity": "Asociația Green Energy",
        "website": "",
        "is_published": True,
    }
    # UTF-8 as it is, not \u escapes.
    assert "Asociația Green Energy".encode() in response.content
    assert "România".encode() in response.content


def test_member_count_falls_back_to_the_members_on_record(api, directory):
    astrico = directory["astrico"]
    Cluster.objects.filter(pk=astrico.pk).update(members_total=None)
    ClusterMember.objects.bulk_create([
        ClusterMember(cluster=astrico, organisation=f"Firma {n}", helix="industry")
        for n in range(3)
    ])
    counts = {c["slug"]: c["member_count"] for c in api.get(LIST_URL).json()["results"]}
    assert counts == {"agro-transilvania": 90, "astrico-ne": 3, "green-energy": 60,
                      "rosenc": None}


def test_managers_and_staff_also_list_the_unpublished_clusters_they_may_see(directory,
                                                                            staff_user):
    hidden = directory["hidden"]
    manager = UserFactory()
    services.cluster_manager_add(cluster=hidden, manager=manager, by=None)
    assert "draft-cluster" in slugs(authed(manager).get(LIST_URL))
    assert "draft-cluster" in slugs(authed(staff_user).get(LIST_URL))
    assert "draft-cluster" not in slugs(authed(UserFactory()).get(LIST_URL))


@pytest.mark.parametrize(("params", "expected"), [
    ({"region": "centru"}, ["agro-transilvania", "green-energy"]),
    ({"sector": "energie"}, ["astrico-ne", "green-energy", "rosenc"]),
    ({"country": "RO"}, ["agro-transilvania", "astrico-ne", "green-energy", "rosenc"]),
    ({"country": "RO", "sector": "tic"}, ["astrico-ne"]),
    ({"label": "gold"}, ["agro-transilvania"]),
    ({"label": "any"}, ["agro-transilvania", "green-energy", "rosenc"]),
    ({"label": "any", "region": "centru", "sector": "energie"}, ["green-energy"]),
    ({"ordering": "-label"}, ["agro-transilvania", "green-energy", "rosenc", "astrico-ne"]),
])
def test_filters(api, directory, params, expected):
    assert slugs(api.get(LIST_URL, params)) == expected


def test_most_members_first_and_unknown_counts_last(api, directory):
    # Unknown counts sort last in both directions, on PostgreSQL (NULLs first by default
    # there) as on SQLite.
    result = slugs(api.get(LIST_URL, {"ordering": "-members"}))
    assert slugs(api.get(LIST_URL, {"ordering": "members"}))[-1] == "rosenc"
    assert result == ["agro-transilvania", "green-energy", "astrico-ne", "rosenc"]


def test_an_expired_label_is_not_current(api, directory):
    today = timezone.localdate()
    ClusterLabel.objects.filter(cluster=directory["agro"]).update(
        awarded_on=today - timedelta(days=900), valid_until=today - timedelta(days=10))
    assert slugs(api.get(LIST_URL, {"label": "gold"})) == []
    agro = api.get(LIST_URL, {"search": "agro"}).json()["results"][0]
    assert agro["current_label"] is None


@pytest.mark.parametrize("text", ["brasov", "BRAȘOV", "Brașov", "braşov", "BRASOV"])
def test_search_ignores_accents_and_case(api, directory, regions, text):
    make_cluster("carpati", regions["centru"], name="Clusterul Carpați", city="Brașov")
    assert slugs(api.get(LIST_URL, {"search": text})) == ["carpati", "green-energy"]


def test_search_with_several_words_needs_all_of_them(api, directory):
    assert slugs(api.get(LIST_URL, {"search": "energie brasov"})) == ["green-energy"]
    assert slugs(api.get(LIST_URL, {"search": "energie iasi"})) == []


@pytest.mark.parametrize(("params", "field"), [
    ({"region": "atlantida"}, "region"),
    ({"sector": "nu-exista"}, "sector"),
    ({"country": "XX"}, "country"),
    ({"label": "platinum"}, "label"),
    ({"ordering": "pret"}, "ordering"),
])
def test_invalid_filter_values_are_400_not_everything(api, directory, params, field):
    response = api.get(LIST_URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_pages(api, regions):
    for n in range(30):
        make_cluster(f"cluster-{n:02d}", regions["vest"])
    first = api.get(LIST_URL).json()
    assert first["count"] == 30
    assert len(first["results"]) == 25
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/clusters/?page=2"
    second = api.get(first["next"]).json()
    assert [c["slug"] for c in second["results"]] == [f"cluster-{n:02d}" for n in range(25, 30)]
    assert second["next"] is None
    assert api.get(LIST_URL, {"page": 3}).status_code == 404


def test_page_links_keep_the_filters(api, regions):
    for n in range(30):
        make_cluster(f"cluster-{n:02d}", regions["vest"])
    first = api.get(LIST_URL, {"region": "vest"}).json()
    assert first["next"] == "http://testserver/api/v1/clusters/?page=2&region=vest"


def _populate(regions, sectors, prefix, count):
    today = timezone.localdate()
    for n in range(count):
        cluster = make_cluster(f"{prefix}-{n}", regions["vest" if n % 2 else "centru"],
                               sectors=list(sectors.values())[: 1 + n % 3],
                               label=("gold", "silver", None)[n % 3])
        ClusterLabel.objects.create(cluster=cluster, level="bronze",
                                    awarded_on=today - timedelta(days=2000),
                                    valid_until=today - timedelta(days=1000))
        ClusterMember.objects.create(cluster=cluster, organisation=f"Firma {n}",
                                     helix="industry")


@pytest.mark.parametrize("who", ["anonymous", "manager", "staff"])
def test_list_query_count_does_not_grow_with_rows(regions, sectors, staff_user, who,
                                                  django_assert_max_num_queries):
    _populate(regions, sectors, "few", 5)
    if who == "anonymous":
        client = APIClient()
    else:
        user = staff_user if who == "staff" else UserFactory()
        if who == "manager":
            assign_perm("clusters.manage_cluster", user, Cluster.objects.get(slug="few-0"))
        client = authed(user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST_URL).status_code == 200
    _populate(regions, sectors, "many", 45)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST_URL)
    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 25


# --- The profile ------------------------------------------------------------------------------

@pytest.fixture
def profile(directory, sectors):
    """Green Energy with a label history, members, an offer and a gap."""
    green = directory["green"]
    today = timezone.localdate()
    ClusterLabel.objects.create(cluster=green, level="bronze", issuer="eucles",
                                awarded_on=today - timedelta(days=1500),
                                valid_until=today - timedelta(days=700), score="71.50")
    ClusterMember.objects.create(cluster=green, organisation="Universitatea Transilvania",
                                 helix="research", city="Brașov")
    ClusterMember.objects.create(cluster=green, organisation="Solar Țara Bârsei SRL",
                                 helix="industry", is_sme=True, city="Codlea",
                                 website="https://solar.example.ro")
    offer = ValueChainEntry.objects.create(cluster=green, kind="offer",
                                           title="Audit energetic", keywords="audit, biomasă")
    offer.sectors.set([sectors["energie"], sectors["tic"]])
    ValueChainEntry.objects.create(cluster=green, kind="gap", title="Stocare în baterii")
    return green


def test_profile_of_a_published_cluster(api, profile):
    response = api.get(detail_url("green-energy"))
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= LIST_FIELDS
    assert set(data) - LIST_FIELDS == {
        "date_established", "management_team_size", "city", "address", "s3_priority_areas",
        "industrial_ecosystem", "technology_fields", "email", "phone", "contact_person",
        "description", "other_networks", "members_total", "members_smes", "members_large",
        "members_research", "members_public", "members_other", "logo", "labels", "members",
        "offers_and_gaps",
    }
    assert data["current_label"] == "silver"
    assert data["member_count"] == 60
    assert data["city"] == "Sfântu Gheorghe"
    assert data["description"] == "Biomasă și energie regenerabilă în județul Brașov."
    assert data["logo"] is None
    assert data["url"] == "http://testserver/clusters/green-energy/"
    assert [(label["level"], label["issuer"], label["state"], label["score"])
            for label in data["labels"]] == [("silver", "esca", "valid", None),
                                             ("bronze", "eucles", "lapsed", "71.50")]
    assert data["labels"][0]["evidence_url"] == "https://example.org/label"
    assert data["members"] == [
        {"organisation": "Solar Țara Bârsei SRL", "helix": "industry", "is_sme": True,
         "country": "RO", "city": "Codlea", "website": "https://solar.example.ro"},
        {"organisation": "Universitatea Transilvania", "helix": "research", "is_sme": None,
         "country": "RO", "city": "Brașov", "website": ""},
    ]
    assert data["offers_and_gaps"] == [
        {"kind": "gap", "title": "Stocare în baterii", "description": "", "sectors": [],
         "keywords": ""},
        {"kind": "offer", "title": "Audit energetic", "description": "",
         "sectors": ["energie", "tic"], "keywords": "audit, biomasă"},
    ]
    assert "Țara Bârsei".encode() in response.content


def test_list_and_profile_agree_on_the_current_label(api, directory):
    today = timezone.localdate()
    agro = directory["agro"]  # gold, awarded 100 days ago, valid for 600 more days
    ClusterLabel.objects.create(cluster=agro, level="silver",
                                awarded_on=today - timedelta(days=10),
                                valid_until=today + timedelta(days=300))
    listed = api.get(LIST_URL, {"search": "agro"}).json()["results"][0]["current_label"]
    shown = api.get(detail_url("agro-transilvania")).json()["current_label"]
    assert listed == shown == "silver"  # the most recently awarded of the valid labels


def test_profile_logo_is_an_absolute_url(api, directory):
    Cluster.objects.filter(pk=directory["green"].pk).update(logo="clusters/logos/green.png")
    assert api.get(detail_url("green-energy")).json()["logo"] == (
        "http://testserver/clusters/green-energy/logo/")


def test_profile_query_count_is_fixed(api, profile, django_assert_max_num_queries):
    # The cluster, then its sectors, labels, members, offers and gaps and their sectors.
    with django_assert_max_num_queries(6):
        assert api.get(detail_url("green-energy")).status_code == 200


def test_unknown_cluster_is_404(api, directory):
    assert api.get(detail_url("nu-exista")).status_code == 404


def test_unpublished_profile_is_for_its_managers_and_staff_only(api, directory, manager,
                                                                 staff_user):
    url = detail_url("draft-cluster")
    assert api.get(url).status_code == 404
    assert authed(UserFactory()).get(url).status_code == 404
    assert authed(manager).get(url).status_code == 404  # manages another cluster
    hidden_manager = UserFactory()
    assign_perm("clusters.manage_cluster", hidden_manager, directory["hidden"])
    response = authed(hidden_manager).get(url)
    assert response.status_code == 200
    assert response.json()["is_published"] is False
    assert authed(staff_user).get(url).status_code == 200


# --- Editing ----------------------------------------------------------------------------------

def test_patch_needs_an_approved_user(api, directory, pending_user, rejected_user):
    url = detail_url("green-energy")
    assert api.patch(url, {"city": "Brașov"}, format="json").status_code == 401
    for user in (pending_user, rejected_user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        assert client.patch(url, {"city": "Brașov"}, format="json").status_code == 401
    assert authed(UserFactory()).patch(url, {"city": "Brașov"}, format="json").status_code \
        == 403
    directory["green"].refresh_from_db()
    assert directory["green"].city == "Sfântu Gheorghe"
    assert not ClusterChange.objects.filter(action=ClusterChange.Action.PROFILE).exists()


def test_a_manager_cannot_edit_another_cluster(directory, manager):
    client = authed(manager)
    assert client.patch(detail_url("rosenc"), {"city": "Arad"},
                        format="json").status_code == 403
    assert client.patch(detail_url("draft-cluster"), {"city": "Arad"},
                        format="json").status_code == 404  # not even visible to them
    assert client.patch(detail_url("nu-exista"), {"city": "Arad"},
                        format="json").status_code == 404
    assert set(Cluster.objects.values_list("city", flat=True)) == {"", "Sfântu Gheorghe"}


def test_manager_edits_the_profile_and_the_change_is_kept(directory, manager, sectors):
    response = authed(manager).patch(detail_url("green-energy"), {
        "website": "https://green-energy.ro",
        "members_total": 65,
        "sectors": ["energie", "bioeconomie"],
        "region": "vest",
        "city": "Brașov",
    }, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["website"] == "https://green-energy.ro"
    assert data["member_count"] == 65
    assert [s["slug"] for s in data["sectors"]] == ["bioeconomie", "energie"]
    assert data["region"]["slug"] == "vest"
    green = Cluster.objects.get(slug="green-energy")
    assert (green.website, green.members_total, green.region.slug, green.city) == (
        "https://green-energy.ro", 65, "vest", "Brașov")
    assert "brasov" in green.search_text
    assert set(green.sectors.values_list("slug", flat=True)) == {"energie", "bioeconomie"}
    change = ClusterChange.objects.get(cluster=green, action=ClusterChange.Action.PROFILE)
    assert change.user == manager
    assert change.changes["website"] == ["", "https://green-energy.ro"]
    assert change.changes["members_total"] == ["60", "65"]
    assert change.changes["city"] == ["Sfântu Gheorghe", "Brașov"]
    assert change.changes["region"] == ["Centre", "West"]  # names in the request's language
    assert set(change.changes) == {"website", "members_total", "sectors", "region", "city"}


def test_staff_edit_any_cluster_even_unpublished(directory, staff_user):
    response = authed(staff_user).patch(detail_url("draft-cluster"),
                                        {"acronym": "DC", "members_total": None}, format="json")
    assert response.status_code == 200
    assert Cluster.objects.get(slug="draft-cluster").acronym == "DC"
    assert ClusterChange.objects.get(action=ClusterChange.Action.PROFILE).user == staff_user


def test_patch_without_changes_records_nothing(directory, manager):
    response = authed(manager).patch(detail_url("green-energy"), {"acronym": "GE"},
                                     format="json")
    assert response.status_code == 200
    assert not ClusterChange.objects.filter(action=ClusterChange.Action.PROFILE).exists()


@pytest.mark.parametrize(("field", "value"), [
    ("website", "nu este o adresa"),
    ("members_total", -5),
    ("management_team_size", 5000),
    ("email", "nu-e-email"),
    ("industrial_ecosystem", "space-mining"),
    ("date_established", "31.02.2020"),
    ("name", ""),
    ("region", "atlantida"),
    ("sectors", ["energie", "nu-exista"]),
])
def test_bad_input_is_400_with_the_field_named_and_nothing_saved(directory, manager, field,
                                                                  value):
    before = Cluster.objects.filter(slug="green-energy").values().get()
    response = authed(manager).patch(detail_url("green-energy"),
                                     {field: value, "city": "Brașov"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Cluster.objects.filter(slug="green-energy").values().get() == before
    assert not ClusterChange.objects.filter(action=ClusterChange.Action.PROFILE).exists()


@pytest.mark.parametrize("field", ["is_published", "slug", "managers", "labels", "search_text",
                                   "logo", "created_at", "members"])
def test_fields_that_are_not_editable_are_refused(directory, manager, field):
    hidden = directory["hidden"]
    services.cluster_manager_add(cluster=hidden, manager=manager, by=None)
    values = {"is_published": True, "slug": "taken-over", "managers": [manager.pk],
              "labels": [{"level": "gold"}], "search_text": "x", "logo": None,
              "created_at": "2020-01-01T00:00:00Z", "members": []}
    response = authed(manager).patch(detail_url("draft-cluster"),
                                     {field: values[field], "city": "Arad"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    hidden.refresh_from_db()
    assert (hidden.slug, hidden.is_published, hidden.city) == ("draft-cluster", False, "")
    assert not ClusterLabel.objects.filter(cluster=hidden).exists()


def test_validation_errors_of_the_service_become_400(directory, manager, monkeypatch):
    def refuse(**kwargs):
        raise DjangoValidationError({"members_smes": ["More SMEs than members."],
                                     "__all__": ["Inconsistent composition."]})

    monkeypatch.setattr(services, "cluster_update", refuse)
    response = authed(manager).patch(detail_url("green-energy"), {"members_smes": 99},
                                     format="json")
    assert response.status_code == 400
    assert response.json() == {"members_smes": ["More SMEs than members."],
                               "non_field_errors": ["Inconsistent composition."]}

    def refuse_plainly(**kwargs):
        raise DjangoValidationError("Not now.")

    monkeypatch.setattr(services, "cluster_update", refuse_plainly)
    response = authed(manager).patch(detail_url("green-energy"), {"members_smes": 99},
                                     format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Not now."]}


def test_html_in_the_description_is_kept_as_text(client, directory, manager):
    text = '<script>alert("x")</script> <b>Brașov</b> & <a href="javascript:x">link</a>'
    response = authed(manager).patch(detail_url("green-energy"), {"description": text},
                                     format="json")
    assert response.status_code == 200
    assert response.json()["description"] == text
    assert Cluster.objects.get(slug="green-energy").description == text
    assert APIClient().get(detail_url("green-energy")).json()["description"] == text
    page = client.get("/clusters/green-energy/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_other_methods_are_not_allowed(directory, staff_user):
    client = authed(staff_user)
    assert client.put(detail_url("green-energy"), {"name": "X"}, format="json").status_code \
        == 405
    assert client.delete(detail_url("green-energy")).status_code == 405
    assert client.post(LIST_URL, {"name": "X", "slug": "x"}, format="json").status_code == 405
    assert client.post(REGIONS_URL, {}, format="json").status_code == 405
    assert client.post(SECTORS_URL, {}, format="json").status_code == 405
    assert Cluster.objects.filter(slug="green-energy").exists()
    assert not Cluster.objects.filter(slug="x").exists()


# --- Reference data ---------------------------------------------------------------------------

def test_regions_are_public_with_both_names_and_the_country(api, regions):
    response = api.get(REGIONS_URL)
    assert response.status_code == 200
    data = {r["slug"]: r for r in response.json()}
    assert data["nord-est"] == {"slug": "nord-est", "code": "RO21", "name_ro": "Nord-Est",
                                "name_en": "North-East", "country": "RO"}
    assert {"centru", "nord-est", "vest"} <= set(data)


def test_sectors_are_public_with_both_names(api, sectors):
    response = api.get(SECTORS_URL)
    assert response.status_code == 200
    data = {s["slug"]: s for s in response.json()}
    assert data["tic"] == {"slug": "tic",
                           "name_ro": "Tehnologia informației și a comunicațiilor",
                           "name_en": "ICT"}
    assert "Tehnologia informației și a comunicațiilor".encode() in response.content


def test_schema_documents_the_endpoints_and_filters(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {LIST_URL, LIST_URL + "{slug}/", REGIONS_URL, SECTORS_URL} <= set(paths)
    assert set(paths[LIST_URL + "{slug}/"]) == {"get", "patch"}
    parameters = {p["name"] for p in paths[LIST_URL]["get"]["parameters"]}
    assert {"search", "country", "region", "sector", "label", "ordering", "page"} <= parameters
