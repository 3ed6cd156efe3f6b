"""The public archive: published documents only, filters, search without accents, pagination,
the empty state, and a constant number of queries."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentVersion
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup

from .web_helpers import client_for, create_document, download_url, member_of, publish

pytestmark = pytest.mark.django_db

ARCHIVE = reverse("documents:index")


@pytest.fixture
def groups():
    return {code: WorkingGroup.objects.get(code=code) for code in ("WG1", "WG2")}


@pytest.fixture
def coordinators(groups):
    return {code: member_of(group, Membership.Role.COORDINATOR)
            for code, group in groups.items()}


@pytest.fixture
def library(groups, coordinators):
    """Three published documents, one draft, one unpublished, one trashed."""
    def make(code, title, publish_it=True, year=None, **fields):
        document = create_document(groups[code], coordinators[code], title=title, **fields)
        if publish_it:
            publish(document, coordinators[code])
            if year:
                Document.objects.filter(pk=document.pk).update(
                    published_at=timezone.make_aware(datetime(year, 5, 4, 12, 0)))
        return document

    docs = {
        "swot": make("WG1", "Analiză SWOT Brașov", category="swot", tags="regional, Centru",
                     description="Punctele tari ale clusterelor din Brașov."),
        "guide": make("WG2", "Ghid de internaționalizare", category="policy-guide",
                      language="en", year=2025),
        "minutes": make("WG1", "Minuta întâlnirii de la Iași", category="minutes",
                        description="Decizii privind ecosistemul regional."),
        "draft": make("WG1", "Ciornă nepublicată", publish_it=False),
    }
    unpublished = make("WG2", "Raport retras din arhivă")
    from documents import services

    services.document_unpublish(document=unpublished, user=coordinators["WG2"])
    trashed = make("WG1", "Raport mutat la gunoi")
    services.document_trash(document=trashed, user=coordinators["WG1"])
    docs.update(unpublished=unpublished, trashed=trashed)
    return docs


def _titles(response) -> set[str]:
    body = response.content.decode()
    return {d.title for d in Document.objects.all() if d.title in body}


def test_anonymous_visitors_see_published_documents_only(library):
    response = client_for(None).get(ARCHIVE)
    assert response.status_code == 200
    assert _titles(response) == {"Analiză SWOT Brașov", "Ghid de internaționalizare",
                                 "Minuta întâlnirii de la Iași"}
    body = response.content.decode()
    assert "3 published documents" in body
    swot = Document.objects.get(pk=library["swot"].pk)
    assert download_url(swot, swot.published_version.number) in body
    assert "Swot analysis".lower() in body.lower()
    assert "WG2" in body
    assert "4 May 2025" in body


def test_members_see_the_same_archive(library, groups):
    member = member_of(groups["WG1"])
    assert "Ciornă nepublicată" not in client_for(member).get(ARCHIVE).content.decode()


@pytest.mark.parametrize(("query", "expected"), [
    ({"group": "WG2"}, {"Ghid de internaționalizare"}),
    ({"category": "minutes"}, {"Minuta întâlnirii de la Iași"}),
    ({"language": "en"}, {"Ghid de internaționalizare"}),
    ({"year": "2025"}, {"Ghid de internaționalizare"}),
    ({"q": "brasov"}, {"Analiză SWOT Brașov"}),             # no accents typed
    ({"q": "BRAŞOV"}, {"Analiză SWOT Brașov"}),             # cedilla, capitals
    ({"q": "ecosistemul"}, {"Minuta întâlnirii de la Iași"}),  # the description
    ({"q": "centru"}, {"Analiză SWOT Brașov"}),             # a tag
    ({"q": "intalnirii iasi"}, {"Minuta întâlnirii de la Iași"}),
    ({"q": "gunoi"}, set()),
    ({"q": "nepublicata"}, set()),
    ({"group": "WG1", "category": "swot"}, {"Analiză SWOT Brașov"}),
])
def test_filters(library, query, expected):
    assert _titles(client_for(None).get(ARCHIVE, query)) == expected


def test_the_filter_form_offers_the_years_and_keeps_the_choices(library):
    this_year = timezone.now().year
    body = client_for(None).get(ARCHIVE, {"year": "2025", "group": "WG2"}).content.decode()
    assert f'<option value="{this_year}"' in body
    assert '<option value="2025" selected>' in body
    assert '<option value="WG2" selected>' in body


def test_invalid_filters_are_ignored(library):
    response = client_for(None).get(ARCHIVE, {"group": "WG99", "year": "abc",
                                              "category": "<script>"})
    assert response.status_code == 200
    assert len(_titles(response)) == 3
    assert "Some filters were not valid and were ignored." in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_the_empty_states(library):
    body = client_for(None).get(ARCHIVE, {"q": "nimic-asemanator"}).content.decode()
    assert "No published document matches these filters." in body
    Document.objects.update(published_version=None, published_at=None)
    body = client_for(None).get(ARCHIVE).content.decode()
    assert "No document has been published yet." in body


def _bulk_publish(group, user, count, start=0):
    """Published documents made directly (the archive does not open their files)."""
    now = timezone.now()
    for i in range(start, start + count):
        document = Document.objects.create(group=group, title=f"Raport {i:03d}", category="swot",
                                           status="final", created_by=user)
        version = DocumentVersion(document=document, number=1, original_filename=f"r{i}.pdf",
                                  size=1000 + i, content_type="application/pdf",
                                  sha256="0" * 64, uploaded_by=user)
        version.file.name = f"documents/{group.pk}/{document.pk}/x{i}"
        version.save()
        Document.objects.filter(pk=document.pk).update(published_version=version,
                                                       published_at=now)


def test_pagination(groups):
    user = UserFactory()
    _bulk_publish(groups["WG1"], user, 45)
    client = client_for(None)
    first = client.get(ARCHIVE, {"group": "WG1"}).content.decode()
    assert first.count('class="border-bottom py-3"') == 20
    assert "Page 1 of 3" in first
    assert "?group=WG1&amp;page=2" in first
    third = client.get(ARCHIVE, {"group": "WG1", "page": "3"}).content.decode()
    assert third.count('class="border-bottom py-3"') == 5


def test_the_number_of_queries_does_not_grow_with_the_documents(groups,
                                                               django_assert_max_num_queries):
    user = UserFactory()
    client = client_for(None)
    _bulk_publish(groups["WG1"], user, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(ARCHIVE).status_code == 200
    _bulk_publish(groups["WG2"], user, 45, start=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(ARCHIVE)
    assert response.content.decode().count('class="border-bottom py-3"') == 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(ARCHIVE, {"q": "raport", "group": "WG2", "page": "2"})
    assert len(few.captured_queries) <= 6
