"""Approved users reset a forgotten password, change it, and edit their profile."""

import pytest
from django.urls import reverse

from accounts.models import User

from .helpers import NEW_PASSWORD, RESET_LINK, login_data, mails_to

pytestmark = pytest.mark.django_db


def test_password_reset_journey(client, user, capture_commits):
    with capture_commits():
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    [message] = mails_to(user.email)
    link = RESET_LINK.search(message.body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") is None  # no automatic login

    response = client.post(reverse("account_login"), login_data(user.email, NEW_PASSWORD))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_for_an_unknown_address_looks_the_same(client, user, capture_commits):
    with capture_commits():
        known = client.post(reverse("account_reset_password"), {"email": user.email})
        unknown = client.post(reverse("account_reset_password"),
                              {"email": "nimeni@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_password_change(user_client, user):
    response = user_client.post(reverse("account_change_password"), {
        "oldpassword": "Corect-Parola-2026",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(user_client, user):
    response = user_client.post(reverse("account_change_password"), {
        "oldpassword": "gresit",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_profile_edit_keeps_diacritics(user_client, user):
    response = user_client.post(reverse("accounts:profile"), {
        "full_name": "Țurcanu Ștefan-Ăâî",
        "organisation": "Agenția pentru Dezvoltare Regională Nord-Est",
        "country": "MD",
        "language": "ro",
        "time_zone": "Europe/Chisinau",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Europe/Chisinau"
    assert user.full_name == "Țurcanu Ștefan-Ăâî"
    assert user.organisation == "Agenția pentru Dezvoltare Regională Nord-Est"
    assert user.country.code == "MD"
    assert user.language == "ro"
    assert response.cookies["django_language"].value == "ro"


def test_profile_edit_shows_errors_and_saves_nothing(user_client, user):
    response = user_client.post(reverse("accounts:profile"), {
        "full_name": "", "organisation": "x", "country": "XX", "language": "de",
        "time_zone": "Mars/Base",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"full_name", "country", "language", "time_zone"} <= set(errors)
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.organisation != "x"


def test_profile_edit_cannot_change_status_or_staff_flag(user_client, user):
    user_client.post(reverse("accounts:profile"), {
        "full_name": "Nume", "organisation": "Org", "country": "RO", "language": "en",
        "time_zone": "Europe/Bucharest", "status": "rejected", "is_staff": "on",
        "email": "alt@example.org",
    })
    user.refresh_from_db()
    assert user.status == User.Status.APPROVED
    assert not user.is_staff
    assert user.email != "alt@example.org"


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_new_users_see_times_in_bucharest_time_and_can_choose_their_zone(user_client, user):
    assert user.time_zone == "Europe/Bucharest"
    page = user_client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="Asia/Seoul">Asia/Seoul</option>' in page
    assert '<option value="Europe/Bucharest" selected>Europe/Bucharest</option>' in page
