"""Staff assign people to groups with add_group_member and in the admin."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import UserFactory
from workinggroups.models import JoinRequest, Membership

pytestmark = pytest.mark.django_db


def role_of(user, group):
    membership = Membership.objects.filter(user=user, group=group).first()
    return membership.role if membership else None


def test_add_group_member_command(wg1, capsys):
    user = UserFactory(email="ana@example.ro")
    call_command("add_group_member", "ANA@example.ro", "WG1")
    assert "ana@example.ro is now a member of WG1." in capsys.readouterr().out
    assert role_of(user, wg1) == "member"
    call_command("add_group_member", "ana@example.ro", "WG1")
    assert "ana@example.ro is already a member of WG1." in capsys.readouterr().out
    call_command("add_group_member", "ana@example.ro", "wg1", "--coordinator")
    assert "ana@example.ro is now a coordinator of WG1." in capsys.readouterr().out
    assert role_of(user, wg1) == "coordinator"
    call_command("add_group_member", "ana@example.ro", "WG1", "--coordinator")
    assert "already a coordinator of WG1" in capsys.readouterr().out
    call_command("add_group_member", "ana@example.ro", "WG1")  # never demotes
    assert "already a coordinator of WG1" in capsys.readouterr().out
    assert Membership.objects.filter(user=user).count() == 1


def test_add_group_member_straight_as_coordinator(wg2, capsys):
    user = UserFactory(email="ana@example.ro")
    call_command("add_group_member", "ana@example.ro", "WG2", "--coordinator")
    assert "ana@example.ro is now a coordinator of WG2." in capsys.readouterr().out
    assert role_of(user, wg2) == "coordinator"


def test_add_group_member_remove(wg1, capsys):
    first, second = UserFactory(email="ana@example.ro"), UserFactory(email="ion@example.ro")
    call_command("add_group_member", "ana@example.ro", "WG1", "--coordinator")
    call_command("add_group_member", "ion@example.ro", "WG1")
    capsys.readouterr()
    call_command("add_group_member", "ion@example.ro", "WG1", "--remove")
    assert "ion@example.ro is no longer a member of WG1." in capsys.readouterr().out
    assert role_of(second, wg1) is None
    call_command("add_group_member", "ion@example.ro", "WG1", "--remove")
    assert "ion@example.ro was not a member of WG1." in capsys.readouterr().out
    with pytest.raises(CommandError):  # the last coordinator stays
        call_command("add_group_member", "ana@example.ro", "WG1", "--remove")
    assert role_of(first, wg1) == "coordinator"


@pytest.mark.parametrize(("email", "code", "message"), [
    ("nimeni@example.ro", "WG1", "No account with the e-mail address nimeni@example.ro"),
    ("ana@example.ro", "WG9", "No working group with the code WG9"),
    ("pending@example.ro", "WG1", "pending@example.ro is not an approved user"),
    ("rejected@example.ro", "WG1", "is not an approved user"),
])
def test_add_group_member_errors(wg1, email, code, message):
    UserFactory(email="ana@example.ro")
    UserFactory(email="pending@example.ro", pending=True)
    UserFactory(email="rejected@example.ro", rejected=True)
    with pytest.raises(CommandError, match=message):
        call_command("add_group_member", email, code)
    assert not Membership.objects.exists()


def test_add_group_member_refuses_both_options(wg1):
    UserFactory(email="ana@example.ro")
    with pytest.raises(CommandError, match="not both"):
        call_command("add_group_member", "ana@example.ro", "WG1", "--coordinator", "--remove")


# --- the admin ----------------------------------------------------------------------------

@pytest.fixture
def superuser_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def test_admin_pages_load(superuser_client, wg1):
    member = UserFactory(email="ana@example.ro")
    Membership.objects.create(group=wg1, user=member)
    JoinRequest.objects.create(group=wg1, user=UserFactory())
    for name, query in [("workinggroup", {}), ("membership", {"role": "member"}),
                        ("membership", {"q": "ana@"}), ("joinrequest", {"status": "pending"})]:
        response = superuser_client.get(reverse(f"admin:workinggroups_{name}_changelist"),
                                        query)
        assert response.status_code == 200, name
    response = superuser_client.get(reverse("admin:workinggroups_membership_changelist"),
                                    {"q": "ana@"})
    assert "ana@example.ro" in response.content.decode()
    page = superuser_client.get(reverse("admin:workinggroups_workinggroup_change",
                                        args=[wg1.pk]))
    assert page.status_code == 200
    assert "memberships-TOTAL_FORMS" in page.content.decode()


def test_admin_adds_a_member_inline_approved_users_only(superuser_client, wg1):
    approved, pending = UserFactory(), UserFactory(pending=True)
    change = reverse("admin:workinggroups_workinggroup_change", args=[wg1.pk])

    def post(user):
        return superuser_client.post(change, {
            "code": wg1.code, "name_ro": wg1.name_ro, "name_en": wg1.name_en,
            "description_ro": wg1.description_ro, "description_en": wg1.description_en,
            "created_at_0": "2026-01-01", "created_at_1": "10:00:00",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": user.pk, "memberships-0-role": "coordinator",
            "memberships-0-notify": "immediately",
        })

    assert post(pending).status_code == 200  # the form comes back with an error
    assert not Membership.objects.filter(user=pending).exists()
    assert post(approved).status_code == 302
    assert role_of(approved, wg1) == "coordinator"


def test_admin_accepts_requests_in_bulk(superuser_client, wg1, capture_commits):
    applicant = UserFactory(email="elena@example.ro")
    join_request = JoinRequest.objects.create(group=wg1, user=applicant)
    with capture_commits():
        superuser_client.post(reverse("admin:workinggroups_joinrequest_changelist"), {
            "action": "accept_selected", "_selected_action": [join_request.pk]})
    assert role_of(applicant, wg1) == "member"
    assert [m.to for m in mail.outbox] == [["elena@example.ro"]]


def test_groups_cannot_be_deleted_in_the_admin(superuser_client, wg1):
    response = superuser_client.get(reverse("admin:workinggroups_workinggroup_delete",
                                            args=[wg1.pk]))
    assert response.status_code == 403
