"""Status, publication, unpublication, trash and restore from the trash, through the pages; the
audit trail on the document page."""

import pytest
from django.urls import reverse

from workinggroups.models import Membership, WorkingGroup

from .web_helpers import (
    add_version,
    body_of,
    client_for,
    create_document,
    detail_url,
    download_url,
    member_of,
)

pytestmark = pytest.mark.django_db

TITLE = "Ghid de bune practici pentru clustere"


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def ana(wg1):
    return member_of(wg1, full_name="Ana Popescu")


@pytest.fixture
def coordinator(wg1):
    return member_of(wg1, Membership.Role.COORDINATOR, full_name="Radu Ionescu")


@pytest.fixture
def document(wg1, ana):
    document = create_document(wg1, ana, title=TITLE, content=b"Prima versiune\n")
    add_version(document, ana, b"A doua versiune\n", note="Revizuit")
    return document


def _post(client, name, document, **data):
    return client.post(reverse(f"documents:{name}", args=[document.pk]), data)


def test_members_move_drafts_to_review_and_only_coordinators_mark_final(document, ana,
                                                                        coordinator):
    client = client_for(ana)
    body = client.get(detail_url(document)).content.decode()
    assert '<option value="review"' in body
    assert '<option value="final"' not in body
    assert _post(client, "status", document, status="review").status_code == 302
    document.refresh_from_db()
    assert document.status == "review"
    assert _post(client, "status", document, status="final").status_code == 403
    document.refresh_from_db()
    assert document.status == "review"

    coordinator_client = client_for(coordinator)
    assert '<option value="final"' in coordinator_client.get(detail_url(document)
                                                             ).content.decode()
    response = coordinator_client.post(reverse("documents:status", args=[document.pk]),
                                       {"status": "final"}, follow=True)
    assert "The status is now “Final”." in response.content.decode()
    document.refresh_from_db()
    assert document.status == "final"
    # A member can no longer change a final document's status.
    body = client.get(detail_url(document)).content.decode()
    assert "Only a coordinator can change a final document" in body


def test_publish_unpublish_trash_and_restore(wg1, document, ana, coordinator):
    coordinator_client, anonymous = client_for(coordinator), client_for(None)
    archive = reverse("documents:index")
    assert TITLE not in anonymous.get(archive).content.decode()
    body = coordinator_client.get(detail_url(document)).content.decode()
    assert 'disabled aria-describedby="publish-help"' in body  # not final yet

    _post(coordinator_client, "status", document, status="final")
    assert _post(coordinator_client, "publish", document).status_code == 302
    document.refresh_from_db()
    assert document.published_version.number == 2

    # In the archive; anonymous visitors download the published version only.
    body = anonymous.get(archive).content.decode()
    assert TITLE in body
    assert download_url(document, 2) in body
    assert body_of(anonymous.get(download_url(document, 2))) == b"A doua versiune\n"
    assert anonymous.get(download_url(document, 1)).status_code == 404
    assert anonymous.get(detail_url(document)).status_code == 200

    # A later version stays in the group until published again.
    add_version(document, ana, b"A treia versiune\n", note="Lucru nou")
    assert anonymous.get(download_url(document, 3)).status_code == 404
    body = coordinator_client.get(detail_url(document)).content.decode()
    assert "Version 2 is in the public archive." in body
    assert "Publish version 3 instead" in body
    _post(coordinator_client, "publish", document)
    document.refresh_from_db()
    assert document.published_version.number == 3
    assert anonymous.get(download_url(document, 2)).status_code == 404
    assert anonymous.get(download_url(document, 3)).status_code == 200

    # Moving out of final while published is refused with the reason.
    response = coordinator_client.post(reverse("documents:status", args=[document.pk]),
                                       {"status": "draft"}, follow=True)
    assert "Unpublish the document before moving it out of final." in response.content.decode()

    # Unpublishing removes it from the archive at once.
    assert _post(coordinator_client, "unpublish", document).status_code == 302
    assert TITLE not in anonymous.get(archive).content.decode()
    assert anonymous.get(detail_url(document)).status_code == 404
    assert anonymous.get(download_url(document, 3)).status_code == 404

    # Published again, then moved to the trash by its creator: gone from the archive and the
    # group's space.
    _post(coordinator_client, "publish", document)
    assert TITLE in anonymous.get(archive).content.decode()
    ana_client = client_for(ana)
    body = ana_client.get(detail_url(document)).content.decode()
    assert "data-confirm=" in body
    response = _post(ana_client, "trash", document)
    assert response.status_code == 302
    assert response["Location"] == wg1.get_absolute_url()
    document.refresh_from_db()
    assert document.is_trashed
    assert not document.is_published
    assert TITLE not in anonymous.get(archive).content.decode()
    space = ana_client.get(wg1.get_absolute_url()).content.decode()
    assert "has been moved to the group&#x27;s trash" in space  # the message
    assert TITLE not in ana_client.get(wg1.get_absolute_url()).content.decode()
    assert ana_client.get(detail_url(document)).status_code == 404
    assert ana_client.get(download_url(document, 1)).status_code == 404
    assert _post(ana_client, "untrash", document).status_code == 404

    # The coordinator sees it in the trash and restores it.
    body = coordinator_client.get(detail_url(document)).content.decode()
    assert "In the group's trash since" in body
    assert reverse("documents:untrash", args=[document.pk]) in body
    response = _post(coordinator_client, "untrash", document)
    assert response.status_code == 302
    document.refresh_from_db()
    assert not document.is_trashed
    assert TITLE in ana_client.get(wg1.get_absolute_url()).content.decode()
    assert ana_client.get(detail_url(document)).status_code == 200
    assert TITLE not in anonymous.get(archive).content.decode()  # not republished by itself
    assert document.versions.count() == 3  # nothing lost


def test_coordinators_see_the_audit_trail_members_do_not(document, ana, coordinator):
    client_for(ana).get(download_url(document, 1))
    body = client_for(coordinator).get(detail_url(document)).content.decode()
    assert "Audit trail" in body
    for action in ("created", "uploaded a version", "downloaded"):
        assert action in body
    assert "Audit trail" not in client_for(ana).get(detail_url(document)).content.decode()


def test_html_in_the_details_is_shown_as_text(wg1, ana):
    # (The file itself must not start like a web page: such uploads are refused.)
    document = create_document(wg1, ana, title="<b>Titlu</b>", content=b"Titlu\n",
                               description='<script>alert("x")</script>\nA doua linie',
                               tags="<i>tag</i>")
    body = client_for(ana).get(detail_url(document)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>A doua linie" in body
    assert "<b>Titlu</b>" not in body
    assert "&lt;b&gt;Titlu&lt;/b&gt;" in body
    assert "<i>tag</i>" not in body
