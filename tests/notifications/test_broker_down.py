"""Fault: the broker is down. Uploading a version, approving a sign-up and registering for an
event still succeed through their pages; each notification waits as a pending outbox row, saved
in the request's transaction. When the broker is back, the real sweeper hands it to a real
worker (Redis, SMTP sink) and it is delivered exactly once. A rolled-back transaction queues
nothing.

Two faults: nobody listens at the broker's address (a closed port), and the publish itself
raising kombu's OperationalError while Redis is up."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu import Producer
from kombu.exceptions import OperationalError

from accounts.models import User
from documents.models import DocumentVersion
from events.models import Registration
from notifications import services
from notifications.models import OutboxEmail
from notifications.tasks import sweep_outbox
from tests.celery_helpers import celery_broker
from tests.documents.web_helpers import client_for, create_document, member_of, txt
from tests.events.conftest import make_event
from tests.factories import UserFactory
from workinggroups.models import WorkingGroup

from .helpers import free_port, wait_for

# PostgreSQL and Redis, committed transactions (the worker thread has its own connection);
# serialized_rollback keeps the working groups the data migrations made.
pytestmark = [pytest.mark.services,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DISPATCH_FAILED = "will be sent by the sweeper"


@contextmanager
def closed_port(redis_url):
    """The broker's address answers nothing (Redis stopped)."""
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"):
        yield


@contextmanager
def publish_raises(redis_url):
    """Redis is up, but publishing fails with the error kombu raises for a lost broker."""
    error = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with celery_broker(redis_url), \
            mock.patch.object(Producer, "publish", autospec=True, side_effect=error) as publish:
        yield
    assert publish.called  # the fault was really met


@pytest.fixture(params=[closed_port, publish_raises], ids=["closed-port", "publish-error"])
def broker_down(request, require_postgresql, redis_url):
    """Enter to make the broker unreachable; Redis db `redis_url` starts empty."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield lambda: request.param(redis_url)
    client.close()


def broker_idle(redis_url) -> bool:
    """No task waits in the queue and none is delivered but unacknowledged: nothing can be
    (re)delivered any more."""
    client = redis.Redis.from_url(redis_url)
    try:
        return client.llen("celery") == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def assert_pending_after_failed_dispatch(message: OutboxEmail, caplog, sink, redis_url):
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.PENDING
    assert message.attempts == 0
    assert message.sent_at is None
    assert any(DISPATCH_FAILED in r.getMessage() and str(message.pk) in r.getMessage()
               for r in caplog.records), "the publish was never attempted"
    assert sink.messages == []
    assert broker_idle(redis_url)  # nothing reached Redis


def sweep_with_a_real_worker(redis_url, sink, message: OutboxEmail) -> None:
    """The broker is back: the periodic sweeper (run here once it is due) re-dispatches the row,
    a real worker sends it once; a second sweep finds nothing to do."""
    overdue = timezone.now() - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS + 1)
    with celery_broker(redis_url) as app:
        app.control.purge()
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                          shutdown_timeout=10):
            assert sweep_outbox.apply().get() == 0  # just queued: not due yet
            OutboxEmail.objects.filter(pk=message.pk).update(created_at=overdue)
            assert sweep_outbox.apply().get() == 1
            assert wait_for(lambda: sink.with_id(message.message_id)), "not delivered"
            assert wait_for(lambda: OutboxEmail.objects.get(pk=message.pk).status
                            == OutboxEmail.Status.SENT)
            assert wait_for(lambda: broker_idle(redis_url))
            assert sweep_outbox.apply().get() == 0
            assert broker_idle(redis_url)
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.sent_at is not None
    [delivered] = sink.messages
    assert delivered["Message-ID"] == message.message_id
    assert delivered["To"] == message.to
    # Python's parser keeps the space of a folded first line ("Subject:\n =?utf-8?q?...").
    assert delivered["Subject"].strip() == message.subject


def test_uploading_a_version_while_the_broker_is_down(broker_down, redis_url, smtp_sink, caplog):
    wg1 = WorkingGroup.objects.get(code="WG1")
    ana = member_of(wg1, full_name="Ana Popescu", email="ana@example.ro")
    document = create_document(wg1, ana, title="Analiză SWOT Nord-Est")
    mihai = member_of(wg1, full_name="Mihai Dobre", email="mihai@example.ro")
    smtp_sink.messages.clear()  # the set-up's own e-mails (sent in-process)

    with broker_down():
        response = client_for(ana).post(
            reverse("documents:version_new", args=[document.pk]),
            {"file": txt(b"Analiza SWOT, revizuita dupa Iasi.\n"), "note": "Comentariile WG1"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = DocumentVersion.objects.get(document=document, number=2)
    assert version.note == "Comentariile WG1"
    message = OutboxEmail.objects.get(key__startswith="document-event:", to=mihai.email,
                                      body__contains="version 2")
    assert_pending_after_failed_dispatch(message, caplog, smtp_sink, redis_url)
    sweep_with_a_real_worker(redis_url, smtp_sink, message)


def test_approving_a_sign_up_while_the_broker_is_down(broker_down, redis_url, smtp_sink, caplog):
    staff = UserFactory(staff=True, email="staff@example.org")
    applicant = UserFactory(pending=True, email="ioana@example.ro")
    smtp_sink.messages.clear()

    with broker_down():
        response = client_for(staff).post(
            reverse("accounts:moderation_decide", args=[applicant.pk]), {"decision": "approved"}
        )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == User.Status.APPROVED
    message = OutboxEmail.objects.get(key__startswith="moderation:", to=applicant.email)
    assert_pending_after_failed_dispatch(message, caplog, smtp_sink, redis_url)
    sweep_with_a_real_worker(redis_url, smtp_sink, message)


def test_registering_for_an_event_while_the_broker_is_down(broker_down, redis_url, smtp_sink,
                                                           caplog):
    event = make_event(title="Atelier de matchmaking B2B", takes_registrations=True, capacity=5)
    attendee = UserFactory(email="radu@example.ro")
    smtp_sink.messages.clear()

    with broker_down():
        response = client_for(attendee).post(reverse("events:register", args=[event.pk]))
    assert response.status_code == 302
    registration = Registration.objects.get(event=event, user=attendee)
    assert registration.status == Registration.Status.REGISTERED
    message = OutboxEmail.objects.get(key__startswith="event-registered:", to=attendee.email)
    assert message.attachments[0]["filename"].endswith(".ics")
    assert_pending_after_failed_dispatch(message, caplog, smtp_sink, redis_url)
    sweep_with_a_real_worker(redis_url, smtp_sink, message)
    assert smtp_sink.messages[0].get_content_type() == "multipart/mixed"  # the .ics went too


def change_that_fails_after_queuing():
    with transaction.atomic():
        services.email_queue(key="rolled-back", to="ana@example.ro", subject="Rolled back",
                             body="Never sent.")
        raise RuntimeError("the change failed after queuing its e-mail")


def test_a_rolled_back_transaction_queues_and_sends_nothing(require_postgresql, redis_url,
                                                            smtp_sink):
    redis.Redis.from_url(redis_url).flushdb()
    with celery_broker(redis_url) as app, \
            start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                         shutdown_timeout=10):
        with pytest.raises(RuntimeError, match="the change failed"):
            change_that_fails_after_queuing()
        assert not OutboxEmail.objects.exists()
        # A committed e-mail queued afterwards is the barrier: once it is delivered and the
        # queue is empty, the worker has seen everything that was ever published.
        committed = services.email_queue(key="committed", to="ana@example.ro",
                                         subject="Committed", body="Sent once.")
        assert wait_for(lambda: smtp_sink.with_id(committed.message_id))
        assert wait_for(lambda: broker_idle(redis_url))
        OutboxEmail.objects.update(created_at=timezone.now() - timedelta(hours=1))
        assert sweep_outbox.apply().get() == 0
    assert [m["Subject"] for m in smtp_sink.messages] == ["Committed"]
    assert list(OutboxEmail.objects.values_list("key", flat=True)) == ["committed"]
