"""The e-mail outbox: saved with the change, sent after commit, exactly once, never lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications import services
from notifications.models import OutboxEmail
from notifications.tasks import sweep_outbox
from tests.accounts.helpers import signup_data
from tests.celery_helpers import celery_broker

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def queue(key="k1", to="ana@example.org", subject="Ședință", body="Corpul mesajului: ă î ș ț"):
    return services.email_queue(key=key, to=to, subject=subject, body=body)


def test_email_is_sent_after_commit_with_diacritics_intact(capture_commits):
    with capture_commits():
        message = queue()
        assert mail.outbox == []  # nothing leaves before the commit
    [sent] = mail.outbox
    assert sent.subject == "Ședință"
    assert sent.body == "Corpul mesajului: ă î ș ț"
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_rolled_back_transaction_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_the_same_key_is_queued_and_sent_once(capture_commits):
    with capture_commits():
        queue(key="signup:1:staff:2")
        queue(key="signup:1:staff:2", subject="another")
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_sending_twice_sends_once(capture_commits):
    with capture_commits():
        message = queue()
    assert services.outbox_email_send(outbox_id=message.pk) is False
    assert len(mail.outbox) == 1


def test_smtp_failure_is_recorded_and_raised_for_retry(settings,
                                                       django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=False):
        message = queue()
    with pytest.raises(services.SendDeferred) as deferred:
        services.outbox_email_send(outbox_id=message.pk)
    assert isinstance(deferred.value.cause, ConnectionRefusedError)
    assert deferred.value.delay == services.RETRY_BASE_SECONDS
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == message.last_attempt_at + timedelta(seconds=15)


def test_after_the_last_attempt_the_message_is_marked_failed(settings,
                                                             django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=False):
        message = queue()
    OutboxEmail.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    assert services.outbox_email_send(outbox_id=message.pk) is False  # not raised: no retry
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.FAILED
    # An operator re-queues it once the relay works again.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.outbox_retry(outbox_ids=[message.pk]) == 1
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.fixture
def broker_down():
    """Celery configured for a real broker that nobody listens on."""
    with celery_broker(UNREACHABLE_BROKER):
        yield


def test_signup_succeeds_while_the_broker_is_down_and_the_sweeper_sends_later(
    client, staff_user, broker_down, capture_commits
):
    with capture_commits():
        response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    assert User.objects.filter(email="ioana.stefanescu@example.ro").exists()
    pending = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    assert pending.count() == 2  # the confirmation and the staff notification
    assert mail.outbox == []

    # The broker is back (here: tasks run in-process again); the sweeper sends them once.
    with celery_broker("memory://", eager=True):
        assert sweep_outbox.apply().get() == 0  # not overdue yet
        OutboxEmail.objects.update(created_at=timezone.now() - timedelta(minutes=10))
        assert sweep_outbox.apply().get() == 2
        assert len(mail.outbox) == 2
        assert not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists()
        assert sweep_outbox.apply().get() == 0
        assert len(mail.outbox) == 2


def test_approval_succeeds_while_the_broker_is_down(staff_client, pending_user, broker_down,
                                                    capture_commits):
    with capture_commits():
        response = staff_client.post(
            reverse("accounts:moderation_decide", args=[pending_user.pk]),
            {"decision": "approved"},
        )
    assert response.status_code == 302
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.APPROVED
    assert OutboxEmail.objects.get(to=pending_user.email).status == OutboxEmail.Status.PENDING


def test_retries_back_off_exponentially():
    delays = [services.retry_delay(n) for n in range(1, services.MAX_ATTEMPTS)]
    assert delays[:4] == [15, 30, 60, 120]
    assert delays == sorted(delays)
    assert max(delays) == services.RETRY_MAX_SECONDS


def test_sweeper_leaves_a_live_retry_chain_alone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = queue()
    now = timezone.now()
    old = now - timedelta(hours=1)
    # Attempted, retry due in 20 minutes: the worker's own retry will come.
    OutboxEmail.objects.filter(pk=message.pk).update(
        created_at=old, last_attempt_at=now, next_attempt_at=now + timedelta(minutes=20))
    assert services.outbox_due_ids() == []
    # The retry was due 10 minutes ago and never happened: the chain died, the sweeper acts.
    OutboxEmail.objects.filter(pk=message.pk).update(
        last_attempt_at=old, next_attempt_at=now - timedelta(minutes=10))
    assert services.outbox_due_ids() == [message.pk]


def test_sweeper_picks_messages_never_attempted(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = queue()
    assert services.outbox_due_ids() == []  # just queued: its task may still be on the way
    OutboxEmail.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=10))
    assert services.outbox_due_ids() == [message.pk]


def test_a_malformed_message_fails_at_once_instead_of_looping(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = queue(subject="Subiect")
    # A header with a line break cannot be sent, however often we try.
    OutboxEmail.objects.filter(pk=message.pk).update(to="ana@example.org\nBcc: x@example.org")
    assert services.outbox_email_send(outbox_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.FAILED
    assert message.attempts == 1
    assert services.outbox_due_ids() == []
    assert mail.outbox == []
