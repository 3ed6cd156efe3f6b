"""Writes for the outbox: queue an e-mail in the caller's transaction, send it exactly once."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation

from core.timezones import zone

from .models import OutboxEmail

logger = logging.getLogger(__name__)

# After this many failed attempts a message is marked failed and left for an operator.
MAX_ATTEMPTS = 12
# Wait before attempt n+1: 15 s, 30 s, 1 min, ... at most 30 min (about 3 h 20 min in all).
RETRY_BASE_SECONDS = 15
RETRY_MAX_SECONDS = 30 * 60

# Errors that mean "the mail relay is unreachable or refused for now": worth retrying.
TRANSIENT_SMTP_ERRORS = (SMTPException, OSError)


class SendDeferred(Exception):
    """The relay refused or could not be reached: try again after `delay` seconds."""

    def __init__(self, delay: int, cause: Exception):
        super().__init__(f"retry in {delay}s: {cause!r}")
        self.delay = delay
        self.cause = cause


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the given number of failed attempts (exponential backoff)."""
    return min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)


def email_queue(
    *, key: str, to: str, subject: str, body: str, html_body: str = "", from_email: str = "",
    attachments: list[dict] | None = None,
) -> OutboxEmail:
    """Save an e-mail in the outbox and hand it to a worker once the transaction commits.

    Queuing the same key twice keeps the first message and queues nothing new."""
    message, created = OutboxEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "subject": " ".join(subject.splitlines()).strip()[:255],
            "body": body,
            "html_body": html_body,
            "from_email": from_email,
            "attachments": attachments or [],
        },
    )
    if created:
        transaction.on_commit(lambda: outbox_dispatch(outbox_id=message.pk))
    return message


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: an e-mail's subject and text body
    are not HTML, so "A & B" must not arrive as "A &amp; B"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_user(*, key: str, user, template: str, context: dict,
               attachments: list[dict] | None = None) -> OutboxEmail:
    """Render `<template>_subject.txt` and `<template>_message.txt` in the recipient's language
    (and time zone) and queue the e-mail. `attachments`: text files, each a dict with
    `filename`, `content` and `mimetype`."""
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE), \
            timezone.override(zone(getattr(user, "time_zone", ""))):
        ctx = {"recipient": user, "site_name": settings.SITE_NAME,
               "site_url": settings.SITE_URL, **context}
        subject = render_text(f"{template}_subject.txt", ctx)
        body = render_text(f"{template}_message.txt", ctx)
    return email_queue(
        key=key, to=user.email, subject=settings.EMAIL_SUBJECT_PREFIX + subject.strip(), body=body,
        attachments=attachments,
    )


def outbox_dispatch(*, outbox_id: int) -> None:
    """Publish the send task. If the broker cannot be reached the row stays pending and the
    sweeper sends it later, so the caller's request still succeeds."""
    from .tasks import send_outbox_email

    try:
        send_outbox_email.delay(outbox_id)
    except Exception:  # kombu raises OperationalError (and others) while the broker is down
        logger.warning(
            "Broker unreachable: outbox e-mail %s will be sent by the sweeper", outbox_id,
            exc_info=True,
        )


def outbox_email_send(*, outbox_id: int) -> bool:
    """Send one outbox e-mail unless it was already sent. Returns True if it was sent now.

    The row is locked (SELECT ... FOR UPDATE) and its status checked before sending, and it is
    marked sent in that same transaction, so two workers given the same message (a task
    redelivered after its worker died, or queued again by the sweeper) send it once: the second
    waits for the lock, then finds the row sent. If the worker dies before the relay accepted
    the message, the transaction rolls back and the redelivered task sends it.

    One window remains, as with any SMTP sender: the relay has accepted the message but the
    worker dies (or the database is lost) before the commit. The row is still pending, so the
    message is sent again. Both copies carry the same Message-ID (OutboxEmail.message_id),
    which lets mail systems that deduplicate show it once.

    A transient SMTP error is recorded with the time of the next attempt and raised as
    SendDeferred; after MAX_ATTEMPTS, or on an error no retry can fix (a malformed message),
    the message is marked failed for an operator to look at."""
    deferred = None
    with transaction.atomic():
        message = OutboxEmail.objects.select_for_update().filter(pk=outbox_id).first()
        if message is None or message.status != OutboxEmail.Status.PENDING:
            return False
        now = timezone.now()
        message.attempts += 1
        message.last_attempt_at = now
        message.next_attempt_at = None
        try:
            message.to_message().send()
        except TRANSIENT_SMTP_ERRORS as exc:
            message.last_error = repr(exc)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxEmail.Status.FAILED
                logger.error("Giving up on outbox e-mail %s after %s attempts: %r",
                             message.pk, message.attempts, exc)
            else:
                delay = retry_delay(message.attempts)
                message.next_attempt_at = now + timedelta(seconds=delay)
                deferred = SendDeferred(delay, exc)
        except Exception as exc:
            message.last_error = repr(exc)[:2000]
            message.status = OutboxEmail.Status.FAILED
            logger.exception("Outbox e-mail %s cannot be sent", message.pk)
        else:
            message.status = OutboxEmail.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at",
                                    "last_error", "status", "sent_at"])
    if deferred is not None:
        raise deferred
    return message.status == OutboxEmail.Status.SENT


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Pending e-mails whose task was lost: never attempted within the resend delay of being
    queued (the broker was down), or not retried within the resend delay of the time their
    retry was due (the retry chain died with a worker). A retry chain that is alive attempts
    the message itself, so the sweeper does not cut its backoff short."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    return list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
        .filter(Q(last_attempt_at__isnull=True, created_at__lt=cutoff)
                | Q(next_attempt_at__lt=cutoff))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_retry(*, outbox_ids) -> int:
    """Put failed e-mails back in the queue (an operator's action after fixing the relay)."""
    ids = list(
        OutboxEmail.objects.filter(pk__in=outbox_ids, status=OutboxEmail.Status.FAILED)
        .values_list("pk", flat=True)
    )
    OutboxEmail.objects.filter(pk__in=ids).update(
        status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=None
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: outbox_dispatch(outbox_id=pk))
    return len(ids)
