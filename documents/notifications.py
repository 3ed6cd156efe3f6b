"""Who is told about what happens to documents: a new version or a publication is e-mailed
at once to the group's members who chose "immediately" (not to the one who did it); members
who chose the daily digest get one e-mail a day (tasks.send_daily_digests)."""

from django.conf import settings
from django.utils import timezone

from notifications.services import email_user
from workinggroups.models import Membership

from .models import DocumentEvent

# The events worth an e-mail.
NOTIFIED = {DocumentEvent.Action.UPLOADED, DocumentEvent.Action.RESTORED,
            DocumentEvent.Action.PUBLISHED}


def notify_members(event: DocumentEvent) -> None:
    if event.action not in NOTIFIED:
        return
    document = event.document
    members = (Membership.objects.filter(group_id=document.group_id,
                                         notify=Membership.Notify.IMMEDIATELY,
                                         user__is_active=True, user__status="approved")
               .exclude(user_id=event.user_id).select_related("user"))
    for membership in members:
        email_user(
            key=f"document-event:{event.pk}:{membership.user_id}",
            user=membership.user,
            template="documents/email/document_event",
            context={"event": event, "document": document, "group": document.group,
                     "actor": event.user,
                     "url": settings.SITE_URL + document.get_absolute_url()},
        )


def send_digest(membership: Membership, until=None) -> bool:
    """E-mail one member the notified events of their group since their last digest.
    Idempotent per member and day."""
    until = until or timezone.now()
    since = membership.digest_sent_until or membership.joined_at
    events = list(
        DocumentEvent.objects.filter(document__group_id=membership.group_id,
                                     action__in=NOTIFIED, at__gt=since, at__lte=until,
                                     document__trashed_at__isnull=True)
        .exclude(user_id=membership.user_id)
        .select_related("document", "user", "version").order_by("at")
    )
    if events:
        email_user(
            key=f"digest:{membership.pk}:{until.date().isoformat()}",
            user=membership.user,
            template="documents/email/digest",
            context={"group": membership.group, "events": events,
                     "url": settings.SITE_URL + membership.group.get_absolute_url()},
        )
    Membership.objects.filter(pk=membership.pk).update(digest_sent_until=until)
    return bool(events)
