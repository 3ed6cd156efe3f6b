"""Fixtures for the institutions tests: reference data, a few clusters and projects, and a
small database of institutions."""

from datetime import date

import pytest

from clusters.models import Cluster, Country, Region, Sector
from institutions.models import Institution
from projects.models import Competition, Project


@pytest.fixture
def countries(db):
    return {
        code: Country.objects.create(code=code, name_ro=ro, name_en=en)
        for code, ro, en in [("RO", "România", "Romania"), ("GR", "Grecia", "Greece"),
                             ("IT", "Italia", "Italy"),
                             ("EU", "Uniunea Europeană", "European Union")]
    }


@pytest.fixture
def regions(countries):
    return {
        slug: Region.objects.create(code=code, slug=slug, name_ro=ro, name_en=en,
                                    country=countries["RO"])
        for code, slug, ro, en in [("RO21", "nord-est", "Nord-Est", "North-East"),
                                   ("RO11", "nord-vest", "Nord-Vest", "North-West")]
    }


@pytest.fixture
def clusters(regions):
    sector = Sector.objects.create(slug="energie", name_ro="Energie", name_en="Energy")
    made = {
        "astrico-ne": Cluster.objects.create(slug="astrico-ne", name="ASTRICO Nord-Est",
                                             region=regions["nord-est"], is_published=True),
        "trec": Cluster.objects.create(slug="trec", name="Transylvania Energy Cluster",
                                       acronym="TREC", region=regions["nord-vest"],
                                       is_published=True),
        "hidden": Cluster.objects.create(slug="hidden-cluster", name="Clusterul ascuns",
                                         region=regions["nord-est"], is_published=False),
    }
    for cluster in made.values():
        cluster.sectors.set([sector])
    return made


@pytest.fixture
def projects(clusters):
    competition = Competition.objects.create(
        slug="cluster-inovativ-2018-2019",
        name="Organizare și dezvoltare cluster – Cluster Inovativ", years="2018-2019")
    sector = clusters["trec"].sectors.first()
    return {
        acronym.lower(): Project.objects.create(
            competition=competition, cluster=clusters[cluster], number=number,
            acronym=acronym, slug=acronym.lower(), title=title,
            start_date=date(2018, 6, 1), end_date=date(2020, 5, 31), coordinator="Asociația",
            director="Director", region=clusters[cluster].region, domain=sector)
        for number, acronym, cluster, title in [
            ("1 CLS", "INOV-TREC", "trec", "Creșterea capacității inovative a clusterului TREC"),
            ("8 CLS", "ASTRICONE", "astrico-ne", "Dezvoltarea clusterului ASTRICO NE"),
        ]
    }


def make_institution(slug, *, kind=Institution.Kind.OTHER, country=None, region=None,
                     published=True, clusters=(), projects=(), **fields):
    fields.setdefault("name", slug.replace("-", " ").title())
    country = country or Country.objects.get_or_create(
        code="EU", defaults={"name_ro": "Uniunea Europeană", "name_en": "European Union"})[0]
    institution = Institution.objects.create(slug=slug, kind=kind, country=country,
                                             region=region, is_published=published, **fields)
    institution.clusters.set(clusters)
    institution.projects.set(projects)
    return institution


@pytest.fixture
def database(countries, regions, clusters, projects):
    """Five published institutions (one European) and one unpublished."""
    ro = countries["RO"]
    return {
        "adr": make_institution(
            "adr-nord-est", name="Agenția de Dezvoltare Regională Nord-Est",
            acronym="ADR Nord-Est", kind=Institution.Kind.REGIONAL_AGENCY, country=ro,
            region=regions["nord-est"], city="Piatra Neamț",
            website="https://www.adrnordest.ro/",
            description="Acțiune pilot privind verigile lipsă din lanțurile valorice.",
            clusters=[clusters["astrico-ne"], clusters["hidden"]]),
        "uefiscdi": make_institution(
            "uefiscdi", name="Unitatea Executivă pentru Finanțarea Învățământului Superior, "
            "a Cercetării, Dezvoltării și Inovării", acronym="UEFISCDI",
            kind=Institution.Kind.FUNDING_AGENCY, country=ro,
            description="Competiția „Cluster Inovativ”: 12 proiecte finanțate.",
            projects=list(projects.values()), clusters=[clusters["trec"]]),
        "ipe": make_institution(
            "institutul-de-prognoza-economica", name="Institutul de Prognoză Economică",
            acronym="IPE", kind=Institution.Kind.RESEARCH_INSTITUTE, country=ro),
        "corallia": make_institution(
            "corallia", name="Corallia Clusters Initiative", acronym="Corallia",
            kind=Institution.Kind.CLUSTER_ASSOCIATION, country=countries["GR"], city="Atena"),
        "cor": make_institution(
            "comitetul-european-al-regiunilor", name="Comitetul European al Regiunilor",
            acronym="CoR", kind=Institution.Kind.EU_BODY, country=countries["EU"],
            city="Bruxelles"),
        "draft": make_institution(
            "institutie-nepublicata", name="Instituția nepublicată", country=ro,
            published=False, clusters=[clusters["trec"]], projects=[projects["inov-trec"]]),
    }


PUBLISHED = {"adr-nord-est", "uefiscdi", "institutul-de-prognoza-economica", "corallia",
             "comitetul-european-al-regiunilor"}
