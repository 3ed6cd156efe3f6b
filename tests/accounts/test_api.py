"""The REST API of accounts: personal tokens and sign-up moderation."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

from .helpers import mails_to

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
SIGNUPS_URL = "/api/v1/signups/"


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def token_for(api, user, password=PASSWORD):
    return api.post(TOKEN_URL, {"email": user.email, "password": password}, format="json")


def authed(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def test_urls_are_where_the_docs_say():
    assert reverse("api:auth-token") == TOKEN_URL
    assert reverse("api:signup-list") == SIGNUPS_URL


def test_approved_user_gets_a_token_and_uses_it(api, user):
    response = token_for(api, user)
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=user).key == key
    assert token_for(api, user).json()["token"] == key  # the same token until revoked


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("pending", "awaiting approval"), ("rejected", "not approved")],
)
def test_pending_and_rejected_users_get_no_token(api, kind, expected):
    user = UserFactory(**{kind: True})
    response = token_for(api, user)
    assert response.status_code == 403
    assert expected in response.json()["detail"]
    assert not Token.objects.exists()


def test_unconfirmed_address_gets_no_token(api):
    user = UserFactory(verified=False)
    response = token_for(api, user)
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.json()["detail"]


def test_wrong_password_gets_no_token(api, user):
    response = token_for(api, user, password="gresit")
    assert response.status_code == 401
    assert not Token.objects.exists()


def test_missing_fields_are_reported(api):
    response = api.post(TOKEN_URL, {"email": "nu-e-adresa"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_token_requests_are_throttled(api, user):
    statuses = [token_for(api, user, password="gresit").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def test_delete_revokes_the_token(api, user):
    key = token_for(api, user).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert api.delete(TOKEN_URL).status_code == 401


def test_delete_without_credentials_is_401(api):
    assert api.delete(TOKEN_URL).status_code == 401


def test_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(SIGNUPS_URL).status_code == 401


def test_token_of_a_user_rejected_later_stops_working(user, staff_user):
    client = authed(staff_user)
    assert client.get(SIGNUPS_URL).status_code == 200
    User.objects.filter(pk=staff_user.pk).update(status=User.Status.REJECTED)
    assert client.get(SIGNUPS_URL).status_code == 401


def test_signups_are_for_staff_only(api, user, pending_user):
    assert api.get(SIGNUPS_URL).status_code == 401
    assert authed(user).get(SIGNUPS_URL).status_code == 403
    response = authed(user).post(f"{SIGNUPS_URL}{pending_user.pk}/approve/")
    assert response.status_code == 403
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.PENDING


def test_staff_list_pending_signups(staff_user, pending_user, user):
    response = authed(staff_user).get(SIGNUPS_URL, {"status": "pending"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    [row] = data["results"]
    assert row["email"] == pending_user.email
    assert row["full_name"] == pending_user.full_name
    assert row["email_verified"] is True
    assert row["status"] == "pending"


def test_unknown_status_filter_is_400(staff_user):
    assert authed(staff_user).get(SIGNUPS_URL, {"status": "nope"}).status_code == 400


def test_signup_list_query_count_does_not_grow(staff_user, django_assert_max_num_queries):
    client = authed(staff_user)
    UserFactory.create_batch(5, pending=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(SIGNUPS_URL)
    UserFactory.create_batch(20, pending=True)
    with django_assert_max_num_queries(len(few)):
        response = client.get(SIGNUPS_URL)
    assert len(response.json()["results"]) == 25


def test_staff_approve_through_the_api(staff_user, pending_user, capture_commits):
    with capture_commits():
        response = authed(staff_user).post(f"{SIGNUPS_URL}{pending_user.pk}/approve/",
                                           {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == staff_user.email
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.APPROVED
    assert len(mails_to(pending_user.email)) == 1


def test_staff_reject_through_the_api_with_a_reason(staff_user, pending_user, capture_commits):
    with capture_commits():
        response = authed(staff_user).post(
            f"{SIGNUPS_URL}{pending_user.pk}/reject/",
            {"reason": "Cerere incompletă — reveniți."}, format="json",
        )
    assert response.status_code == 200
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.REJECTED
    assert pending_user.status_reason == "Cerere incompletă — reveniți."
    [message] = mails_to(pending_user.email)
    assert "Cerere incompletă — reveniți." in message.body


def test_session_api_calls_need_the_csrf_token(staff_user, pending_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.get(SIGNUPS_URL).status_code == 200
    assert client.post(f"{SIGNUPS_URL}{pending_user.pk}/approve/").status_code == 403


def test_schema_and_docs(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {TOKEN_URL, SIGNUPS_URL, SIGNUPS_URL + "{id}/approve/"} <= set(paths)
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "swagger" in body.lower()
    assert "cdn" not in body.lower()
    assert "<script>" not in body  # the split view keeps the CSP free of inline scripts
