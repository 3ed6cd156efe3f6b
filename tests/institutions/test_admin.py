"""Staff maintain the institutions in the admin: list, filters, search, autocomplete for the
linked clusters and projects, publish/unpublish; the model keeps a region in its country."""

import pytest
from django.core.exceptions import ValidationError

from clusters.models import Region
from institutions.models import Institution
from tests.factories import UserFactory

from .conftest import make_institution

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/institutions/institution/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


def test_changelist_filters_and_search(admin_client, database):
    response = admin_client.get(CHANGELIST, {"q": "prognoză"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [database["ipe"]]
    response = admin_client.get(CHANGELIST, {"is_published__exact": "0"})
    assert list(response.context["cl"].result_list) == [database["draft"]]


def test_add_with_links(admin_client, countries, regions, clusters, projects):
    response = admin_client.post(f"{CHANGELIST}add/", {
        "name": "Universitatea Tehnică „Gheorghe Asachi” din Iași", "acronym": "TUIASI",
        "slug": "tuiasi", "kind": "university", "is_published": "on",
        "country": countries["RO"].pk, "region": regions["nord-est"].pk, "city": "Iași",
        "website": "", "description": "", "clusters": [clusters["astrico-ne"].pk],
        "projects": [projects["astricone"].pk],
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    institution = Institution.objects.get(slug="tuiasi")
    assert list(institution.clusters.all()) == [clusters["astrico-ne"]]
    assert list(institution.projects.all()) == [projects["astricone"]]
    assert institution.search_text.startswith("universitatea tehnica „gheorghe asachi” din iasi")


def test_region_must_be_in_the_country(admin_client, countries, regions):
    institution = Institution(name="Regione Marche", slug="regione-marche",
                              kind=Institution.Kind.REGIONAL_AGENCY, country=countries["IT"],
                              region=regions["nord-est"])
    with pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert "region" in error.value.message_dict
    assert Region.objects.filter(country=countries["RO"]).count() == 2


@pytest.mark.parametrize("field", ["clusters", "projects", "country", "region"])
def test_autocomplete(admin_client, database, field):
    response = admin_client.get("/admin/autocomplete/", {
        "app_label": "institutions", "model_name": "institution", "field_name": field,
        "term": {"clusters": "trec", "projects": "INOV", "country": "Rom",
                 "region": "Nord"}[field],
    })
    assert response.status_code == 200
    assert response.json()["results"]


def test_publish_and_unpublish_actions(admin_client, database):
    draft = database["draft"]
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.is_published


def test_non_staff_cannot_reach_the_admin(client, database):
    client.force_login(UserFactory())
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_permission_cannot_edit(client, database):
    client.force_login(UserFactory(staff=True))
    assert client.get(CHANGELIST).status_code == 403


def test_save_keeps_search_text_current(countries):
    institution = make_institution("x", name="Școala", country=countries["RO"])
    institution.city = "Brașov"
    institution.save(update_fields=["city"])
    institution.refresh_from_db()
    assert institution.search_text == "scoala  brasov "
