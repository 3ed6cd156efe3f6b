"""The whole sign-up journey: form, confirmation e-mail, pending, staff e-mail, approval, login."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

from .helpers import CONFIRM_LINK, NEW_PASSWORD, login_data, mails_to, signup_data

pytestmark = pytest.mark.django_db


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_signup_form_shows_every_field_with_a_label(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["full_name", "email", "organisation", "country", "motivation",
                 "password1", "password2"]:
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html
    for role in ["cluster_manager", "policymaker", "wg_member", "other"]:
        assert f'value="{role}"' in html


def test_whole_signup_journey(client, staff_user, capture_commits):
    second_staff = UserFactory(staff=True, language="ro", email="staff2@example.org")
    UserFactory(email="not-staff@example.org")

    # 1. The visitor signs up.
    with capture_commits():
        response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None

    applicant = User.objects.get(email="ioana.stefanescu@example.ro")
    assert applicant.status == User.Status.PENDING
    assert applicant.full_name == "Ioana Ștefănescu"
    assert applicant.organisation == "Asociația Clusterul Agro Transilvania"
    assert applicant.requested_role == User.RequestedRole.CLUSTER_MANAGER
    assert applicant.country.code == "RO"
    assert applicant.language == "en"
    assert not EmailAddress.objects.get(user=applicant).verified

    # 2. The confirmation e-mail arrives, even though the account is pending.
    [confirmation] = mails_to(applicant.email)
    key = CONFIRM_LINK.search(confirmation.body).group(1)

    # 3. Every staff user, and nobody else, is told about the sign-up, in their language.
    staff_mails = {m.to[0]: m for m in mail.outbox if m.to != [applicant.email]}
    assert set(staff_mails) == {staff_user.email, second_staff.email}
    assert "Ioana Ștefănescu" in staff_mails[staff_user.email].subject
    assert "New sign-up" in staff_mails[staff_user.email].subject
    assert "Înscriere nouă" in staff_mails[second_staff.email].subject
    assert "/accounts/moderation/" in staff_mails[staff_user.email].body
    assert "Actualizez profilul clusterului" in staff_mails[staff_user.email].body

    # 4. Confirming the address before approval works, and does not log the user in.
    assert client.get(reverse("account_confirm_email", args=[key])).status_code == 200
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=applicant).verified
    assert logged_in_user_id(client) is None

    # 5. Logging in while pending is refused, and the form says why.
    response = client.post(reverse("account_login"), login_data(applicant.email, NEW_PASSWORD))
    assert response.status_code == 200
    assert "awaiting approval" in response.content.decode()
    assert "not correct" not in response.content.decode()
    assert logged_in_user_id(client) is None

    # 6. Staff approve from the moderation queue; the applicant is e-mailed.
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(staff_user)
    mail.outbox.clear()
    with capture_commits():
        response = staff.post(
            reverse("accounts:moderation_decide", args=[applicant.pk]),
            {"decision": "approved", "reason": ""},
        )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == User.Status.APPROVED
    assert applicant.status_changed_by == staff_user
    assert applicant.status_changed_at is not None
    [approval] = mails_to(applicant.email)
    assert "approved" in approval.subject
    assert "/accounts/login/" in approval.body

    # 7. Now the login works.
    response = client.post(reverse("account_login"), login_data(applicant.email, NEW_PASSWORD))
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(applicant.pk)


def test_signup_with_nothing_filled_in_shows_every_error_and_creates_nothing(client):
    response = client.post(reverse("account_signup"), {})
    assert response.status_code == 200
    form = response.context["form"]
    for name in ["full_name", "email", "organisation", "country", "requested_role",
                 "motivation", "password1"]:
        assert name in form.errors, name
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_rejects_mismatched_passwords_and_unknown_role(client):
    response = client.post(
        reverse("account_signup"),
        signup_data(password2="Altceva-Complet-2026", requested_role="superuser"),
    )
    form = response.context["form"]
    assert "password2" in form.errors
    assert "requested_role" in form.errors
    assert not User.objects.exists()


def test_signup_ignores_fields_that_would_escalate(client, capture_commits):
    with capture_commits():
        client.post(reverse("account_signup"),
                    signup_data(status="approved", is_staff="on", is_superuser="on"))
    applicant = User.objects.get()
    assert applicant.status == User.Status.PENDING
    assert not applicant.is_staff
    assert not applicant.is_superuser


def test_signup_with_a_registered_address_reveals_nothing_and_creates_nobody(
    client, user, capture_commits
):
    with capture_commits():
        response = client.post(reverse("account_signup"), signup_data(email=user.email))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email=user.email).count() == 1
    user.refresh_from_db()
    assert user.full_name != "Ioana Ștefănescu"


def test_signup_language_is_remembered_for_emails(capture_commits):
    client = Client(HTTP_ACCEPT_LANGUAGE="ro")
    with capture_commits():
        client.post(reverse("account_signup"), signup_data())
    applicant = User.objects.get()
    assert applicant.language == "ro"
