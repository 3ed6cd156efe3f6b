"""Joining, leaving and running a group: the journeys, their e-mails and their guards."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from workinggroups.models import JoinRequest, Membership, WorkingGroup

from .conftest import client_for

pytestmark = pytest.mark.django_db


def url(name, group, *args):
    return reverse(f"workinggroups:{name}", args=[group.code, *args])


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


# --- joining ------------------------------------------------------------------------------

def test_the_join_journey(wg1, coordinator, member, outsider, capture_commits):
    client = client_for(outsider)
    with capture_commits():
        response = client.post(url("join", wg1), {"message": "Lucrez la ADR Nord-Est."},
                               follow=True)
    assert "Your request has been sent to the group's coordinators" in text(response)
    assert "Your request is pending" in text(response)
    assert [m.to for m in mail.outbox] == [["ana@example.ro"]]  # coordinators only
    assert "Elena Dumitrescu asks to join WG1" in mail.outbox[0].subject
    assert "Lucrez la ADR Nord-Est." in mail.outbox[0].body
    assert url("members", wg1) in mail.outbox[0].body
    join_request = JoinRequest.objects.get(group=wg1, user=outsider)

    members_page = text(client_for(coordinator).get(url("members", wg1)))
    assert "Elena Dumitrescu" in members_page
    assert "Lucrez la ADR Nord-Est." in members_page

    mail.outbox.clear()
    with capture_commits():
        response = client_for(coordinator).post(url("decide", wg1, join_request.pk),
                                                {"decision": "accept"}, follow=True)
    assert "Elena Dumitrescu is now a member; they have been e-mailed." in text(response)
    assert Membership.objects.get(group=wg1, user=outsider).role == "member"
    assert [m.to for m in mail.outbox] == [["elena@example.ro"]]
    assert "You are now a member of WG1" in mail.outbox[0].subject
    assert "/groups/WG1/" in mail.outbox[0].body
    assert "Upcoming events" in text(client.get(url("detail", wg1)))


def test_without_a_coordinator_staff_are_emailed(wg1, outsider, staff_user, capture_commits):
    with capture_commits():
        client_for(outsider).post(url("join", wg1), {"message": ""})
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    join_request = JoinRequest.objects.get(group=wg1, user=outsider)
    mail.outbox.clear()
    with capture_commits():
        client_for(staff_user).post(url("decide", wg1, join_request.pk), {"decision": "accept"})
    assert Membership.objects.filter(group=wg1, user=outsider).exists()
    assert [m.to for m in mail.outbox] == [["elena@example.ro"]]


def test_decline_with_a_reason(wg1, coordinator, outsider, capture_commits):
    join_request = JoinRequest.objects.create(group=wg1, user=outsider)
    with capture_commits():
        response = client_for(coordinator).post(
            url("decide", wg1, join_request.pk),
            {"decision": "decline", "reason": "Grupul lucrează doar cu autorități publice."},
            follow=True)
    assert "was declined; they have been e-mailed" in text(response)
    join_request.refresh_from_db()
    assert join_request.status == "declined"
    assert join_request.decided_by == coordinator
    assert not Membership.objects.filter(group=wg1, user=outsider).exists()
    assert [m.to for m in mail.outbox] == [["elena@example.ro"]]
    assert "Grupul lucrează doar cu autorități publice." in mail.outbox[0].body
    assert "declined" in mail.outbox[0].body
    assert "Grupul lucrează doar cu autorități publice." in text(
        client_for(coordinator).get(url("members", wg1)))  # in the recent decisions


def test_deciding_twice_changes_nothing(wg1, coordinator, outsider, capture_commits):
    join_request = JoinRequest.objects.create(group=wg1, user=outsider)
    client = client_for(coordinator)
    with capture_commits():
        client.post(url("decide", wg1, join_request.pk), {"decision": "accept"})
        response = client.post(url("decide", wg1, join_request.pk), {"decision": "decline"},
                               follow=True)
    assert "already been decided" in text(response)
    assert len(mail.outbox) == 1
    assert Membership.objects.filter(group=wg1, user=outsider).exists()


def test_accepting_a_deactivated_applicant_explains(wg1, coordinator, outsider):
    join_request = JoinRequest.objects.create(group=wg1, user=outsider)
    outsider.is_active = False
    outsider.save()
    response = client_for(coordinator).post(url("decide", wg1, join_request.pk),
                                            {"decision": "accept"}, follow=True)
    assert "Only approved users can join a working group." in text(response)
    assert JoinRequest.objects.get(pk=join_request.pk).status == "pending"
    assert not Membership.objects.filter(user=outsider).exists()


def test_asking_twice_keeps_one_request(wg1, coordinator, outsider, capture_commits):
    client = client_for(outsider)
    with capture_commits():
        client.post(url("join", wg1), {"message": "prima"})
        client.post(url("join", wg1), {"message": "a doua"})
    assert JoinRequest.objects.filter(group=wg1, user=outsider).count() == 1
    assert len(mail.outbox) == 1


def test_a_member_cannot_ask_again(wg1, member):
    response = client_for(member).post(url("join", wg1), {"message": ""}, follow=True)
    assert "You are already a member of this group." in text(response)
    assert not JoinRequest.objects.filter(user=member).exists()


def test_join_needs_login_and_post(client, wg1, outsider):
    response = client.post(url("join", wg1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client_for(outsider).get(url("join", wg1)).status_code == 405


# --- leaving and roles --------------------------------------------------------------------

def test_a_member_leaves(wg1, coordinator, member):
    response = client_for(member).post(url("leave", wg1), follow=True)
    assert "You have left WG1." in text(response)
    assert not Membership.objects.filter(group=wg1, user=member).exists()
    assert "Ask to join" in text(response)


def test_the_last_coordinator_cannot_leave(wg1, coordinator, member):
    response = client_for(coordinator).post(url("leave", wg1), follow=True)
    assert "A group keeps at least one coordinator" in text(response)
    assert Membership.objects.get(group=wg1, user=coordinator).is_coordinator


def test_the_last_coordinator_cannot_be_demoted(wg1, coordinator):
    own = Membership.objects.get(group=wg1, user=coordinator)
    response = client_for(coordinator).post(url("set_role", wg1, own.pk),
                                            {"role": "member"}, follow=True)
    assert "A group keeps at least one coordinator" in text(response)
    own.refresh_from_db()
    assert own.is_coordinator


def test_the_last_coordinator_cannot_be_removed(wg1, coordinator):
    own = Membership.objects.get(group=wg1, user=coordinator)
    response = client_for(UserFactory(staff=True)).post(url("remove", wg1, own.pk),
                                                        follow=True)
    assert "A group keeps at least one coordinator" in text(response)
    assert Membership.objects.filter(pk=own.pk).exists()


def test_the_only_coordinator_is_offered_no_role_change(wg1, coordinator, member):
    body = text(client_for(coordinator).get(url("members", wg1)))
    assert "The only coordinator: name another one" in body
    assert "Make coordinator" in body  # for the member
    assert "Make member" not in body


def test_promote_then_demote(wg1, coordinator, member):
    theirs = Membership.objects.get(group=wg1, user=member)
    client = client_for(coordinator)
    response = client.post(url("set_role", wg1, theirs.pk), {"role": "coordinator"},
                           follow=True)
    assert "Ion Vasilescu is now a coordinator." in text(response)
    theirs.refresh_from_db()
    assert theirs.is_coordinator
    # Two coordinators: now the first may step down, and leave.
    own = Membership.objects.get(group=wg1, user=coordinator)
    client.post(url("set_role", wg1, own.pk), {"role": "member"})
    own.refresh_from_db()
    assert not own.is_coordinator
    assert client.get(url("members", wg1)).status_code == 403  # no longer runs the group


def test_an_unknown_role_is_refused(wg1, coordinator, member):
    theirs = Membership.objects.get(group=wg1, user=member)
    response = client_for(coordinator).post(url("set_role", wg1, theirs.pk), {"role": "boss"},
                                            follow=True)
    assert "Unknown role." in text(response)
    theirs.refresh_from_db()
    assert theirs.role == "member"


def test_a_coordinator_removes_a_member(wg1, coordinator, member):
    theirs = Membership.objects.get(group=wg1, user=member)
    response = client_for(coordinator).post(url("remove", wg1, theirs.pk), follow=True)
    assert "Ion Vasilescu is no longer a member of WG1." in text(response)
    assert not Membership.objects.filter(pk=theirs.pk).exists()
    assert "Remove Ion Vasilescu from WG1?" not in response.content.decode()


# --- notification preference --------------------------------------------------------------

def test_notification_preference_is_saved(wg1, member):
    client = client_for(member)
    response = client.post(url("notifications", wg1), {"notify": "daily"}, follow=True)
    assert "Your e-mail preference for WG1 has been saved." in text(response)
    own = Membership.objects.get(group=wg1, user=member)
    assert own.notify == "daily"
    assert own.digest_sent_until is not None
    assert re.search(r'value="daily"[^>]*checked', response.content.decode())
    client.post(url("notifications", wg1), {"notify": "none"})
    own.refresh_from_db()
    assert own.notify == "none"


def test_notification_preference_refuses_nonsense(wg1, member):
    response = client_for(member).post(url("notifications", wg1), {"notify": "hourly"},
                                       follow=True)
    assert "Choose how you want to be told" in text(response)
    assert Membership.objects.get(group=wg1, user=member).notify == "immediately"


def test_only_members_have_a_preference(wg1, outsider):
    assert client_for(outsider).post(url("notifications", wg1),
                                     {"notify": "none"}).status_code == 403
    assert client_for(UserFactory(staff=True)).post(url("notifications", wg1),
                                                    {"notify": "none"}).status_code == 403


# --- adding members by e-mail -------------------------------------------------------------

def test_add_a_member_by_email(wg1, coordinator, outsider):
    JoinRequest.objects.create(group=wg1, user=outsider)
    response = client_for(coordinator).post(url("members", wg1),
                                            {"email": "ELENA@example.ro", "role": "member"},
                                            follow=True)
    assert "Elena Dumitrescu has been added to WG1." in text(response)
    assert Membership.objects.get(group=wg1, user=outsider).role == "member"
    assert JoinRequest.objects.get(group=wg1, user=outsider).status == "accepted"


def test_add_as_coordinator_and_idempotent(wg1, coordinator, member):
    client = client_for(coordinator)
    response = client.post(url("members", wg1), {"email": "ion@example.ro", "role": "member"},
                           follow=True)
    assert "Ion Vasilescu is already a member of WG1." in text(response)
    client.post(url("members", wg1), {"email": "ion@example.ro", "role": "coordinator"})
    assert Membership.objects.get(group=wg1, user=member).is_coordinator


@pytest.mark.parametrize(("email", "error"), [
    ("nimeni@example.ro", "No account uses this e-mail address."),
    ("pending@example.ro", "only approved users can join a working group"),
    ("rejected@example.ro", "only approved users can join a working group"),
    ("not-an-address", "Enter a valid email address."),
])
def test_add_a_member_errors(wg1, coordinator, email, error):
    UserFactory(email="pending@example.ro", pending=True)
    UserFactory(email="rejected@example.ro", rejected=True)
    response = client_for(coordinator).post(url("members", wg1),
                                            {"email": email, "role": "member"})
    assert response.status_code == 200
    body = text(response)
    assert error in body
    assert 'aria-invalid="true"' in response.content.decode()
    assert Membership.objects.filter(group=wg1).count() == 1


def test_members_of_one_group_only(wg1, wg2, coordinator, other_coordinator):
    """WG2's coordinator cannot add people to WG1."""
    response = client_for(other_coordinator).post(url("members", wg1),
                                                  {"email": "radu@example.ro",
                                                   "role": "coordinator"})
    assert response.status_code == 403
    assert not Membership.objects.filter(group=wg1, user=other_coordinator).exists()


# --- CSRF ---------------------------------------------------------------------------------

def test_post_views_enforce_csrf(wg1, coordinator, member, outsider):
    join_request = JoinRequest.objects.create(group=wg1, user=outsider)
    theirs = Membership.objects.get(group=wg1, user=member)
    posts = [
        (outsider, url("join", wg1), {"message": ""}),
        (member, url("leave", wg1), {}),
        (member, url("notifications", wg1), {"notify": "none"}),
        (coordinator, url("members", wg1), {"email": "elena@example.ro", "role": "member"}),
        (coordinator, url("decide", wg1, join_request.pk), {"decision": "accept"}),
        (coordinator, url("set_role", wg1, theirs.pk), {"role": "coordinator"}),
        (coordinator, url("remove", wg1, theirs.pk), {}),
    ]
    for user, address, data in posts:
        client = client_for(user, enforce_csrf_checks=True)
        assert client.post(address, data).status_code == 403, address
    theirs.refresh_from_db()
    assert theirs.role == "member"
    assert Membership.objects.get(group=wg1, user=member).notify == "immediately"
    assert JoinRequest.objects.get(pk=join_request.pk).status == "pending"
    assert not Membership.objects.filter(user=outsider).exists()
    assert JoinRequest.objects.filter(group=wg1).count() == 1
    assert WorkingGroup.objects.get(code="WG1").memberships.count() == 2
