import hashlib
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """An e-mail the platform has promised to send.

    The row is saved in the same transaction as the change it reports, so a notification is
    never lost when the broker is unreachable: a worker sends it after commit, and the periodic
    sweeper hands unsent rows to a worker again. `key` names the notification and its recipient,
    so the same notification is queued, and sent, at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"), max_length=254)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    # Text attachments (an event's .ics): [{"filename": …, "content": …, "mimetype": …}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def message_id(self) -> str:
        """A Message-ID derived from the key: every attempt to send this e-mail (a retry, a task
        redelivered after a worker died) carries the same one, so a relay or mail client that
        deduplicates by Message-ID shows a copy sent twice only once."""
        # The row's id too: a key is unique in one database, not across a restored backup.
        digest = hashlib.sha256(f"{self.pk}:{self.key}".encode()).hexdigest()[:40]
        domain = urlparse(settings.SITE_URL).hostname or str(DNS_NAME)
        return f"<outbox.{digest}@{domain}>"

    def to_message(self) -> EmailMultiAlternatives:
        msg = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email or None,
            to=[self.to],
            headers={"Auto-Submitted": "auto-generated", "X-Outbox-Key": self.key,
                     "Message-ID": self.message_id},
        )
        if self.html_body:
            msg.attach_alternative(self.html_body, "text/html")
        for attachment in self.attachments:
            msg.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        return msg
