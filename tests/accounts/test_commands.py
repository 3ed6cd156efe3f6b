"""Operators' commands: approve_user, seed_demo, createsuperuser."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import User

from .helpers import login_data, mails_to

pytestmark = pytest.mark.django_db


def test_approve_user_approves_and_emails(pending_user, capture_commits, capsys):
    with capture_commits():
        call_command("approve_user", pending_user.email.upper())
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.APPROVED
    assert pending_user.status_changed_by is None  # decided by an operator at the console
    assert len(mails_to(pending_user.email)) == 1
    assert "Approved" in capsys.readouterr().out


def test_approve_user_twice_changes_nothing(user, capture_commits, capsys):
    with capture_commits():
        call_command("approve_user", user.email)
    assert "already approved" in capsys.readouterr().out
    assert mails_to(user.email) == []


def test_approve_user_unknown_address():
    with pytest.raises(CommandError, match="No account"):
        call_command("approve_user", "nimeni@example.org")


def _snapshot():
    users = list(User.objects.order_by("pk").values())
    addresses = list(EmailAddress.objects.order_by("pk").values())
    return users, addresses


def test_seed_demo_creates_the_demo_accounts_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    first = _snapshot()
    assert len(first[0]) == len(DEMO_ACCOUNTS)
    for email, *_rest in DEMO_ACCOUNTS:
        assert email in out
    assert DEMO_PASSWORD in out
    call_command("seed_demo")
    assert _snapshot() == first


def test_seed_demo_accounts_have_the_states_they_claim(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    admin = User.objects.get(email="admin@demo.clusterpolicy.ro")
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.is_approved
    assert User.objects.get(email="pending@demo.clusterpolicy.ro").status == "pending"
    assert User.objects.get(email="rejected@demo.clusterpolicy.ro").status == "rejected"
    assert User.objects.get(email="manager@demo.clusterpolicy.ro").full_name == "Ioana Ștefănescu"
    response = client.post(reverse("account_login"),
                           login_data("member@demo.clusterpolicy.ro", DEMO_PASSWORD))
    assert response.status_code == 302


def test_seed_demo_refuses_demo_accounts_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_loads_reference_data_only_when_asked(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--no-accounts")
    assert not User.objects.exists()
    assert "Reference data loaded" in capsys.readouterr().out


def test_createsuperuser_makes_an_approved_operator_who_can_log_in(monkeypatch, client):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Operator-Parola-2026")
    call_command("createsuperuser", "--noinput", "--email", "Ops@Example.org",
                 "--full_name", "Operator Șef")
    operator = User.objects.get(email="ops@example.org")
    assert operator.is_superuser
    assert operator.is_staff
    assert operator.status == User.Status.APPROVED
    assert EmailAddress.objects.get(user=operator).verified
    response = client.post(reverse("account_login"),
                           login_data("ops@example.org", "Operator-Parola-2026"))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)
