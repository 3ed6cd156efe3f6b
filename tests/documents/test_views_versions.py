"""Versions through the pages: upload, new version with a note, the history, downloads exactly as
uploaded under the original name, restore, and check-out (lock)."""

import hashlib
from urllib.parse import quote

import pytest
from django.core import mail
from django.http import FileResponse
from django.urls import reverse

from documents.models import Document, DocumentEvent
from workinggroups.models import Membership, WorkingGroup

from .web_helpers import (
    PDF,
    body_of,
    client_for,
    create_document,
    detail_url,
    download_url,
    member_of,
    stored_files,
    txt,
    upload_form,
)

pytestmark = pytest.mark.django_db

NAME = "Analiză SWOT Nord-Est.pdf"
V1 = PDF
V2 = PDF.replace(b"Raport de evaluare", b"Raport de evaluare, revizuit dupa Iasi")


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def ana(wg1):
    return member_of(wg1, full_name="Ana Popescu", email="ana@example.ro")


@pytest.fixture
def mihai(wg1):
    return member_of(wg1, full_name="Mihai Dobre", email="mihai@example.ro")


@pytest.fixture
def coordinator(wg1):
    return member_of(wg1, Membership.Role.COORDINATOR, full_name="Radu Ionescu")


def _pdf(content, name=NAME):
    return txt(content, name)


def _upload(client, wg1, content=V1, name=NAME):
    response = client.post(reverse("documents:upload", args=[wg1.code]),
                           upload_form(_pdf(content, name)))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.objects.get(title="Analiză SWOT Nord-Est")


def _new_version(client, document, content, note, name=NAME):
    return client.post(reverse("documents:version_new", args=[document.pk]),
                       {"file": _pdf(content, name), "note": note})


def test_the_version_flow(wg1, ana, mihai, capture_commits):
    client = client_for(ana)
    document = _upload(client, wg1)
    assert [v.number for v in document.versions.all()] == [1]
    page = client.get(detail_url(document))
    assert "has been uploaded as version 1" in page.content.decode()

    with capture_commits():
        response = _new_version(client, document, V2, "Comentariile de la Iași")
    assert response.status_code == 302
    assert response["Location"] == detail_url(document)
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    # The other member is told, with a link to the document.
    [message] = [m for m in mail.outbox if "mihai@example.ro" in m.to]
    assert "version 2" in message.subject
    assert detail_url(document) in message.body

    body = client.get(detail_url(document)).content.decode()
    v1, v2 = document.versions.order_by("number")
    assert "Version 2 has been uploaded." in body
    for text in ("v1", "v2", "Ana Popescu", "Comentariile de la Iași", "Prima variantă",
                 v1.sha256, v2.sha256, f"{len(V2)}\xa0bytes", "PDF",
                 download_url(document, 1), download_url(document, 2),
                 reverse("documents:restore", args=[document.pk, 1])):
        assert text in body, text
    # The newest version has no "Restore" button: restoring it would change nothing.
    assert reverse("documents:restore", args=[document.pk, 2]) not in body

    # Version 1 downloads exactly as uploaded, under its original name, streamed.
    response = client.get(download_url(document, 1))
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response.streaming
    assert body_of(response) == V1
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(NAME)}" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response["Cache-Control"]
    assert response["Content-Length"] == str(len(V1))
    assert DocumentEvent.objects.filter(document=document, action="downloaded",
                                        user=ana, version=v1).exists()

    # Restore v1: a new version 3 with v1's bytes; nothing renumbered or overwritten.
    response = client.post(reverse("documents:restore", args=[document.pk, 1]))
    assert response.status_code == 302
    assert [v.number for v in document.versions.order_by("number")] == [1, 2, 3]
    v3 = document.versions.get(number=3)
    assert v3.restored_from == v1
    assert v3.sha256 == v1.sha256 == hashlib.sha256(V1).hexdigest()
    assert v3.file.name not in (v1.file.name, v2.file.name)
    assert body_of(client.get(download_url(document, 3))) == V1
    assert body_of(client.get(download_url(document, 2))) == V2
    assert body_of(client.get(download_url(document, 1))) == V1
    assert len(stored_files()) == 3
    body = client.get(detail_url(document)).content.decode()
    assert "Version 1 has been restored as version 3." in body
    assert "content of version 1" in body


def test_an_ascii_name_and_a_text_type(wg1, ana):
    document = create_document(wg1, ana, content=b"Minuta sedintei\n", name="minutes.txt")
    response = client_for(ana).get(download_url(document, 1))
    assert response["Content-Disposition"] == 'attachment; filename="minutes.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_version_that_does_not_exist_is_404(wg1, ana):
    document = create_document(wg1, ana)
    client = client_for(ana)
    assert client.get(download_url(document, 2)).status_code == 404
    assert client.post(reverse("documents:restore", args=[document.pk, 7])).status_code == 404


def test_the_new_version_page(wg1, ana):
    document = create_document(wg1, ana)
    body = client_for(ana).get(reverse("documents:version_new", args=[document.pk])
                               ).content.decode()
    for text in ("Upload a new version", "What changed", 'type="file"', "upload.js",
                 "<progress", 'aria-live="polite"', "csrfmiddlewaretoken"):
        assert text in body, text


# --- check-out ---------------------------------------------------------------------------------

def test_a_checked_out_document_refuses_another_members_version(wg1, ana, mihai, coordinator):
    document = create_document(wg1, ana)
    ana_client, mihai_client = client_for(ana), client_for(mihai)

    assert ana_client.post(reverse("documents:lock", args=[document.pk])).status_code == 302
    document.refresh_from_db()
    assert document.locked_by == ana
    body = ana_client.get(detail_url(document)).content.decode()
    assert "Checked out by Ana Popescu since" in body
    assert "Check in" in body

    # Mihai sees who holds it, and the upload button is disabled with the reason.
    body = mihai_client.get(detail_url(document)).content.decode()
    assert "Checked out by Ana Popescu since" in body
    assert 'disabled aria-describedby="new-version-locked"' in body
    assert "Break the lock" not in body
    files_before = stored_files()
    response = _new_version(mihai_client, document, b"Versiunea lui Mihai\n", "Mihai",
                            name="SWOT.txt")
    assert response.status_code == 409
    assert "Ana Popescu has checked this document out" in response.content.decode()
    assert document.versions.count() == 1
    assert stored_files() == files_before
    # Nor can he restore, edit the details, or check it in for her.
    assert mihai_client.post(reverse("documents:unlock", args=[document.pk])).status_code == 403
    assert mihai_client.post(reverse("documents:lock", args=[document.pk]),
                             follow=True).status_code == 200
    document.refresh_from_db()
    assert document.locked_by == ana

    # Ana herself can still add versions.
    assert _new_version(ana_client, document, b"Versiunea Anei\n", "Ana",
                        name="SWOT.txt").status_code == 302

    # The coordinator breaks the lock; then Mihai can upload.
    coordinator_client = client_for(coordinator)
    assert "Break the lock" in coordinator_client.get(detail_url(document)).content.decode()
    response = coordinator_client.post(reverse("documents:unlock", args=[document.pk]),
                                       follow=True)
    assert "You have broken Ana Popescu" in response.content.decode()
    document.refresh_from_db()
    assert document.locked_by is None
    assert DocumentEvent.objects.filter(document=document, action="lock_broken").exists()
    assert _new_version(mihai_client, document, b"Versiunea lui Mihai\n", "Mihai",
                        name="SWOT.txt").status_code == 302
    assert document.versions.count() == 3


def test_check_in(wg1, ana):
    document = create_document(wg1, ana)
    client = client_for(ana)
    client.post(reverse("documents:lock", args=[document.pk]))
    response = client.post(reverse("documents:unlock", args=[document.pk]), follow=True)
    assert "You have checked the document in." in response.content.decode()
    document.refresh_from_db()
    assert document.locked_by is None


def test_the_new_version_page_of_a_locked_document_explains(wg1, ana, mihai):
    document = create_document(wg1, ana)
    client_for(ana).post(reverse("documents:lock", args=[document.pk]))
    response = client_for(mihai).get(reverse("documents:version_new", args=[document.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ana Popescu has checked this document out" in body
    assert 'type="file"' not in body


# --- editing the details -----------------------------------------------------------------------

def test_edit_the_details(wg1, ana):
    document = create_document(wg1, ana)
    client = client_for(ana)
    url = reverse("documents:edit", args=[document.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "SWOT Nord-Est, ediția a doua", "description": "",
                                 "category": "evaluation", "language": "en", "tags": "SWOT"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "SWOT Nord-Est, ediția a doua"
    assert document.category == "evaluation"
    assert DocumentEvent.objects.filter(document=document, action="edited").exists()

    response = client.post(url, {"title": "x" * 10_000, "category": "swot", "language": "ro"})
    assert response.status_code == 400
    assert "at most 300 characters" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "SWOT Nord-Est, ediția a doua"
