"""Fixtures for the working-group tests: WG1 with a coordinator and a member, WG2 with its own
coordinator, and documents created through the documents services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.services import document_create
from tests.factories import UserFactory
from workinggroups import services
from workinggroups.models import Membership, WorkingGroup


def client_for(user, **kwargs):
    client = Client(**{"HTTP_ACCEPT_LANGUAGE": "en", **kwargs})
    if user is not None:
        client.force_login(user)
    return client


def make_document(group, user, title="SWOT Nord-Est", category="swot"):
    upload = SimpleUploadedFile("n.txt", b"text", "text/plain")
    return document_create(group=group, user=user, upload=upload, title=title,
                           category=category)


@pytest.fixture
def wg1(db):
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def wg2(db):
    return WorkingGroup.objects.get(code="WG2")


@pytest.fixture
def coordinator(wg1):
    user = UserFactory(full_name="Ana Popescu", email="ana@example.ro")
    services.membership_add(group=wg1, user=user, by=None, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def member(wg1):
    user = UserFactory(full_name="Ion Vasilescu", email="ion@example.ro")
    services.membership_add(group=wg1, user=user, by=None)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(full_name="Elena Dumitrescu", email="elena@example.ro")


@pytest.fixture
def other_coordinator(wg2):
    """Coordinates WG2: nothing more in WG1 than any approved user."""
    user = UserFactory(full_name="Radu Marin", email="radu@example.ro")
    services.membership_add(group=wg2, user=user, by=None, role=Membership.Role.COORDINATOR)
    return user

