"""Writes for documents. These functions own the invariants: versions are numbered 1, 2, 3 …
per document without gaps, even when uploads arrive at once (row lock plus a unique
constraint); a stored file is written once, checked against its SHA-256 and never replaced;
nothing is ever overwritten or silently dropped. Every action is in the audit trail."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import storage

from . import permissions
from .models import Document, DocumentEvent, DocumentVersion, version_path
from .uploads import inspect_upload

Action = DocumentEvent.Action


def _event(document, user, action, version=None, detail="") -> DocumentEvent:
    event = DocumentEvent.objects.create(document=document, user=user, action=action,
                                         version=version, detail=detail[:300])
    from .notifications import notify_members

    notify_members(event)
    return event


def _store(document: Document, source, sha256: str) -> str:
    """Write the file under a new generated name (never the uploader's) and check what was
    written. Runs inside the version's transaction: core.storage deletes the file again if
    that transaction does not commit."""
    placeholder = DocumentVersion(document=document)
    name = storage.save_file(version_path(placeholder, ""), source)
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    if digest.hexdigest() != sha256:
        raise ValidationError(_("The file was damaged while it was stored. Please upload it "
                                "again."))
    return name


def _add_version(*, document, user, source, meta, note, restored_from=None) -> DocumentVersion:
    """Store the file first (no row lock held while bytes are copied), then number the version
    under the document's row lock. If anything fails, here or in an enclosing transaction
    that later rolls back, the stored file is removed (core.storage.atomic)."""
    with storage.atomic():
        name = _store(document, source, meta["sha256"])
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.trashed_at is not None:
            raise ValidationError(_("This document is in the trash."))
        if locked.locked_by_id not in (None, getattr(user, "pk", None)):
            raise ValidationError(_("%(name)s has checked this document out; a version "
                                    "can be added when it is checked in.")
                                  % {"name": locked.locked_by})
        last = locked.versions.aggregate(n=Max("number"))["n"] or 0
        version = DocumentVersion(
            document=locked, number=last + 1, original_filename=meta["filename"],
            size=meta["size"], content_type=meta["content_type"], sha256=meta["sha256"],
            note=note.strip(), uploaded_by=user, restored_from=restored_from,
        )
        version.file.name = name
        version.full_clean(exclude=["file", "text"])
        version.save()
        locked.activity_at = version.created_at
        locked.save(update_fields=["activity_at"])
        action = Action.RESTORED if restored_from else Action.UPLOADED
        detail = (f"v{restored_from.number} → v{version.number}" if restored_from
                  else f"v{version.number}")
        _event(locked, user, action, version, detail)
        transaction.on_commit(lambda: _extract_text_later(version.pk))
    return version


def _extract_text_later(version_id: int) -> None:
    from .tasks import extract_version_text

    try:
        extract_version_text.delay(version_id)
    except Exception:  # broker down: text extraction can run later (search/compare only)
        import logging

        logging.getLogger(__name__).warning("Could not queue text extraction of version %s",
                                            version_id, exc_info=True)


def document_create(*, group, user, upload, title: str, category: str, description: str = "",
                    language: str = "ro", tags: str = "", note: str = "") -> Document:
    """A member puts a new document into their group: the document and its version 1."""
    if not permissions.can_upload(user, group):
        raise PermissionDenied
    meta = inspect_upload(upload)
    document = Document(group=group, title=title.strip(), description=description.strip(),
                        category=category, language=language, tags=tags.strip(),
                        created_by=user)
    document.full_clean(exclude=["published_version"])
    # core.storage.atomic: if this outer transaction rolls back after version 1's file was
    # stored, the file goes too.
    with storage.atomic():
        document.save()
        _event(document, user, Action.CREATED)
        _add_version(document=document, user=user, source=upload, meta=meta, note=note)
    return document


def version_add(*, document, user, upload, note: str = "") -> DocumentVersion:
    """A member uploads a new version, with a note of what changed."""
    if not permissions.is_member_of_document_group(user, document):
        raise PermissionDenied
    meta = inspect_upload(upload)
    return _add_version(document=document, user=user, source=upload, meta=meta, note=note)


def version_restore(*, document, user, number: int, note: str = "") -> DocumentVersion:
    """A new version whose content is an old one's (nothing is overwritten or renumbered)."""
    if not permissions.is_member_of_document_group(user, document):
        raise PermissionDenied
    old = document.versions.get(number=number)
    meta = {"filename": old.original_filename, "size": old.size,
            "content_type": old.content_type, "sha256": old.sha256}
    with default_storage.open(old.file.name, "rb") as source:
        return _add_version(document=document, user=user, source=source, meta=meta,
                            note=note or _("Restored version %(n)s") % {"n": number},
                            restored_from=old)


def _locked(document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def document_lock(*, document, user) -> Document:
    locked = _locked(document)
    if not permissions.can_lock(user, locked):
        raise PermissionDenied
    if locked.locked_by_id and locked.locked_by_id != user.pk:
        raise ValidationError(_("%(name)s has already checked this document out.")
                              % {"name": locked.locked_by})
    locked.locked_by, locked.locked_at = user, timezone.now()
    locked.save(update_fields=["locked_by", "locked_at"])
    _event(locked, user, Action.LOCKED)
    return locked


@transaction.atomic
def document_unlock(*, document, user) -> Document:
    """The holder checks the document in; a coordinator may break someone else's lock."""
    locked = _locked(document)
    if locked.locked_by_id is None:
        return locked
    if locked.locked_by_id == user.pk:
        action = Action.UNLOCKED
    elif permissions.can_break_lock(user, locked):
        action = Action.LOCK_BROKEN
    else:
        raise PermissionDenied
    holder = str(locked.locked_by)
    locked.locked_by, locked.locked_at = None, None
    locked.save(update_fields=["locked_by", "locked_at"])
    _event(locked, user, action, detail=holder)
    return locked


@transaction.atomic
def document_set_status(*, document, user, status: str) -> Document:
    locked = _locked(document)
    if status not in Document.Status.values:
        raise ValidationError(_("Unknown status."))
    if not permissions.can_change_status(user, locked, status):
        raise PermissionDenied
    if locked.status == status:
        return locked
    if locked.is_published and status != Document.Status.FINAL:
        raise ValidationError(_("Unpublish the document before moving it out of final."))
    old = locked.get_status_display()
    locked.status = status
    locked.activity_at = timezone.now()
    locked.save(update_fields=["status", "activity_at"])
    _event(locked, user, Action.STATUS, detail=f"{old} → {locked.get_status_display()}")
    return locked


@transaction.atomic
def document_publish(*, document, user) -> Document:
    """A coordinator publishes a final document: its newest version enters the public
    archive (later versions stay in the group until published again)."""
    locked = _locked(document)
    if not permissions.can_publish(user, locked):
        raise PermissionDenied
    if locked.status != Document.Status.FINAL:
        raise ValidationError(_("Only a final document can be published."))
    newest = locked.versions.order_by("-number").first()
    locked.published_version = newest
    locked.published_at = timezone.now()
    locked.activity_at = locked.published_at
    locked.save(update_fields=["published_version", "published_at", "activity_at"])
    _event(locked, user, Action.PUBLISHED, newest, f"v{newest.number}")
    return locked


@transaction.atomic
def document_unpublish(*, document, user) -> Document:
    locked = _locked(document)
    if not permissions.can_publish(user, locked):
        raise PermissionDenied
    if not locked.is_published:
        return locked
    locked.published_version, locked.published_at = None, None
    locked.save(update_fields=["published_version", "published_at"])
    _event(locked, user, Action.UNPUBLISHED)
    return locked


@transaction.atomic
def document_update_details(*, document, user, **fields) -> Document:
    allowed = {"title", "description", "category", "language", "tags"}
    if set(fields) - allowed:
        raise ValueError(f"Not editable: {sorted(set(fields) - allowed)}")
    locked = _locked(document)
    if not permissions.can_add_version(user, locked):
        raise PermissionDenied
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    if not changed:
        return locked
    locked.full_clean(exclude=["published_version"])
    locked.save(update_fields=changed)
    _event(locked, user, Action.EDITED, detail=", ".join(changed))
    return locked


@transaction.atomic
def document_trash(*, document, user) -> Document:
    locked = _locked(document)
    if not permissions.can_trash(user, locked):
        raise PermissionDenied
    locked.trashed_at, locked.trashed_by = timezone.now(), user
    locked.published_version, locked.published_at = None, None  # gone from the archive
    locked.save(update_fields=["trashed_at", "trashed_by", "published_version",
                               "published_at"])
    _event(locked, user, Action.TRASHED)
    return locked


@transaction.atomic
def document_untrash(*, document, user) -> Document:
    locked = _locked(document)
    if not permissions.can_untrash(user, locked):
        raise PermissionDenied
    locked.trashed_at, locked.trashed_by = None, None
    locked.activity_at = timezone.now()
    locked.save(update_fields=["trashed_at", "trashed_by", "activity_at"])
    _event(locked, user, Action.UNTRASHED)
    return locked


def documents_purgeable(now=None):
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DOCUMENT_TRASH_RETENTION_DAYS)
    return Document.objects.filter(trashed_at__lt=cutoff)


def document_purge(*, document) -> int:
    """Staff only (command purge_trash): delete a document that stayed in the trash past the
    retention period, with its versions' files. Returns the number of files removed."""
    if document not in documents_purgeable():
        raise ValidationError(_("Only documents in the trash past the retention period can "
                                "be purged."))
    names = list(document.versions.values_list("file", flat=True))
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(published_version=None)
        DocumentEvent.objects.filter(document=document).delete()
        versions = DocumentVersion.objects.filter(document=document)
        versions.update(restored_from=None)
        versions.delete()  # a queryset delete: the instances' own delete() refuses
        Document.objects.filter(pk=document.pk).delete()
    for name in names:
        default_storage.delete(name)
    return len(names)


def record_download(*, document, version, user) -> None:
    DocumentEvent.objects.create(document=document, version=version,
                                 user=user if getattr(user, "is_authenticated", False) else None,
                                 action=Action.DOWNLOADED, detail=f"v{version.number}")
