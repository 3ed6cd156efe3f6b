"""The permission matrix of the documents pages: who may list, view, download (current and old
version), upload a version, publish and trash, for a draft and for a published document.
Exact status codes; a draft's title never reaches anyone outside its group."""

import pytest
from django.urls import reverse

from documents.models import Document
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup

from .web_helpers import (
    add_version,
    body_of,
    client_for,
    create_document,
    member_of,
    publish,
    txt,
)

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Ciornă confidențială: strategia WG1"
PUBLISHED_TITLE = "Ghid de politici de cluster publicat"
ROLES = ["anonymous", "pending", "non_member", "member", "coordinator", "other_group", "staff"]
LOGIN, DONE = "login", "done"  # a redirect to the login page / the action was carried out


@pytest.fixture
def world():
    wg1, wg2 = WorkingGroup.objects.get(code="WG1"), WorkingGroup.objects.get(code="WG2")
    author = member_of(wg1, full_name="Ana Popescu")
    coordinator = member_of(wg1, Membership.Role.COORDINATOR, full_name="Radu Ionescu")
    users = {
        "anonymous": None,
        "pending": UserFactory(pending=True),
        "non_member": UserFactory(),
        "member": member_of(wg1, full_name="Mihai Dobre"),
        "coordinator": coordinator,
        "other_group": member_of(wg2),
        "staff": UserFactory(staff=True),
    }
    draft = create_document(wg1, author, title=DRAFT_TITLE)
    add_version(draft, author, b"Draft, second version.\n", note="Comentarii interne")
    published = create_document(wg1, author, title=PUBLISHED_TITLE)
    add_version(published, author, b"Guide, final text.\n", note="Varianta finala")
    publish(published, coordinator)
    return {"users": users, "draft": draft, "published": published}


def _request(client, action, document):
    pk = document.pk
    if action == "list":
        return client.get(reverse("documents:index"))
    if action == "view":
        return client.get(reverse("documents:detail", args=[pk]))
    if action == "download_current":
        return client.get(reverse("documents:download", args=[pk, 2]))
    if action == "download_old":
        return client.get(reverse("documents:download", args=[pk, 1]))
    if action == "upload_version":
        return client.post(reverse("documents:version_new", args=[pk]),
                           {"file": txt(b"A third version.\n"), "note": "v3"})
    if action == "publish":
        return client.post(reverse("documents:publish", args=[pk]))
    if action == "trash":
        return client.post(reverse("documents:trash", args=[pk]))
    raise AssertionError(action)


#            anonymous pending non_member member coordinator other_group staff
DRAFT = {
    "list":             [200, LOGIN, 200, 200, 200, 200, 200],
    "view":             [404, LOGIN, 404, 200, 200, 404, 200],
    "download_current": [404, LOGIN, 404, 200, 200, 404, 200],
    "download_old":     [404, LOGIN, 404, 200, 200, 404, 200],
    "upload_version":   [LOGIN, LOGIN, 404, DONE, DONE, 404, DONE],
    "publish":          [LOGIN, LOGIN, 404, 403, DONE, 404, DONE],
    "trash":            [LOGIN, LOGIN, 404, 403, DONE, 404, DONE],
}
PUBLISHED = {
    "list":             [200, LOGIN, 200, 200, 200, 200, 200],
    "view":             [200, LOGIN, 200, 200, 200, 200, 200],
    "download_current": [200, LOGIN, 200, 200, 200, 200, 200],
    "download_old":     [404, LOGIN, 404, 200, 200, 404, 200],
    "upload_version":   [LOGIN, LOGIN, 403, DONE, DONE, 403, DONE],
    "publish":          [LOGIN, LOGIN, 403, 403, DONE, 403, DONE],
    "trash":            [LOGIN, LOGIN, 403, 403, DONE, 403, DONE],
}
CASES = [(kind, action, role, table[action][i])
         for kind, table in (("draft", DRAFT), ("published", PUBLISHED))
         for action in table for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("kind", "action", "role", "expected"), CASES,
                         ids=[f"{k}-{a}-{r}" for k, a, r, _e in CASES])
def test_permission_matrix(world, kind, action, role, expected):
    document = world[kind]
    response = _request(client_for(world["users"][role]), action, document)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected

    document.refresh_from_db()
    done = expected == DONE
    assert document.versions.count() == (3 if done and action == "upload_version" else 2)
    assert document.is_trashed == (done and action == "trash")
    # A draft cannot be published; the trash takes a document out of the archive.
    assert document.is_published == (kind == "published" and not document.is_trashed)

    if role not in ("member", "coordinator", "staff"):
        assert DRAFT_TITLE.encode() not in body_of(response)
    if action == "list" and response.status_code == 200:
        body = response.content.decode()
        assert PUBLISHED_TITLE in body
        assert DRAFT_TITLE not in body  # never in the archive, not even for members


def test_the_publish_refusal_of_a_draft_says_why(world):
    client = client_for(world["users"]["coordinator"])
    response = client.post(reverse("documents:publish", args=[world["draft"].pk]), follow=True)
    assert "Only a final document can be published." in response.content.decode()


def test_outsiders_see_the_published_version_only(world):
    published = world["published"]
    add_version(published, Document.objects.get(pk=published.pk).created_by,
                b"A newer draft after publication.\n", note="Lucru în curs după publicare")
    for role in ("anonymous", "non_member", "other_group"):
        client = client_for(world["users"][role])
        body = client.get(reverse("documents:detail", args=[published.pk])).content.decode()
        assert PUBLISHED_TITLE in body
        assert reverse("documents:download", args=[published.pk, 2]) in body
        for hidden in ("Version history", "Varianta finala", "Lucru în curs", "Check out",
                       "Draft", "Upload a new version", "Ana Popescu",
                       reverse("documents:download", args=[published.pk, 1]),
                       reverse("documents:download", args=[published.pk, 3])):
            assert hidden not in body, (role, hidden)
        assert client.get(reverse("documents:download", args=[published.pk, 3])
                          ).status_code == 404
        assert client.get(reverse("documents:download", args=[published.pk, 99])
                          ).status_code == 404


def test_members_see_everything(world):
    body = client_for(world["users"]["member"]).get(
        reverse("documents:detail", args=[world["draft"].pk])).content.decode()
    for text in (DRAFT_TITLE, "Version history", "Comentarii interne", "Ana Popescu", "Draft",
                 "Check out", "Upload a new version"):
        assert text in body, text


def test_a_document_that_does_not_exist_is_the_same_404(world):
    client = client_for(world["users"]["non_member"])
    missing = client.get(reverse("documents:detail", args=[999999]))
    hidden = client.get(reverse("documents:detail", args=[world["draft"].pk]))
    assert missing.status_code == hidden.status_code == 404
    assert DRAFT_TITLE not in hidden.content.decode()


def test_other_actions_of_outsiders_are_refused(world):
    draft, published = world["draft"], world["published"]
    client = client_for(world["users"]["other_group"])
    for name in ("lock", "unlock", "status", "unpublish", "untrash"):
        assert client.post(reverse(f"documents:{name}", args=[draft.pk]),
                           {"status": "review"}).status_code == 404, name
        assert client.post(reverse(f"documents:{name}", args=[published.pk]),
                           {"status": "review"}).status_code == 403, name
    assert client.post(reverse("documents:restore", args=[published.pk, 1])).status_code == 403
    assert client.get(reverse("documents:edit", args=[published.pk])).status_code == 403
    assert client.get(reverse("documents:compare", args=[published.pk]) + "?a=1&b=2"
                      ).status_code == 404
    published.refresh_from_db()
    assert published.is_published
    assert published.versions.count() == 2
