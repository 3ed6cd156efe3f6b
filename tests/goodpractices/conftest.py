"""Fixtures for the good-practice tests: WG1 with a coordinator and a member, WG2 with its own
member, Romania and two of its regions, documents and practices made through the services
(the only way the portal writes them)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clusters.models import Country, Region
from documents import services as document_services
from goodpractices import services
from goodpractices.models import GoodPractice
from tests.factories import UserFactory
from workinggroups import services as group_services
from workinggroups.models import Membership, WorkingGroup

SECTIONS = {
    "practice": "ADR Nord-Est a organizat întâlniri B2B și evenimente cluster-to-cluster.",
    "context": "Regiunea Nord-Est; verigi lipsă în lanțul valoric al clusterelor.",
    "benefits": "Noi membri și activități hibrid.",
    "lessons_learned": "Un interval scurt cere o selecție de clustere.",
    "success_factors": "Analiza profilului clusterelor regionale.",
    "risk_factors": "Buget și interval de implementare restrânse.",
}


def client_for(user, **kwargs) -> Client:
    """A client speaking English, logged in as `user` (None: anonymous)."""
    client = Client(**{"HTTP_ACCEPT_LANGUAGE": "en", **kwargs})
    if user is not None:
        client.force_login(user)
    return client


def add_member(group, user, role=Membership.Role.MEMBER):
    group_services.membership_add(group=group, user=user, by=None, role=role)
    return user


def make_document(group, user, title="SWOT Nord-Est", *, publish_by=None):
    document = document_services.document_create(
        group=group, user=user, title=title, category="swot",
        upload=SimpleUploadedFile("swot.txt", b"Analiza SWOT", "text/plain"))
    if publish_by is not None:
        document_services.document_set_status(document=document, user=publish_by,
                                              status="review")
        document_services.document_set_status(document=document, user=publish_by,
                                              status="final")
        document = document_services.document_publish(document=document, user=publish_by)
    return document


def make_practice(group, author, *, title="Acțiunea pilot ADR Nord-Est", publish_by=None,
                  documents=(), **fields) -> GoodPractice:
    country = fields.pop("country", None) or Country.objects.get(code="RO")
    values = {"country": country, "theme": "specialisation", "transferability": "medium",
              **SECTIONS, **fields}
    practice = services.practice_create(working_group=group, by=author, title=title,
                                        documents=documents, **values)
    if publish_by is not None:
        practice = services.practice_publish(good_practice=practice, by=publish_by)
    return practice


@pytest.fixture
def romania(db):
    return Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                              "name_en": "Romania"})[0]


@pytest.fixture
def italy(db):
    return Country.objects.get_or_create(code="IT", defaults={"name_ro": "Italia",
                                                              "name_en": "Italy"})[0]


@pytest.fixture
def nord_est(romania):
    return Region.objects.get_or_create(
        slug="nord-est", defaults={"code": "RO21", "name_ro": "Nord-Est",
                                   "name_en": "North-East", "country": romania})[0]


@pytest.fixture
def wg1(db):
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def wg2(db):
    return WorkingGroup.objects.get(code="WG2")


@pytest.fixture
def coordinator(wg1):
    return add_member(wg1, UserFactory(full_name="Ana Popescu", email="ana@example.ro"),
                      Membership.Role.COORDINATOR)


@pytest.fixture
def member(wg1):
    return add_member(wg1, UserFactory(full_name="Ioana Ștefănescu", email="ioana@example.ro"))


@pytest.fixture
def other_member(wg2):
    """A member of another group (WG2)."""
    return add_member(wg2, UserFactory(full_name="Mihai Țurcanu", email="mihai@example.ro"))


@pytest.fixture
def outsider(db):
    return UserFactory(full_name="Elena Dumitrescu", email="elena@example.ro")
