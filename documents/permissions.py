"""Who may see and do what with documents. A document inherits its group's membership
(workinggroups.permissions); every view, download and API endpoint asks these functions.

Lists filter with one subquery of the user's groups: never a permission query per row."""

from django.db.models import Q, QuerySet

from accounts.permissions import is_approved
from workinggroups.permissions import groups_of, is_coordinator, is_member

from .models import Document


def documents_visible_to(user) -> QuerySet[Document]:
    """The documents of the user's groups (not in the trash), and published documents."""
    published = Q(published_version__isnull=False, trashed_at__isnull=True)
    if not is_approved(user):
        return Document.objects.filter(published)
    own = Q(group__in=groups_of(user).values("pk"), trashed_at__isnull=True)
    return Document.objects.filter(published | own)


def group_documents_for(user, group) -> QuerySet[Document]:
    """A group's documents in its private space: members only (else none)."""
    if not is_member(user, group):
        return Document.objects.none()
    return Document.objects.filter(group=group, trashed_at__isnull=True)


def trashed_documents_for(user, group) -> QuerySet[Document]:
    if not is_coordinator(user, group):
        return Document.objects.none()
    return Document.objects.filter(group=group, trashed_at__isnull=False)


def can_view(user, document: Document) -> bool:
    """The group's members see every version; everyone sees a published document (whose
    public download is its published version only)."""
    if document.is_trashed:
        return is_coordinator(user, document.group)
    return is_member(user, document.group) or document.is_published


def can_view_all_versions(user, document: Document) -> bool:
    return is_member(user, document.group) and (
        not document.is_trashed or is_coordinator(user, document.group))


def can_upload(user, group) -> bool:
    """Members add documents and versions to their own groups."""
    return is_member(user, group)


def can_add_version(user, document: Document) -> bool:
    if document.is_trashed or not is_member(user, document.group):
        return False
    return document.locked_by_id in (None, user.pk)


def can_lock(user, document: Document) -> bool:
    return not document.is_trashed and is_member(user, document.group)


def can_break_lock(user, document: Document) -> bool:
    return document.locked_by_id is not None and is_coordinator(user, document.group)


def can_change_status(user, document: Document, status: str) -> bool:
    """Members move drafts to review and back; only coordinators mark a document final."""
    if document.is_trashed or not is_member(user, document.group):
        return False
    if status == Document.Status.FINAL or document.status == Document.Status.FINAL:
        return is_coordinator(user, document.group)
    return True


def can_publish(user, document: Document) -> bool:
    return not document.is_trashed and is_coordinator(user, document.group)


def can_trash(user, document: Document) -> bool:
    """The document's creator or a coordinator moves it to the trash."""
    if document.is_trashed or not is_member(user, document.group):
        return False
    return document.created_by_id == user.pk or is_coordinator(user, document.group)


def can_untrash(user, document: Document) -> bool:
    return document.is_trashed and is_coordinator(user, document.group)


def can_see_audit(user, group) -> bool:
    return is_coordinator(user, group)


def is_member_of_document_group(user, document: Document) -> bool:
    return not document.is_trashed and is_member(user, document.group)
