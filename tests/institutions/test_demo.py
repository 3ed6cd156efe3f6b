"""seed_demo loads the institutions the seeds name, linked where the seeds link them, with and
without demo accounts; loading twice changes nothing, and staff's edits are kept."""

import pytest
from django.core.management import call_command

from institutions.demo import INSTITUTIONS, NORTH_EAST_CLUSTERS, seed_institutions
from institutions.models import Institution
from projects.models import Project

pytestmark = pytest.mark.django_db

TIMESTAMPS = {"created_at", "updated_at"}


def snapshot():
    return {
        model._meta.label: [
            {k: v for k, v in row.items() if k not in TIMESTAMPS}
            for row in model.objects.order_by("pk").values()
        ]
        for model in (Institution, Institution.clusters.through, Institution.projects.through)
    }


@pytest.fixture
def seeded(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--no-accounts")
    return capsys.readouterr().out


def test_the_named_institutions_are_there(seeded):
    assert f"Institutions created: {len(INSTITUTIONS)}" in seeded
    assert Institution.objects.count() == len(INSTITUTIONS)
    assert not Institution.objects.filter(is_published=False).exists()
    by_acronym = dict(Institution.objects.exclude(acronym="").values_list("acronym", "kind"))
    assert by_acronym["ADR Nord-Est"] == "regional_agency"
    assert by_acronym["UEFISCDI"] == "funding_agency"
    assert by_acronym["CLUSTERO"] == "cluster_association"
    assert by_acronym["IPE"] == "research_institute"
    assert by_acronym["ESCA"] == "other"
    assert by_acronym["Corallia"] == "cluster_association"
    assert by_acronym["CoR"] == "eu_body"
    assert by_acronym["CNPCD"] == "other"
    names = set(Institution.objects.values_list("name", flat=True))
    assert {"Ministerul Economiei", "Institutul de Prognoză Economică", "Regione Marche",
            "Comitetul European al Regiunilor", "Ministerul Educației și Cercetării",
            "ClusterPoliSEE", "Programul Europa de Sud-Est",
            "Asociația Clusterelor din România"} <= names
    corallia = Institution.objects.get(slug="corallia")
    assert (corallia.country.code, corallia.website) == ("GR", "http://www.corallia.org/")
    assert Institution.objects.get(slug="regione-marche").country.code == "IT"
    assert Institution.objects.get(slug="adr-nord-est").region.slug == "nord-est"
    assert Institution.objects.get(slug="comitetul-european-al-regiunilor").country.code == "EU"


def test_links_the_seeds_make(seeded):
    uefiscdi = Institution.objects.get(slug="uefiscdi")
    assert uefiscdi.projects.count() == Project.objects.count() == 12
    assert set(uefiscdi.clusters.all()) == {p.cluster for p in Project.objects.all()}
    adr = Institution.objects.get(slug="adr-nord-est")
    assert set(adr.clusters.values_list("slug", flat=True)) == set(NORTH_EAST_CLUSTERS)
    esca = set(Institution.objects.get(slug="esca").clusters.values_list("slug", flat=True))
    assert {"agro-transilvania-cluster", "green-energy", "ind-agro-pol", "astrico-ne"} <= esca
    assert "cermand" not in esca  # named without a label
    assert not Institution.objects.get(slug="clustero").clusters.exists()


def test_descriptions_are_short_and_keep_diacritics(seeded):
    for institution in Institution.objects.all():
        assert institution.description, institution.slug
        assert len(institution.description) < 600, institution.slug
        assert "ş" not in institution.description
        assert "ţ" not in institution.description
    assert "ș" in Institution.objects.get(slug="adr-nord-est").description


def test_search_text_finds_them_without_diacritics(seeded, client):
    response = client.get("/institutions/", {"search": "prognoza economica"})
    assert [i.slug for i in response.context["page_obj"]] == [
        "institutul-de-prognoza-economica"]


def test_loading_twice_changes_nothing(seeded, settings, capsys):
    before = snapshot()
    call_command("seed_demo", "--no-accounts")
    assert "Institutions created: 0" in capsys.readouterr().out
    assert snapshot() == before


def test_staff_edits_are_kept(seeded):
    Institution.objects.filter(slug="uefiscdi").update(description="Editat de personal.")
    Institution.objects.get(slug="esca").clusters.clear()
    assert seed_institutions() == []
    assert Institution.objects.get(slug="uefiscdi").description == "Editat de personal."
    assert not Institution.objects.get(slug="esca").clusters.exists()


def test_loaded_with_accounts_too(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Institution.objects.count() == len(INSTITUTIONS)
    assert f"Institutions created: {len(INSTITUTIONS)}" in capsys.readouterr().out
