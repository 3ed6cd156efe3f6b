"""The documents' REST API: the same rules as the pages. The permission matrix, the create and
version flows, downloads, bad uploads (each refused with its reason and no stray file), extra
fields ignored, and a list whose query count does not grow with the documents."""

import hashlib
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from documents import services
from documents.models import Document, DocumentEvent, DocumentVersion
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup
from workinggroups.services import membership_add

pytestmark = pytest.mark.django_db

GROUPS_URL = "/api/v1/working-groups/"
LIST_URL = "/api/v1/documents/"
V1 = b"Analiza SWOT a regiunii Nord-Est, versiunea 1.\n"
V2 = b"Analiza SWOT a regiunii Nord-Est, versiunea 2: puncte tari revizuite.\n"


def detail_url(document_id):
    return f"{LIST_URL}{document_id}/"


def versions_url(document_id):
    return f"{LIST_URL}{document_id}/versions/"


def download_url(document_id, number):
    return f"{LIST_URL}{document_id}/versions/{number}/download/"


def publish_url(document_id):
    return f"{LIST_URL}{document_id}/publish/"


def txt(content=V1, name="SWOT Nord-Est.txt"):
    return SimpleUploadedFile(name, content, "text/plain")


def anonymous():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def authed(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def stored_files() -> list:
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def make_document(group, user, *, title="SWOT Nord-Est", content=V1, name="SWOT Nord-Est.txt"):
    return services.document_create(group=group, user=user, upload=txt(content, name),
                                    title=title, category="swot")


def publish(document, coordinator):
    services.document_set_status(document=document, user=coordinator, status="final")
    return services.document_publish(document=document, user=coordinator)


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def wg2():
    return WorkingGroup.objects.get(code="WG2")


@pytest.fixture
def people(wg1, wg2):
    """Every kind of user the rules tell apart (the pending one has a token too)."""
    member = UserFactory(full_name="Ana Popescu", email="ana@example.ro")
    coordinator = UserFactory(full_name="Radu Ionescu", email="radu@example.ro")
    other = UserFactory(full_name="Ioana Marin", email="ioana@example.ro")
    membership_add(group=wg1, user=member, by=None, role=Membership.Role.MEMBER)
    membership_add(group=wg1, user=coordinator, by=None, role=Membership.Role.COORDINATOR)
    membership_add(group=wg2, user=other, by=None, role=Membership.Role.COORDINATOR)
    return {
        "anonymous": None,
        "pending": UserFactory(pending=True),
        "outsider": UserFactory(full_name="Dan Vasile"),
        "member": member,
        "coordinator": coordinator,
        "other_group": other,
        "staff": UserFactory(staff=True, full_name="Maria Admin"),
    }


def client_for(people, role):
    user = people[role]
    return anonymous() if user is None else authed(user)


@pytest.fixture
def draft(wg1, people):
    """A WG1 draft with two versions."""
    document = make_document(wg1, people["member"], title="Ciornă SWOT")
    services.version_add(document=document, user=people["member"], upload=txt(V2))
    return document


@pytest.fixture
def published(wg1, people):
    """A published WG1 document: v1, then v2, published at v2."""
    document = make_document(wg1, people["member"], title="Ghid de politici")
    services.version_add(document=document, user=people["member"], upload=txt(V2))
    return publish(document, people["coordinator"])


# --- The permission matrix --------------------------------------------------------------------

ROLES = ["anonymous", "pending", "outsider", "member", "coordinator", "other_group", "staff"]


def expect(draft_codes, published_codes):
    """Parametrize one action over every role for both documents."""
    return [pytest.param(role, kind, code, id=f"{kind}-{role}")
            for kind, codes in (("draft", draft_codes), ("published", published_codes))
            for role, code in zip(ROLES, codes, strict=True)]


#                    anon pend  outs memb coord other staff
VIEW = expect([404, 401, 404, 200, 200, 404, 200], [200, 401, 200, 200, 200, 200, 200])
OLD = expect([404, 401, 404, 200, 200, 404, 200], [404, 401, 404, 200, 200, 404, 200])
UPLOAD = expect([401, 401, 404, 201, 201, 404, 201], [401, 401, 403, 201, 201, 403, 201])
# The draft is not final (400 for those who may publish); the published one is republished.
PUBLISH = expect([401, 401, 404, 403, 400, 404, 400], [401, 401, 403, 403, 200, 403, 200])


@pytest.fixture
def docs(draft, published):
    return {"draft": draft, "published": published}


@pytest.mark.parametrize(("role", "kind", "code"), VIEW)
def test_matrix_view(people, docs, role, kind, code):
    response = client_for(people, role).get(detail_url(docs[kind].pk))
    assert response.status_code == code, response.content


@pytest.mark.parametrize(("role", "kind", "code"), VIEW)
def test_matrix_list(people, docs, role, kind, code):
    response = client_for(people, role).get(LIST_URL)
    if role == "pending":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = [d["id"] for d in response.json()["results"]]
    assert (docs[kind].pk in ids) is (code == 200)


@pytest.mark.parametrize(("role", "kind", "code"), VIEW)
def test_matrix_download_current_version(people, docs, role, kind, code):
    response = client_for(people, role).get(download_url(docs[kind].pk, 2))
    assert response.status_code == code
    if code == 200:
        assert body(response) == V2


@pytest.mark.parametrize(("role", "kind", "code"), OLD)
def test_matrix_download_old_version(people, docs, role, kind, code):
    response = client_for(people, role).get(download_url(docs[kind].pk, 1))
    assert response.status_code == code
    if code == 200:
        assert body(response) == V1


@pytest.mark.parametrize(("role", "kind", "code"), UPLOAD)
def test_matrix_upload_version(people, docs, role, kind, code):
    document = docs[kind]
    response = client_for(people, role).post(
        versions_url(document.pk), {"file": txt(b"Versiunea 3.\n"), "note": "Revizuit"},
        format="multipart")
    assert response.status_code == code, response.content
    assert document.versions.count() == (3 if code == 201 else 2)
    if code == 201:
        assert response.json()["number"] == 3


@pytest.mark.parametrize(("role", "kind", "code"), PUBLISH)
def test_matrix_publish(people, docs, role, kind, code):
    document = docs[kind]
    response = client_for(people, role).post(publish_url(document.pk))
    assert response.status_code == code, response.content
    document.refresh_from_db()
    assert document.is_published is (kind == "published")
    if code == 200:
        assert response.json()["is_published"] is True


@pytest.mark.parametrize(("role", "kind", "code"), VIEW)
def test_matrix_versions_list(people, docs, role, kind, code):
    response = client_for(people, role).get(versions_url(docs[kind].pk))
    assert response.status_code == code
    if code == 200:
        numbers = [v["number"] for v in response.json()]
        member = role in ("member", "coordinator", "staff")
        assert numbers == ([2, 1] if member else [2])


def test_a_hidden_document_answers_exactly_like_a_missing_one(people, draft):
    client = authed(people["outsider"])
    hidden = client.get(detail_url(draft.pk))
    missing = client.get(detail_url(draft.pk + 1000))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for url in (versions_url, lambda pk: download_url(pk, 1), publish_url):
        method = client.post if url is publish_url else client.get
        assert method(url(draft.pk)).json() == method(url(draft.pk + 1000)).json()


def test_anonymous_cannot_create(people):
    response = anonymous().post(LIST_URL, {"working_group": "WG1", "title": "X",
                                           "category": "swot", "file": txt()},
                                format="multipart")
    assert response.status_code == 401
    assert not stored_files()


def test_a_non_member_cannot_create_in_a_group(people):
    for role in ("outsider", "other_group"):
        response = authed(people[role]).post(
            LIST_URL, {"working_group": "WG1", "title": "X", "category": "swot",
                       "file": txt()}, format="multipart")
        assert response.status_code == 403
    assert not Document.objects.exists()
    assert not stored_files()


def test_unknown_group_is_400(people):
    response = authed(people["member"]).post(
        LIST_URL, {"working_group": "WG9", "title": "X", "category": "swot", "file": txt()},
        format="multipart")
    assert response.status_code == 400
    assert "working_group" in response.json()
    assert not stored_files()


def test_unpublish(people, published):
    assert authed(people["member"]).post(
        f"{LIST_URL}{published.pk}/unpublish/").status_code == 403
    response = authed(people["coordinator"]).post(f"{LIST_URL}{published.pk}/unpublish/")
    assert response.status_code == 200
    assert response.json()["is_published"] is False
    assert anonymous().get(detail_url(published.pk)).status_code == 404


def test_a_checked_out_document_refuses_other_uploaders(people, draft):
    services.document_lock(document=draft, user=people["coordinator"])
    response = authed(people["member"]).post(versions_url(draft.pk), {"file": txt(V2)},
                                             format="multipart")
    assert response.status_code == 409
    assert "Radu Ionescu" in response.json()["detail"]
    assert draft.versions.count() == 2


# --- Working groups ---------------------------------------------------------------------------

def test_working_groups_are_public(wg1):
    response = anonymous().get(GROUPS_URL)
    assert response.status_code == 200
    groups = response.json()
    assert [g["code"] for g in groups] == ["WG1", "WG2", "WG3", "WG4", "WG5", "WG6"]
    assert set(groups[0]) == {"code", "name_ro", "name_en", "description_ro",
                              "description_en", "role"}
    assert groups[0]["name_ro"] == wg1.name_ro
    assert {g["role"] for g in groups} == {None}


def test_working_groups_show_the_users_role(people, django_assert_max_num_queries):
    client = authed(people["coordinator"])
    with django_assert_max_num_queries(3):  # the token, the groups, the roles
        response = client.get(GROUPS_URL)
    roles = {g["code"]: g["role"] for g in response.json()}
    assert roles == {"WG1": "coordinator", "WG2": None, "WG3": None, "WG4": None,
                     "WG5": None, "WG6": None}
    roles = {g["code"]: g["role"] for g in authed(people["member"]).get(GROUPS_URL).json()}
    assert roles["WG1"] == "member"
    assert authed(people["pending"]).get(GROUPS_URL).status_code == 401


def test_urls_are_where_the_docs_say():
    assert reverse("api:working-group-list") == GROUPS_URL
    assert reverse("api:document-list") == LIST_URL
    assert reverse("api:document-detail", args=[7]) == detail_url(7)
    assert reverse("api:document-versions", args=[7]) == versions_url(7)
    assert reverse("api:document-download", args=[7, 2]) == download_url(7, 2)
    assert reverse("api:document-publish", args=[7]) == publish_url(7)


# --- Creating documents and versions ----------------------------------------------------------

def test_create_returns_the_document_and_its_version_1(people):
    content = "Analiză SWOT pentru regiunea Nord-Est.\n".encode()
    response = authed(people["member"]).post(LIST_URL, {
        "working_group": "WG1", "title": "  Analiză SWOT Nord-Est ", "category": "swot",
        "description": "Puncte tari și slabe.", "language": "ro", "tags": "swot, nord-est",
        "file": txt(content, "Analiză SWOT.txt"), "note": "Prima variantă",
    }, format="multipart")
    assert response.status_code == 201, response.content
    data = response.json()
    document = Document.objects.get()
    assert response["Location"] == f"http://testserver{detail_url(document.pk)}"
    assert data["id"] == document.pk
    assert data["working_group"] == "WG1"
    assert data["title"] == "Analiză SWOT Nord-Est"
    assert data["status"] == "draft"
    assert data["is_published"] is False
    assert data["created_by"] == "Ana Popescu"
    version = data["current_version"]
    assert version["number"] == 1
    assert version["sha256"] == hashlib.sha256(content).hexdigest()
    assert version["size"] == len(content)
    assert version["filename"] == "Analiză SWOT.txt"
    assert version["content_type"] == "text/plain; charset=utf-8"
    assert version["uploaded_by"] == "Ana Popescu"
    assert version["note"] == "Prima variantă"
    assert version["created_at"]
    assert version["download_url"] == f"http://testserver{download_url(document.pk, 1)}"
    # What is stored is what was sent, under a generated name.
    stored = document.versions.get()
    with default_storage.open(stored.file.name, "rb") as f:
        assert f.read() == content
    assert "SWOT" not in stored.file.name


def test_a_second_version_is_number_2(people, wg1):
    document = make_document(wg1, people["member"])
    response = authed(people["coordinator"]).post(
        versions_url(document.pk), {"file": txt(V2, "SWOT v2.txt"), "note": "Revizuit"},
        format="multipart")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= {"number", "sha256", "size", "content_type", "filename",
                         "uploaded_by", "created_at", "note"}
    assert data["number"] == 2
    assert data["sha256"] == hashlib.sha256(V2).hexdigest()
    assert data["size"] == len(V2)
    assert data["filename"] == "SWOT v2.txt"
    assert data["uploaded_by"] == "Radu Ionescu"
    assert data["note"] == "Revizuit"
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    detail = authed(people["member"]).get(detail_url(document.pk)).json()
    assert detail["current_version"]["number"] == 2


def test_the_uploader_shows_as_the_email_without_a_full_name(people, wg1):
    document = make_document(wg1, people["member"])
    nameless = UserFactory(full_name="", email="fara.nume@example.ro")
    membership_add(group=wg1, user=nameless, by=None)
    response = authed(nameless).post(versions_url(document.pk), {"file": txt(V2)},
                                     format="multipart")
    assert response.json()["uploaded_by"] == "fara.nume@example.ro"


# --- Downloads --------------------------------------------------------------------------------

def test_download_is_byte_identical_with_the_original_name(people, wg1):
    document = make_document(wg1, people["member"], name="SWOT Nord-Est.txt")
    response = authed(people["member"]).get(download_url(document.pk, 1))
    assert response.status_code == 200
    assert body(response) == V1
    assert response["Content-Disposition"] == 'attachment; filename="SWOT Nord-Est.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(V1))
    event = DocumentEvent.objects.get(action=DocumentEvent.Action.DOWNLOADED)
    assert event.user == people["member"]
    assert event.version.number == 1


def test_download_keeps_the_diacritics_of_the_name(people, wg1):
    content = "Puncte tari: ținte clare.\n".encode()
    document = make_document(wg1, people["member"], content=content, name="Analiză SWOT.txt")
    response = authed(people["member"]).get(download_url(document.pk, 1))
    assert body(response) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote('Analiză SWOT.txt')}" in disposition
    assert "Analiz%C4%83%20SWOT.txt" in disposition


def test_anonymous_download_of_the_published_version_is_recorded(people, published):
    response = anonymous().get(download_url(published.pk, 2), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert body(response) == V2
    event = DocumentEvent.objects.get(action=DocumentEvent.Action.DOWNLOADED)
    assert event.user is None


def test_unknown_version_is_404(people, draft):
    assert authed(people["member"]).get(download_url(draft.pk, 3)).status_code == 404


# --- Bad input --------------------------------------------------------------------------------

def create(client, **fields):
    data = {"working_group": "WG1", "title": "SWOT", "category": "swot", "file": txt()}
    data.update(fields)
    return client.post(LIST_URL, data, format="multipart")


def test_empty_file_is_400(people):
    response = create(authed(people["member"]), file=txt(b"", "gol.txt"))
    assert response.status_code == 400
    assert "file" in response.json()
    assert not stored_files()
    assert not Document.objects.exists()


def test_over_limit_file_is_413(people, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    response = create(authed(people["member"]), file=txt(b"a" * 1025, "mare.txt"))
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]
    assert not stored_files()
    assert not Document.objects.exists()
    # Exactly at the limit is fine.
    assert create(authed(people["member"]), file=txt(b"a" * 1024, "fix.txt")).status_code == 201


def test_over_limit_is_refused_before_the_csrf_check_reads_the_body(people, settings):
    """Session authentication's CSRF check reads request.POST: the limit is already in
    place then."""
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["member"])
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    response = create(client, file=txt(b"a" * 1025, "mare.txt"))
    assert response.status_code == 413
    assert not stored_files()


def test_over_limit_new_version_is_413(people, wg1, settings, monkeypatch):
    document = make_document(wg1, people["member"])
    before = stored_files()
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024

    def never(**kwargs):
        raise AssertionError("refused while the upload streamed: the service is not reached")

    monkeypatch.setattr(services, "version_add", never)
    response = authed(people["member"]).post(versions_url(document.pk),
                                             {"file": txt(b"a" * 1025)}, format="multipart")
    assert response.status_code == 413
    assert stored_files() == before
    assert document.versions.count() == 1


def test_an_executable_named_pdf_is_415_naming_the_allowed_types(people):
    response = create(authed(people["member"]),
                      file=SimpleUploadedFile("raport.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200,
                                              "application/pdf"))
    assert response.status_code == 415
    data = response.json()
    assert "PDF" in data["detail"]
    assert "DOCX" in data["detail"]
    assert "pdf" in data["allowed_types"]
    assert not stored_files()
    assert not Document.objects.exists()


def test_an_unknown_extension_is_415(people):
    response = create(authed(people["member"]), file=txt(b"echo hi\n", "script.sh"))
    assert response.status_code == 415
    assert not stored_files()


def test_a_path_as_file_name_is_stored_under_a_generated_name(people):
    response = create(authed(people["member"]), file=txt(V1, "../../etc/passwd.txt"))
    assert response.status_code == 201, response.content
    assert response.json()["current_version"]["filename"] == "passwd.txt"
    version = DocumentVersion.objects.get()
    assert version.original_filename == "passwd.txt"
    assert ".." not in version.file.name
    assert "passwd" not in version.file.name
    [path] = stored_files()
    assert path.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
    assert path.name != "passwd.txt"


def test_a_10000_character_title_is_400(people):
    response = create(authed(people["member"]), title="T" * 10_000)
    assert response.status_code == 400
    assert "title" in response.json()
    assert not stored_files()
    assert not Document.objects.exists()


def test_html_in_the_description_is_kept_as_text(people):
    html = '<script>alert("x")</script><b>SWOT</b>'
    response = create(authed(people["member"]), description=html)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["description"] == html


def test_missing_fields_are_400(people):
    response = authed(people["member"]).post(LIST_URL, {"working_group": "WG1"},
                                             format="multipart")
    assert response.status_code == 400
    assert {"title", "category", "file"} <= set(response.json())
    assert not stored_files()


# --- Extra fields are not applied -------------------------------------------------------------

def test_extra_fields_on_create_are_ignored(people):
    response = create(authed(people["member"]), status="final", owner=people["staff"].pk,
                      created_by=people["staff"].pk, uploaded_by=people["staff"].pk,
                      number=7, published_version=1, locked_by=people["staff"].pk)
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert document.status == "draft"
    assert document.created_by == people["member"]
    assert document.published_version is None
    assert document.locked_by is None
    version = document.versions.get()
    assert version.number == 1
    assert version.uploaded_by == people["member"]


def test_extra_fields_on_a_new_version_are_ignored(people, wg1):
    document = make_document(wg1, people["member"])
    response = authed(people["member"]).post(versions_url(document.pk), {
        "file": txt(V2), "number": 9, "uploaded_by": people["staff"].pk,
        "working_group": "WG2", "status": "final", "owner": people["staff"].pk,
        "sha256": "0" * 64, "size": 1,
    }, format="multipart")
    assert response.status_code == 201, response.content
    document.refresh_from_db()
    assert document.group.code == "WG1"
    assert document.status == "draft"
    version = document.versions.get(number=2)
    assert version.uploaded_by == people["member"]
    assert version.sha256 == hashlib.sha256(V2).hexdigest()
    assert version.size == len(V2)
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]


# --- The list ---------------------------------------------------------------------------------

def test_the_list_shows_drafts_of_ones_groups_and_published_documents(people, wg1, wg2):
    wg1_draft = make_document(wg1, people["member"], title="Ciornă WG1")
    wg2_draft = make_document(wg2, people["other_group"], title="Ciornă WG2")
    wg2_final = publish(make_document(wg2, people["other_group"], title="Final WG2"),
                        people["other_group"])

    def titles(client, **params):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, response.content
        return {d["title"] for d in response.json()["results"]}

    member = authed(people["member"])
    assert titles(member) == {"Ciornă WG1", "Final WG2"}
    assert titles(anonymous()) == {"Final WG2"}
    assert titles(authed(people["staff"])) == {"Ciornă WG1", "Ciornă WG2", "Final WG2"}
    # A group the member is not in: only its published documents, never its drafts.
    assert titles(member, working_group="WG2") == {"Final WG2"}
    assert titles(member, working_group="WG2", status="draft") == set()
    assert titles(member, working_group="WG1", status="draft") == {"Ciornă WG1"}
    assert titles(member, search="ciorna") == {"Ciornă WG1"}
    assert titles(member, search="FINAL wg2") == {"Final WG2"}
    assert member.get(LIST_URL, {"working_group": "WG9"}).status_code == 400
    assert member.get(LIST_URL, {"status": "secret"}).status_code == 400
    # Non-members are offered the published version only.
    services.version_add(document=wg2_final, user=people["other_group"], upload=txt(V2))
    [row] = member.get(LIST_URL, {"working_group": "WG2"}).json()["results"]
    assert row["published_version"] == 1
    assert row["current_version"]["number"] == 1
    [row] = authed(people["other_group"]).get(
        LIST_URL, {"working_group": "WG2", "status": "final"}).json()["results"]
    assert row["current_version"]["number"] == 2
    assert {wg1_draft.pk, wg2_draft.pk}.isdisjoint(
        d["id"] for d in anonymous().get(LIST_URL).json()["results"])


def test_the_list_query_count_does_not_grow_with_the_documents(people, wg1, wg2):
    member = people["member"]
    membership_add(group=wg2, user=member, by=None)
    client = authed(member)

    def add(count):
        for n in range(count):
            group = wg1 if n % 2 else wg2
            others = people["other_group"] if group == wg2 else people["coordinator"]
            uploader = member if n % 3 else others
            document = make_document(group, uploader, title=f"Document {n}")
            if n % 4 == 0:
                services.version_add(document=document, user=member, upload=txt(V2))
        # Published documents of a group the member is not in.
        wg3 = WorkingGroup.objects.get(code="WG3")
        staff = people["staff"]
        for n in range(count // 5 or 1):
            publish(make_document(wg3, staff, title=f"Public {n}"), staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        return len(captured), response.json()

    add(5)
    few, data = queries()
    assert data["count"] == 6
    add(45)
    many, data = queries()
    assert data["count"] == 6 + 45 + 9
    assert len(data["results"]) == 25
    assert many == few, (few, many)
    assert few <= 5  # the token, the count, the page, the page's versions
    # Anonymous visitors too.
    with CaptureQueriesContext(connection) as captured:
        assert anonymous().get(LIST_URL).json()["count"] == 10
    assert len(captured) <= few
