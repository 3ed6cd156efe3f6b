"""The upload pages: who may upload, the form, the answers to the progress-bar script, and every
bad input (each refused with its reason and its status, leaving no file in the storage)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import Document, DocumentVersion
from tests.factories import UserFactory
from workinggroups.models import WorkingGroup

from .web_helpers import (
    PDF,
    client_for,
    create_document,
    detail_url,
    member_of,
    stored_files,
    txt,
    upload_form,
)

pytestmark = pytest.mark.django_db

ALLOWED_TYPES = "PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, ODT, ODS, ODP, TXT, MD, CSV, PNG"


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def ana(wg1):
    return member_of(wg1, full_name="Ana Popescu")


@pytest.fixture
def ana_client(ana):
    return client_for(ana)


@pytest.fixture
def url(wg1):
    return reverse("documents:upload", args=[wg1.code])


def _nothing_stored():
    assert stored_files() == []
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()


# --- who may upload ----------------------------------------------------------------------------

def test_the_form_for_members(ana_client, url):
    response = ana_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("title", "description", "category", "language", "tags", "file", "note"):
        assert f'name="{name}"' in body, name
        assert f'for="id_{name}"' in body, name
    assert 'enctype="multipart/form-data"' in body
    assert "<progress" in body
    assert 'aria-live="polite"' in body
    assert 'src="/static/js/upload.js"' in body
    assert "SWOT analysis" in body
    assert "At most 50 MB" in body
    # The Content-Security-Policy forbids inline scripts and styles.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert " style=" not in body


@pytest.mark.parametrize("who", ["non_member", "other_group"])
def test_non_members_are_refused(url, who):
    user = UserFactory() if who == "non_member" else member_of(
        WorkingGroup.objects.get(code="WG2"))
    client = client_for(user)
    assert client.get(url).status_code == 403
    assert client.post(url, upload_form()).status_code == 403
    _nothing_stored()


def test_anonymous_and_pending_users_are_sent_to_log_in(url):
    for client in (client_for(None), client_for(UserFactory(pending=True))):
        response = client.post(url, upload_form())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    _nothing_stored()


def test_an_unknown_group_is_404(ana_client):
    assert ana_client.get(reverse("documents:upload", args=["WG9"])).status_code == 404


def test_the_csrf_token_is_checked(ana, url):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ana)
    assert client.post(url, upload_form()).status_code == 403
    _nothing_stored()
    # With the token from the form, the same upload goes through.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      client.get(url).content.decode()).group(1)
    response = client.post(url, {**upload_form(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- success -----------------------------------------------------------------------------------

def test_an_upload_makes_version_1(ana_client, url, ana):
    response = ana_client.post(url, upload_form(txt(PDF, "Raport de evaluare.pdf")))
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(document)
    assert document.title == "Analiză SWOT Nord-Est"
    assert document.tag_list == ["SWOT", "Nord-Est"]
    assert document.created_by == ana
    [version] = document.versions.all()
    assert (version.number, version.note, version.original_filename, version.content_type) == (
        1, "Prima variantă", "Raport de evaluare.pdf", "application/pdf")
    assert len(stored_files()) == 1


def test_the_script_is_told_where_to_go(ana_client, url):
    """The progress-bar script sends X-Requested-With; it gets the address, not a redirect
    (which it would follow itself, eating the page's message)."""
    response = ana_client.post(url, upload_form(), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    document = Document.objects.get()
    assert response.status_code == 200
    assert response.json() == {"location": detail_url(document)}
    assert "has been uploaded as version 1" in ana_client.get(detail_url(document)
                                                              ).content.decode()


def test_the_script_gets_the_form_with_its_error_status(ana_client, url):
    response = ana_client.post(url, upload_form(txt(b"MZ\x90\x00", "setup.exe")),
                               HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 415
    assert "<main" in response.content.decode()
    assert 'name="title"' in response.content.decode()


# --- bad input ---------------------------------------------------------------------------------

def test_an_empty_file(ana_client, url):
    response = ana_client.post(url, upload_form(SimpleUploadedFile("gol.pdf", b"")))
    assert response.status_code == 400
    assert "The file is empty." in response.content.decode()
    _nothing_stored()


def test_no_file(ana_client, url):
    data = upload_form()
    del data["file"]
    response = ana_client.post(url, data)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    _nothing_stored()


def test_a_file_over_the_limit(ana_client, url, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    response = ana_client.post(url, upload_form(txt(b"a" * 1025, "mare.txt")))
    assert response.status_code == 413
    body = response.content.decode()
    assert "The file is larger than the limit" in body
    assert 'name="title"' in body  # the form, to try again
    _nothing_stored()
    # Exactly at the limit is accepted.
    assert ana_client.post(url, upload_form(txt(b"a" * 1024, "fix.txt"))).status_code == 302
    assert len(stored_files()) == 1


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(ana_client, url, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    response = ana_client.post(url, upload_form(txt(b"a" * (1024 * 1024 + 4096), "f.txt")),
                               HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 413
    assert "The file is larger than the limit" in response.content.decode()
    _nothing_stored()


def test_an_executable(ana_client, url):
    response = ana_client.post(url, upload_form(txt(b"MZ\x90\x00\x03" + b"\0" * 60, "setup.exe")))
    assert response.status_code == 415
    body = response.content.decode()
    assert "This type of file is not accepted." in body
    assert ALLOWED_TYPES in body
    _nothing_stored()


def test_an_executable_renamed_pdf(ana_client, url):
    response = ana_client.post(url, upload_form(txt(b"MZ\x90\x00\x03" + b"\0" * 60,
                                                    "Raport final.pdf")))
    assert response.status_code == 415
    body = response.content.decode()
    assert "does not match its .pdf name" in body
    assert ALLOWED_TYPES in body
    _nothing_stored()


def test_a_path_as_the_file_name(ana_client, url, settings):
    response = ana_client.post(url, upload_form(txt(b"root:x:0:0\n", "../../etc/passwd.txt")))
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.original_filename == "passwd.txt"
    assert "passwd" not in version.file.name
    assert version.file.name.startswith("documents/")
    [stored] = stored_files()
    assert str(stored).startswith(str(settings.MEDIA_ROOT))
    body = ana_client.get(detail_url(version.document)).content.decode()
    assert "passwd.txt" in body
    assert "../" not in body.split("<main", 1)[1]
    response = ana_client.get(reverse("documents:download", args=[version.document.pk, 1]))
    assert response["Content-Disposition"] == 'attachment; filename="passwd.txt"'


def test_control_characters_leave_the_file_name(ana_client, url):
    response = ana_client.post(url, upload_form(txt(b"text\n", "Minut\u0103\u202e\u200b.txt")))
    assert response.status_code == 302
    assert DocumentVersion.objects.get().original_filename == "Minută.txt"


def test_a_ten_thousand_character_title(ana_client, url):
    response = ana_client.post(url, upload_form(title="T" * 10_000))
    assert response.status_code == 400
    assert "Ensure this value has at most 300 characters" in response.content.decode()
    _nothing_stored()


def test_a_missing_category_and_a_blank_title(ana_client, url):
    response = ana_client.post(url, upload_form(title="   ", category=""))
    assert response.status_code == 400
    assert response.content.decode().count("invalid-feedback") == 2
    _nothing_stored()


def test_html_in_the_description_is_text(ana_client, url):
    description = '<img src=x onerror="alert(1)"> <b>important</b>'
    assert ana_client.post(url, upload_form(description=description)).status_code == 302
    document = Document.objects.get()
    assert document.description == description  # stored as typed
    body = ana_client.get(detail_url(document)).content.decode()
    assert "<img src=x" not in body
    assert "<b>important</b>" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;b&gt;important&lt;/b&gt;" in body


# --- new versions: the same rules ------------------------------------------------------------

def test_bad_new_versions_leave_only_the_first_file(wg1, ana, ana_client, settings):
    document = create_document(wg1, ana)
    url = reverse("documents:version_new", args=[document.pk])
    before = stored_files()
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    for upload, status, text in [
        (SimpleUploadedFile("gol.txt", b""), 400, "The file is empty."),
        (txt(b"a" * 1025, "mare.txt"), 413, "larger than the limit"),
        (txt(b"MZ\x90\x00", "setup.exe"), 415, "Allowed types"),
        (txt(b"MZ\x90\x00", "raport.pdf"), 415, "does not match its .pdf name"),
    ]:
        response = ana_client.post(url, {"file": upload, "note": "x"})
        assert response.status_code == status, upload.name
        assert text in response.content.decode(), upload.name
    response = ana_client.post(url, {"file": txt(), "note": "n" * 1001})
    assert response.status_code == 400
    assert stored_files() == before
    assert document.versions.count() == 1


def test_outsiders_cannot_reach_the_new_version_page(wg1, ana):
    document = create_document(wg1, ana)
    url = reverse("documents:version_new", args=[document.pk])
    assert client_for(UserFactory()).post(url, {"file": txt()}).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert document.versions.count() == 1
