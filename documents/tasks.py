"""Celery tasks for documents: thin wrappers taking ids."""

from celery import shared_task
from django.db import transaction

from core.pagecache import public_content_changed
from workinggroups.models import Membership


@shared_task(acks_late=True)
def extract_version_text(version_id: int) -> int:
    """Extract a version's text (for comparing versions and for search). Idempotent."""
    from .models import DocumentVersion
    from .text import extract_text

    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None or version.text:
        return 0
    text = extract_text(version)
    DocumentVersion.objects.filter(pk=version_id).update(text=text)  # versions are immutable
    public_content_changed()  # update() sends no signal (core.pagecache)
    _reindex_for_search(version.document_id)
    return len(text)


def _reindex_for_search(document_id: int) -> None:
    """The text now extracted is searchable (search app; the update above sends no signal)."""
    from search.signals import schedule_reindex

    schedule_reindex("documents", document_id)


@shared_task
def send_daily_digests() -> int:
    """Run by Celery beat once a day: one e-mail per member who chose the digest."""
    from .notifications import send_digest

    sent = 0
    for membership in Membership.objects.filter(notify=Membership.Notify.DAILY).select_related(
            "user", "group"):
        with transaction.atomic():
            sent += send_digest(membership)
    return sent
