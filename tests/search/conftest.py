"""Fixtures for the search tests: WG1 and WG2 with a member each, objects of every kind made
through their apps' own code, and the index kept current by the receivers (after commit)."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from documents import services as document_services
from tests.factories import UserFactory
from workinggroups import services as group_services
from workinggroups.models import Membership, WorkingGroup


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def add_member(group, user=None, role=Membership.Role.MEMBER):
    user = user or UserFactory()
    group_services.membership_add(group=group, user=user, by=None, role=role)
    return user


@pytest.fixture
def wg1(db):
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def wg2(db):
    return WorkingGroup.objects.get(code="WG2")


@pytest.fixture
def member1(wg1):
    return add_member(wg1, UserFactory(full_name="Ana Popescu"))


@pytest.fixture
def coordinator1(wg1):
    return add_member(wg1, UserFactory(full_name="Ion Ionescu"), Membership.Role.COORDINATOR)


@pytest.fixture
def member2(wg2):
    return add_member(wg2, UserFactory(full_name="Maria Dumitrescu"))


def txt(content: str, name="nota.txt"):
    return SimpleUploadedFile(name, content.encode(), "text/plain")


def pdf_file(text: str, name="raport.pdf"):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 750, text)
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def docx_file(text: str, name="studiu.docx"):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def make_document(group, user, *, title, upload=None, description="", tags="", language="ro",
                  publish_by=None):
    """A document through documents.services (its text extracted by the task, in process);
    published when a coordinator is given."""
    document = document_services.document_create(
        group=group, user=user, upload=upload or txt(f"{title}\n"), title=title,
        category="swot", description=description, tags=tags, language=language)
    if publish_by is not None:
        document_services.document_set_status(document=document, user=publish_by,
                                              status="final")
        document_services.document_publish(document=document, user=publish_by)
    return document


def make_event(*, title, visibility="public", working_group=None, description="", days=10):
    from events import services
    from events.models import Event

    start = timezone.now() + timedelta(days=days)
    return services.event_create(
        by=None, clusters=(), repeat=None, title=title, kind=Event.Kind.WORKSHOP, start=start,
        end=start + timedelta(hours=2), time_zone="Europe/Bucharest", city="Iași",
        country="RO", visibility=visibility, working_group=working_group,
        description=description)


@pytest.fixture
def romania(db):
    from clusters.models import Country

    return Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                               "name_en": "Romania"})[0]


def make_practice(group, country, *, title, state="draft", practice="", language="ro"):
    from goodpractices.models import GoodPractice

    return GoodPractice.objects.create(
        title=title, slug=f"gp-{GoodPractice.objects.count() + 1}", working_group=group,
        country=country, theme="innovation", practice=practice, context="Context.",
        language=language, state=state,
        published_at=timezone.now() if state == "published" else None)


def make_cluster(*, name, description="", published=True, established=date(2015, 3, 1)):
    from clusters.models import Cluster, Country, Region

    ro = Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                             "name_en": "Romania"})[0]
    region = Region.objects.get_or_create(
        slug="centru", defaults={"code": "RO12", "name_ro": "Centru", "name_en": "Centre",
                                 "country": ro})[0]
    from django.utils.text import slugify

    return Cluster.objects.create(slug=slugify(name)[:100], name=name, region=region,
                                  description=description, is_published=published,
                                  date_established=established)
