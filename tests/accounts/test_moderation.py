"""Staff moderate sign-ups: the queue page, decisions, e-mails, permissions, the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import ModerationDecision, User
from tests.factories import UserFactory

from .helpers import mails_to

pytestmark = pytest.mark.django_db

QUEUE = reverse("accounts:moderation")


def decide_url(user):
    return reverse("accounts:moderation_decide", args=[user.pk])


def test_anonymous_is_sent_to_login(client, pending_user):
    assert client.get(QUEUE)["Location"].startswith(reverse("account_login"))
    response = client.post(decide_url(pending_user), {"decision": "approved"})
    assert response.status_code == 302
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.PENDING


def test_non_staff_get_403_and_change_nothing(user_client, pending_user):
    assert user_client.get(QUEUE).status_code == 403
    response = user_client.post(decide_url(pending_user), {"decision": "approved"})
    assert response.status_code == 403
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.PENDING


def test_non_staff_with_the_model_permission_still_get_403(user_client, user, pending_user):
    user.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert user_client.get(QUEUE).status_code == 403


def test_queue_lists_pending_signups_with_what_staff_need(staff_client, pending_user, user):
    response = staff_client.get(QUEUE)
    assert response.status_code == 200
    body = response.content.decode()
    assert pending_user.email in body
    assert pending_user.full_name in body
    assert pending_user.motivation in body
    assert "e-mail confirmed" in body
    assert user.email not in body  # approved users are on another tab
    response = staff_client.get(QUEUE, {"status": "approved"})
    assert user.email in response.content.decode()


def test_queue_has_an_empty_state(staff_client):
    response = staff_client.get(QUEUE)
    assert "No sign-ups here." in response.content.decode()


def test_queue_paginates(staff_client):
    UserFactory.create_batch(30, pending=True)
    first = staff_client.get(QUEUE)
    assert len(first.context["page_obj"]) == 25
    second = staff_client.get(QUEUE, {"page": 2})
    assert len(second.context["page_obj"]) == 5


def test_queue_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    UserFactory.create_batch(5, pending=True)
    staff_client.get(QUEUE)  # warm up the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        staff_client.get(QUEUE)
    UserFactory.create_batch(20, pending=True)
    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(QUEUE)
    assert len(response.context["page_obj"]) == 25


def test_reject_with_a_reason_emails_the_user(staff_client, staff_user, capture_commits):
    applicant = UserFactory(pending=True, language="ro")
    with capture_commits():
        response = staff_client.post(
            decide_url(applicant),
            {"decision": "rejected", "reason": "Organizația nu are legătură cu clusterele."},
        )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == User.Status.REJECTED
    assert applicant.status_reason == "Organizația nu are legătură cu clusterele."
    decision = ModerationDecision.objects.get(user=applicant)
    assert decision.decided_by == staff_user
    [message] = mails_to(applicant.email)
    assert "Organizația nu are legătură cu clusterele." in message.body
    assert "nu a fost aprobată" in message.subject  # the applicant's language: Romanian


def test_deciding_the_same_thing_twice_sends_one_email(staff_client, capture_commits):
    applicant = UserFactory(pending=True)
    with capture_commits():
        staff_client.post(decide_url(applicant), {"decision": "approved"})
        response = staff_client.post(decide_url(applicant), {"decision": "approved"}, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert len(mails_to(applicant.email)) == 1
    assert ModerationDecision.objects.filter(user=applicant).count() == 1


def test_staff_cannot_moderate_themselves(staff_client, staff_user):
    response = staff_client.post(decide_url(staff_user), {"decision": "rejected"}, follow=True)
    assert "cannot moderate your own account" in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.status == User.Status.APPROVED


def test_invalid_decision_changes_nothing(staff_client, pending_user):
    response = staff_client.post(decide_url(pending_user), {"decision": "pending"}, follow=True)
    assert "Choose approve or reject" in response.content.decode()
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.PENDING


def test_decisions_need_post(staff_client, pending_user):
    assert staff_client.get(decide_url(pending_user)).status_code == 405


def test_decisions_need_the_csrf_token(staff_user, pending_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(decide_url(pending_user), {"decision": "approved"})
    assert response.status_code == 403
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.PENDING


def test_unknown_user_is_404(staff_client):
    response = staff_client.post(reverse("accounts:moderation_decide", args=[999999]),
                                 {"decision": "approved"})
    assert response.status_code == 404


def test_admin_lists_signups_by_status_and_approves_in_bulk(
    staff_client, staff_user, capture_commits
):
    staff_user.is_superuser = True
    staff_user.save()
    first, second = UserFactory.create_batch(2, pending=True)
    changelist = reverse("admin:accounts_user_changelist")
    response = staff_client.get(changelist, {"status__exact": "pending"})
    assert response.status_code == 200
    assert first.email in response.content.decode()
    with capture_commits():
        response = staff_client.post(changelist, {
            "action": "approve_selected", "_selected_action": [first.pk, second.pk],
        })
    assert response.status_code == 302
    for applicant in (first, second):
        applicant.refresh_from_db()
        assert applicant.status == User.Status.APPROVED
        assert applicant.status_changed_by == staff_user
        assert len(mails_to(applicant.email)) == 1


def test_admin_rejects_in_bulk(staff_client, staff_user, capture_commits):
    staff_user.is_superuser = True
    staff_user.save()
    applicant = UserFactory(pending=True)
    with capture_commits():
        staff_client.post(reverse("admin:accounts_user_changelist"), {
            "action": "reject_selected", "_selected_action": [applicant.pk],
        })
    applicant.refresh_from_db()
    assert applicant.status == User.Status.REJECTED
    assert len(mails_to(applicant.email)) == 1
