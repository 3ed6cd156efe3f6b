"""The groups list and a group's space: what each kind of visitor sees, and what it costs."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services as documents
from tests.factories import UserFactory
from workinggroups.models import JoinRequest, Membership, WorkingGroup

from .conftest import client_for, make_document

pytestmark = pytest.mark.django_db

SECRET = "Strategie confidențială Nord-Est"
TRASHED = "Raport aruncat la coș"


def _upload():
    return SimpleUploadedFile("n.txt", b"text", "text/plain")


def space_url(group, name="detail"):
    return reverse(f"workinggroups:{name}", args=[group.code])


def text(response) -> str:
    """The page's text with its whitespace collapsed."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def document_list(response) -> str:
    """The text of the space's document list (the activity feed names documents too)."""
    page = response.content.decode()
    start, end = page.index('id="documents-heading"'), page.index('id="activity-heading"')
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page[start:end]).split()))


@pytest.fixture
def actors(coordinator, member, outsider, other_coordinator):
    return {
        "anonymous": None,
        "pending": UserFactory(pending=True),
        "outsider": outsider,
        "member": member,
        "coordinator": coordinator,
        "other_group": other_coordinator,
        "staff": UserFactory(staff=True),
    }


@pytest.fixture
def private_documents(wg1, coordinator):
    make_document(wg1, coordinator, title=SECRET)
    trashed = make_document(wg1, coordinator, title=TRASHED)
    documents.document_trash(document=trashed, user=coordinator)


# --- the list of groups -------------------------------------------------------------------

def test_list_shows_the_six_groups_with_counts(client, wg1, coordinator, member):
    document = make_document(wg1, coordinator, title="Ghid de politici publicat")
    documents.document_set_status(document=document, user=coordinator, status="final")
    documents.document_publish(document=document, user=coordinator)
    make_document(wg1, coordinator, title="Ciornă")
    body = text(client.get(reverse("workinggroups:index")))
    for group in WorkingGroup.objects.all():
        assert group.code in body
        assert group.name_en in body
    assert "Cluster development for innovation, R&D" in body
    assert "2 members · 1 published document" in body
    assert "0 members · 0 published documents" in body
    assert "Log in to ask to join a group" in body


def test_list_speaks_romanian(wg1):
    body = client_for(None, HTTP_ACCEPT_LANGUAGE="ro").get(
        reverse("workinggroups:index")).content.decode()
    assert "Dezvoltarea clusterelor pentru inovare, C&amp;D" in body
    assert "Cooperarea și rețelele de clustere internaționale" in body


def test_list_shows_my_role_and_pending_requests(wg1, wg2, coordinator, member):
    JoinRequest.objects.create(group=wg2, user=member)
    body = text(client_for(member).get(reverse("workinggroups:index")))
    assert "You: Member" in body
    assert "Open the WG1 space" in body
    assert "Your request is pending" in body
    assert "You: Coordinator" in text(client_for(coordinator).get(
        reverse("workinggroups:index")))


def test_list_query_count_is_fixed(client, wg1, coordinator, member,
                                   django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("workinggroups:index")).status_code == 200


# --- the space: what each visitor sees ----------------------------------------------------

def test_unknown_group_is_404(client):
    assert client.get("/groups/WG9/").status_code == 404


def test_code_in_lower_case_redirects(client, wg1):
    response = client.get("/groups/wg1/")
    assert response.status_code == 301
    assert response["Location"] == "/groups/WG1/"


def test_everyone_sees_name_description_and_coordinators(client, wg1, coordinator, member):
    body = text(client.get(space_url(wg1)))
    assert wg1.name_en in body
    assert wg1.description_en[:40] in body
    assert "Coordinators" in body
    assert "Ana Popescu" in body
    assert "Ion Vasilescu" not in body  # the member list is for members
    assert "Log in to ask to join" in body
    assert "Upcoming events" not in body


def test_a_group_without_coordinator_says_so(client, wg1):
    assert "has no coordinator yet" in text(client.get(space_url(wg1)))


def test_member_sees_the_space(wg1, coordinator, member):
    document = make_document(wg1, coordinator, title="SWOT Nord-Est")
    documents.version_add(document=document, user=member, note="a doua versiune",
                          upload=_upload())
    documents.document_lock(document=document, user=coordinator)
    documents.document_set_status(document=document, user=member, status="review")
    body = text(client_for(member).get(space_url(wg1)))
    for expected in [
        "SWOT Nord-Est", "SWOT analysis", "In review", "v2",
        "Checked out by Ana Popescu since",
        "Ion Vasilescu uploaded a version · v2 · SWOT Nord-Est",
        "Ana Popescu checked out · SWOT Nord-Est",
        "2 members", "Ion Vasilescu", "Ana Popescu coordinator",
        "Upcoming events", "Your e-mail notifications", "Immediately", "Daily digest",
        "Leave the group", "1 document",
    ]:
        assert expected in body, expected
    assert "Members and requests" not in body
    assert "Audit" not in body
    assert 'data-confirm="Leave WG1?' in client_for(member).get(space_url(wg1)).content.decode()


def test_upload_button_links_to_the_upload_form(wg1, member):
    upload_url = reverse("documents:upload", args=[wg1.code])
    body = client_for(member).get(space_url(wg1)).content.decode()
    assert f'href="{upload_url}"' in body
    assert "Upload a document" in body


def test_documents_link_to_their_pages(wg1, coordinator, member):
    document = make_document(wg1, coordinator, title="Ghid de politici")
    document_url = reverse("documents:detail", args=[document.pk])
    body = client_for(member).get(space_url(wg1)).content.decode()
    assert f'href="{document_url}"' in body


def test_trash_restores_through_the_documents_view(wg1, coordinator):
    document = make_document(wg1, coordinator, title="Raport vechi")
    documents.document_trash(document=document, user=coordinator)
    untrash_url = reverse("documents:untrash", args=[document.pk])
    body = client_for(coordinator).get(space_url(wg1, "trash")).content.decode()
    assert f'action="{untrash_url}"' in body
    assert "Restore" in body


def test_published_documents_are_marked(wg1, coordinator, member):
    document = make_document(wg1, coordinator, title="Ghid final", category="policy-guide")
    documents.document_set_status(document=document, user=coordinator, status="final")
    documents.document_publish(document=document, user=coordinator)
    assert "Ghid final Policy guide Final Published" in document_list(
        client_for(member).get(space_url(wg1)))


def test_coordinator_and_staff_see_the_management_links(wg1, coordinator):
    for user in (coordinator, UserFactory(staff=True)):
        body = client_for(user).get(space_url(wg1)).content.decode()
        for name in ("members", "trash", "audit"):
            assert f'href="{space_url(wg1, name)}"' in body


def test_pending_requests_are_counted_for_coordinators(wg1, coordinator, outsider):
    JoinRequest.objects.create(group=wg1, user=outsider)
    body = text(client_for(coordinator).get(space_url(wg1)))
    assert "Members and requests 1 pending request" in body


def test_empty_space_has_an_empty_state(wg1, member):
    body = client_for(member).get(space_url(wg1)).content.decode()
    assert "empty-state" in body
    assert "The group has no documents yet." in body


def test_filter_by_status_and_search(wg1, coordinator, member):
    swot = make_document(wg1, coordinator, title="Analiză SWOT Nord-Est")
    make_document(wg1, coordinator, title="Ghid de bune practici")
    documents.document_set_status(document=swot, user=coordinator, status="review")
    client = client_for(member)
    body = document_list(client.get(space_url(wg1), {"status": "review"}))
    assert "Analiză SWOT Nord-Est" in body
    assert "Ghid de bune practici" not in body
    body = document_list(client.get(space_url(wg1), {"search": "analiza"}))  # accents do not matter
    assert "Analiză SWOT Nord-Est" in body
    assert "Ghid de bune practici" not in body
    body = document_list(client.get(space_url(wg1), {"status": "final"}))
    assert "No document matches this filter." in body
    body = document_list(client.get(space_url(wg1), {"status": "nonsense"}))  # ignored
    assert "Analiză SWOT Nord-Est" in body
    assert "Ghid de bune practici" in body


def test_documents_are_paginated_by_20_newest_first(wg1, coordinator, member):
    for n in range(23):
        make_document(wg1, coordinator, title=f"Document numărul {n:02d}")
    client = client_for(member)
    first = document_list(client.get(space_url(wg1)))
    assert "23 documents" in first
    assert "Document numărul 22" in first
    assert "Document numărul 02" not in first
    assert "Page 1 of 2" in first
    second = document_list(client.get(space_url(wg1), {"page": 2, "search": "numarul"}))
    assert "Document numărul 02" in second
    assert "Document numărul 22" not in second
    assert "search=numarul&amp;page=1" in client.get(
        space_url(wg1), {"page": 2, "search": "numarul"}).content.decode()
    assert first.index("Document numărul 22") < first.index("Document numărul 21")


def test_approved_non_member_can_ask_to_join(wg1, outsider):
    body = text(client_for(outsider).get(space_url(wg1)))
    assert "Ask to join" in body
    assert "Message to the coordinators (optional)" in body
    JoinRequest.objects.create(group=wg1, user=outsider)
    body = text(client_for(outsider).get(space_url(wg1)))
    assert "Your request is pending" in body
    assert "Ask to join" not in body


def test_staff_without_membership_sees_no_leave_or_notification_form(wg1):
    body = text(client_for(UserFactory(staff=True)).get(space_url(wg1)))
    assert "Leave the group" not in body
    assert "Your e-mail notifications" not in body
    assert "Upcoming events" in body


# --- the permission matrix ----------------------------------------------------------------

SEES_DOCUMENTS = {"member", "coordinator", "staff"}
MANAGES = {"coordinator", "staff"}


def _expected_page_status(actor):
    if actor in ("anonymous", "pending"):
        return 302
    return 200 if actor in MANAGES else 403


@pytest.mark.parametrize("actor", ["anonymous", "pending", "outsider", "member",
                                   "coordinator", "other_group", "staff"])
def test_space_permission_matrix(actor, actors, wg1, private_documents):
    client = client_for(actors[actor])
    response = client.get(space_url(wg1))
    if actor == "pending":  # logged out at once by the middleware
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert (SECRET in body) is (actor in SEES_DOCUMENTS)
    assert TRASHED not in body
    assert ("Upcoming events" in body) is (actor in SEES_DOCUMENTS)
    assert ("Members and requests" in body) is (actor in MANAGES)


@pytest.mark.parametrize("page", ["members", "trash", "audit"])
@pytest.mark.parametrize("actor", ["anonymous", "pending", "outsider", "member",
                                   "coordinator", "other_group", "staff"])
def test_management_pages_permission_matrix(actor, page, actors, wg1, private_documents):
    response = client_for(actors[actor]).get(space_url(wg1, page))
    assert response.status_code == _expected_page_status(actor)
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    body = response.content.decode()
    if actor not in MANAGES:
        assert SECRET not in body
        assert TRASHED not in body
    elif page == "trash":
        assert TRASHED in body
        assert SECRET not in body
        assert "by Ana Popescu" in text(response)
    elif page == "audit":
        assert SECRET in body
        assert TRASHED in body


@pytest.mark.parametrize("actor", ["anonymous", "pending", "outsider", "member",
                                   "coordinator", "other_group", "staff"])
def test_deciding_a_request_permission_matrix(actor, actors, wg1, capture_commits):
    applicant = UserFactory()
    join_request = JoinRequest.objects.create(group=wg1, user=applicant)
    url = reverse("workinggroups:decide", args=[wg1.code, join_request.pk])
    with capture_commits():
        response = client_for(actors[actor]).post(url, {"decision": "accept"})
    join_request.refresh_from_db()
    if actor in MANAGES:
        assert response.status_code == 302
        assert response["Location"] == space_url(wg1, "members")
        assert join_request.status == "accepted"
        assert Membership.objects.filter(group=wg1, user=applicant).exists()
    else:
        assert response.status_code == (302 if actor in ("anonymous", "pending") else 403)
        assert join_request.status == "pending"
        assert not Membership.objects.filter(group=wg1, user=applicant).exists()


@pytest.mark.parametrize("actor", ["anonymous", "pending", "outsider", "member",
                                   "coordinator", "other_group", "staff"])
def test_removing_a_member_permission_matrix(actor, actors, wg1):
    victim = UserFactory()
    membership = Membership.objects.create(group=wg1, user=victim)
    url = reverse("workinggroups:remove", args=[wg1.code, membership.pk])
    response = client_for(actors[actor]).post(url)
    removed = not Membership.objects.filter(pk=membership.pk).exists()
    if actor in MANAGES:
        assert response.status_code == 302
        assert removed
    else:
        assert response.status_code == (302 if actor in ("anonymous", "pending") else 403)
        assert not removed


def test_a_coordinator_cannot_act_on_another_groups_membership(wg1, wg2, coordinator,
                                                              other_coordinator):
    """The membership id belongs to WG2: addressing it under WG1 finds nothing."""
    theirs = Membership.objects.get(group=wg2, user=other_coordinator)
    url = reverse("workinggroups:remove", args=[wg1.code, theirs.pk])
    assert client_for(coordinator).post(url).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


# --- the cost of the page -----------------------------------------------------------------

def _add_documents(group, users, count, start=0):
    for n in range(start, start + count):
        author = users[n % len(users)]
        document = make_document(group, author, title=f"Document {n}")
        if n % 3 == 0:
            documents.version_add(document=document, user=author, upload=_upload())
        if n % 4 == 0:
            documents.document_lock(document=document, user=author)


def test_space_query_count_does_not_grow_with_documents(wg1, coordinator, member,
                                                        django_assert_max_num_queries):
    writers = [coordinator, member, *[UserFactory() for _ in range(3)]]
    for writer in writers[2:]:
        Membership.objects.create(group=wg1, user=writer)
    client = client_for(member)
    _add_documents(wg1, writers, 5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(space_url(wg1)).status_code == 200
    _add_documents(wg1, writers, 45, start=5)
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = client.get(space_url(wg1))
    assert response.status_code == 200
    assert "50 documents" in text(response)
