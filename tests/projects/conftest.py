"""Fixtures for the projects tests: a competition with two projects in two clusters, and the
people around them (director, cluster managers, a programme officer, outsiders)."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from clusters import services as cluster_services
from clusters.models import Cluster, Country, Region, Sector
from projects.models import PROGRAMME_OFFICERS_GROUP, Competition, Project, StatusReport
from tests.factories import UserFactory


def client_for(user, **kwargs) -> Client:
    """A client speaking English, logged in as `user` (None: anonymous)."""
    client = Client(**{"HTTP_ACCEPT_LANGUAGE": "en", **kwargs})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def ro(db):
    return Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                               "name_en": "Romania"})[0]


@pytest.fixture
def nord_vest(ro):
    return Region.objects.get_or_create(
        slug="nord-vest", defaults={"code": "RO11", "name_ro": "Nord-Vest",
                                    "name_en": "North-West", "country": ro})[0]


@pytest.fixture
def sud_muntenia(ro):
    return Region.objects.get_or_create(
        slug="sud-muntenia", defaults={"code": "RO31", "name_ro": "Sud-Muntenia",
                                       "name_en": "South-Muntenia", "country": ro})[0]


@pytest.fixture
def energie(db):
    return Sector.objects.get_or_create(
        slug="energie-mediu-schimbari-climatice",
        defaults={"name_ro": "Energie, mediu și schimbări climatice",
                  "name_en": "Energy, environment and climate change"})[0]


@pytest.fixture
def bioeconomie(db):
    return Sector.objects.get_or_create(
        slug="bioeconomie", defaults={"name_ro": "Bioeconomie", "name_en": "Bioeconomy"})[0]


@pytest.fixture
def competition(db):
    return Competition.objects.create(
        slug="cluster-inovativ-2018-2019",
        name="Organizare și dezvoltare cluster – Cluster Inovativ",
        funder="UEFISCDI",
        programme="Planul Național de Cercetare Dezvoltare și Inovare (PNCDI)",
        subprogramme_code="2.1",
        subprogramme="Competitivitate prin cercetare, dezvoltare și inovare",
        years="2018-2019",
        purpose="creștere a competitivității întreprinderilor cuprinse în structuri de tip "
                "„cluster” din sectoarele cu relevanță economică",
        proposals_submitted=16, projects_funded=12, total_budget="4176243", currency="RON",
    )


@pytest.fixture
def trec(nord_vest, energie):
    cluster = Cluster.objects.create(slug="trec", name="Transylvania Energy Cluster",
                                     acronym="TREC", region=nord_vest, is_published=True)
    cluster.sectors.set([energie])
    return cluster


@pytest.fixture
def indagro_cluster(sud_muntenia, bioeconomie):
    cluster = Cluster.objects.create(slug="ind-agro-pol", name="IND-AGRO-POL",
                                     region=sud_muntenia, is_published=True)
    cluster.sectors.set([bioeconomie])
    return cluster


def make_project(competition, cluster, *, number="1 CLS", acronym="INOV-TREC", **fields):
    values = {
        "slug": acronym.lower(),
        "title": "Creșterea capacității inovative a companiilor din cadrul clusterului TREC",
        "start_date": date(2018, 6, 1), "end_date": date(2020, 5, 31),
        "coordinator": "ASOCIAȚIA „CLUSTER T.R.E.C. - TRANSYLVANIA ENERGY CLUSTER”",
        "director": "Adrian Bot", "members_count": 32, "region": cluster.region,
        "domain": cluster.sectors.first(),
        "website": "http://www.transylvaniaenergycluster-trec.ro/company/projects.php",
        "objectives": "Asigurarea unui cadru eficient de cooperare între membrii clusterului.\n"
                      "- creșterea eficienței energetice;\n- protecția mediului înconjurător.",
        **fields,
    }
    return Project.objects.create(competition=competition, cluster=cluster, number=number,
                                  acronym=acronym, **values)


@pytest.fixture
def project(competition, trec):
    return make_project(competition, trec)


@pytest.fixture
def other_project(competition, indagro_cluster):
    return make_project(
        competition, indagro_cluster, number="2 CLS", acronym="INDAGRO",
        title="Agenda strategică de CDI a clusterului de inovare IND-AGRO-POL",
        start_date=date(2017, 7, 1), end_date=date(2020, 6, 30),
        coordinator="ASOCIATIA IND - AGRO - POL", director="Cornelia Muraru-Ionel",
        members_count=100, website="http://www.inma.ro/indagropol/index_files_ro/proiecte.htm",
    )


def accepted_report(project, *, as_of=date(2019, 12, 31), **fields) -> StatusReport:
    from django.utils import timezone

    values = {"results": "În primele două etape derulate s-au elaborat:\n"
                         "- agenda strategică de cercetare-dezvoltare și inovare;",
              "ongoing_activities": "- Se va realiza o platformă online de colaborare.",
              **fields}
    return StatusReport.objects.create(project=project, as_of=as_of,
                                       state=StatusReport.State.ACCEPTED,
                                       source=StatusReport.Source.IMPORT,
                                       accepted_at=timezone.now(), **values)


@pytest.fixture
def officer(db):
    """A programme officer: approved staff in the Programme officers group (not superuser)."""
    user = UserFactory(staff=True, full_name="Elena Dumitrescu", email="officer@example.org")
    user.groups.add(Group.objects.get_or_create(name=PROGRAMME_OFFICERS_GROUP)[0])
    return user


@pytest.fixture
def director(project):
    user = UserFactory(full_name="Adrian Bot", email="director@example.org")
    project.director_account = user
    project.save(update_fields=["director_account"])
    return user


@pytest.fixture
def manager(trec):
    """A manager of the project's cluster (TREC)."""
    user = UserFactory(full_name="Ioana Ștefănescu", email="manager@example.org")
    cluster_services.cluster_manager_add(cluster=trec, manager=user, by=None)
    return user


@pytest.fixture
def other_manager(indagro_cluster):
    """A manager of another cluster (IND-AGRO-POL)."""
    user = UserFactory(full_name="Radu Căpățână", email="other-manager@example.org")
    cluster_services.cluster_manager_add(cluster=indagro_cluster, manager=user, by=None)
    return user
