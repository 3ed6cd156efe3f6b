"""Who may log in, and what the others are told."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

from .helpers import CONFIRM_LINK, login_data, mails_to

pytestmark = pytest.mark.django_db


def session_user(client):
    return client.session.get("_auth_user_id")


def test_approved_user_logs_in_and_gets_a_new_session_id(client, user):
    client.get(reverse("account_login"))
    before = client.cookies.get("sessionid")
    response = client.post(reverse("account_login"), login_data(user.email))
    assert response.status_code == 302
    assert session_user(client) == str(user.pk)
    assert client.cookies["sessionid"].value != (before.value if before else None)


def test_login_is_case_insensitive_on_the_address(client, user):
    response = client.post(reverse("account_login"), login_data(user.email.upper()))
    assert response.status_code == 302
    assert session_user(client) == str(user.pk)


def test_wrong_password_gets_the_generic_error(client, user):
    response = client.post(reverse("account_login"), login_data(user.email, "nu-e-parola"))
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert session_user(client) is None


def test_pending_user_with_a_wrong_password_learns_nothing_about_the_account(client):
    pending = UserFactory(pending=True)
    response = client.post(reverse("account_login"), login_data(pending.email, "nu-e-parola"))
    body = response.content.decode()
    assert "not correct" in body
    assert "approval" not in body


def test_pending_verified_user_is_told_the_account_awaits_approval(client, pending_user):
    response = client.post(reverse("account_login"), login_data(pending_user.email))
    assert response.status_code == 200
    body = response.content.decode()
    assert "awaiting approval by an administrator" in body
    assert "not correct" not in body
    assert session_user(client) is None


def test_rejected_user_is_told_the_sign_up_was_not_approved(client, rejected_user):
    response = client.post(reverse("account_login"), login_data(rejected_user.email))
    assert response.status_code == 200
    assert "was not approved" in response.content.decode()
    assert session_user(client) is None


def test_rejected_user_with_unconfirmed_address_is_refused_too(client):
    rejected = UserFactory(rejected=True, verified=False)
    response = client.post(reverse("account_login"), login_data(rejected.email))
    assert "was not approved" in response.content.decode()
    assert session_user(client) is None


def test_pending_unconfirmed_user_is_sent_the_confirmation_again(client, capture_commits):
    pending = UserFactory(pending=True, verified=False)
    with capture_commits():
        response = client.post(reverse("account_login"), login_data(pending.email))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert session_user(client) is None
    [confirmation] = mails_to(pending.email)
    assert CONFIRM_LINK.search(confirmation.body)


def test_approved_user_with_unconfirmed_address_must_confirm_first(client, capture_commits):
    approved = UserFactory(verified=False)
    with capture_commits():
        response = client.post(reverse("account_login"), login_data(approved.email))
    assert response["Location"] == reverse("account_email_verification_sent")
    assert session_user(client) is None
    assert len(mails_to(approved.email)) == 1


def test_pending_user_with_a_session_sees_nothing_private(pending_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(pending_user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert session_user(client) is None


def test_user_rejected_after_logging_in_is_logged_out(user_client, user, staff_user):
    assert user_client.get(reverse("accounts:profile")).status_code == 200
    User.objects.filter(pk=user.pk).update(status=User.Status.REJECTED)
    response = user_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert session_user(user_client) is None
    assert user_client.get(reverse("accounts:profile")).status_code == 302


def test_logout_ends_the_session(user_client):
    old_cookie = user_client.cookies["sessionid"].value
    response = user_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert session_user(user_client) is None
    # The old session cookie no longer authenticates anyone.
    replay = Client(HTTP_ACCEPT_LANGUAGE="en")
    replay.cookies["sessionid"] = old_cookie
    assert replay.get(reverse("accounts:profile")).status_code == 302


def test_login_attempts_are_rate_limited(client, user):
    for _ in range(5):
        client.post(reverse("account_login"), login_data(user.email, "gresit-gresit"))
    response = client.post(reverse("account_login"), login_data(user.email))
    assert session_user(client) is None
    assert "Too many failed login attempts" in response.content.decode()
    assert mail.outbox == []
