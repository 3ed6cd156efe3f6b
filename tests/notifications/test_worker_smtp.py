"""End to end with real services: a sign-up's e-mails go through Redis to a real Celery worker,
which delivers them over SMTP to a local sink started by the test."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.urls import reverse

from notifications import services
from notifications.models import OutboxEmail
from tests.accounts.helpers import signup_data
from tests.celery_helpers import celery_broker
from tests.factories import UserFactory

# Sink and free_port are imported from here by tests/events/test_reminders.py.
from .helpers import Sink, free_port, wait_for  # noqa: F401

# serialized_rollback: the data migrations made (working groups, the programme officers group)
# survive the flush, and later serialized tests do not meet duplicated content types.
pytestmark = [pytest.mark.services,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_signup_emails_travel_through_redis_and_a_worker_to_smtp(
    require_postgresql, redis_url, smtp_sink
):
    # PostgreSQL: the worker thread writes while the request's connection does (SQLite's
    # shared in-memory test database locks whole tables and makes this flaky).
    staff = UserFactory(staff=True, email="moderator@example.org", language="ro")
    with celery_broker(redis_url) as app:
        app.control.purge()
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                          shutdown_timeout=10):
            response = Client(HTTP_ACCEPT_LANGUAGE="ro").post(
                reverse("account_signup"), signup_data()
            )
            assert response.status_code == 302
            assert wait_for(lambda: len(smtp_sink.messages) >= 2), (
                f"the worker delivered {len(smtp_sink.messages)} of 2 e-mails"
            )

    by_recipient = {m["To"]: m for m in smtp_sink.messages}
    assert set(by_recipient) == {"ioana.stefanescu@example.ro", staff.email}
    notification = by_recipient[staff.email]
    assert "Ioana Ștefănescu" in notification["Subject"]
    assert "Actualizez profilul clusterului și încarc livrabilele." in (
        notification.get_body(("plain",)).get_content()
    )
    assert "/accounts/confirm-email/" in (
        by_recipient["ioana.stefanescu@example.ro"].get_body(("plain",)).get_content()
    )
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert len(smtp_sink.messages) == 2  # each e-mail exactly once


def test_worker_retries_after_a_temporary_smtp_failure_and_delivers_once(
    require_postgresql, redis_url, smtp_sink, monkeypatch
):
    monkeypatch.setattr(services, "RETRY_BASE_SECONDS", 1)  # keep the backoff short here
    smtp_sink.refuse_next = 1
    with celery_broker(redis_url) as app:
        app.control.purge()
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                          shutdown_timeout=10):
            message = services.email_queue(
                key="retry-test", to="ana@example.ro", subject="Ședință WG3",
                body="Ordinea de zi: cooperare internațională.",
            )
            assert wait_for(lambda: len(smtp_sink.messages) >= 1)
            time.sleep(1.5)  # room for a wrong second delivery to show up
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.SENT
    assert message.attempts == 2
    assert len(smtp_sink.messages) == 1
    assert smtp_sink.messages[0]["Subject"] == "Ședință WG3"
