"""A person signs up, confirms the address, waits for approval and logs in, in Chromium."""

import re

import pytest
from django.core import mail

from accounts.models import User
from accounts.services import user_approve
from tests.accounts.helpers import CONFIRM_LINK, NEW_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_LABEL = re.compile(r"^E-?mail", re.IGNORECASE)


def test_signup_confirm_approval_and_login(live_server, page):
    UserFactory(staff=True, email="moderator@example.org")
    page.goto(f"{live_server.url}/accounts/signup/")

    page.get_by_label("Full name").fill("Ioana Ștefănescu")
    page.get_by_label(EMAIL_LABEL).first.fill("ioana@example.ro")
    page.get_by_label("Organisation").fill("Asociația Clusterul Agro Transilvania")
    page.get_by_label("Country").select_option("RO")
    page.get_by_label("Cluster manager").check()
    page.get_by_label("Motivation").fill("Actualizez profilul clusterului.")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert "Verify Your Email Address" in page.content()
    assert User.objects.get(email="ioana@example.ro").full_name == "Ioana Ștefănescu"

    # The confirmation e-mail arrived; open its link and confirm.
    [confirmation] = [m for m in mail.outbox if m.to == ["ioana@example.ro"]]
    key = CONFIRM_LINK.search(confirmation.body).group(1)
    page.goto(f"{live_server.url}/accounts/confirm-email/{key}/")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    # Logging in before approval: the form says plainly why not.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(EMAIL_LABEL).fill("ioana@example.ro")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    assert "awaiting approval by an administrator" in page.content()

    user_approve(user=User.objects.get(email="ioana@example.ro"), decided_by=None)

    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("button", name="Ioana Ștefănescu").is_visible() or (
        "Ioana Ștefănescu" in page.content()
    )
    page.screenshot(path="test-artifacts/browser-logged-in.png", full_page=True)


def test_wrong_password_shows_an_error_in_the_form(live_server, page):
    UserFactory(email="ana@example.ro")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(EMAIL_LABEL).fill("ana@example.ro")
    page.get_by_label("Password").fill("nu-e-parola-buna")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    assert "not correct" in page.content()
    assert "/accounts/login/" in page.url
