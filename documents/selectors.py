"""Reads for documents: querysets already limited to what the user may see, with what their
pages show loaded in a fixed number of queries."""

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from core.text import fold

from .models import Document, DocumentEvent, DocumentVersion
from .permissions import documents_visible_to, group_documents_for, trashed_documents_for


def _with_latest(queryset: QuerySet[Document]) -> QuerySet[Document]:
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return queryset.annotate(
        latest_number=Subquery(latest.values("number")[:1]),
        latest_size=Subquery(latest.values("size")[:1]),
        latest_filename=Subquery(latest.values("original_filename")[:1]),
    ).select_related("group", "created_by", "locked_by")


def group_space_documents(user, group, *, status: str | None = None,
                          search: str = "") -> QuerySet[Document]:
    """A group's documents for its members, newest activity first."""
    queryset = group_documents_for(user, group)
    if status:
        queryset = queryset.filter(status=status)
    queryset = _search(queryset, search)
    return _with_latest(queryset).order_by("-activity_at", "-pk")


def trashed_documents(user, group) -> QuerySet[Document]:
    return _with_latest(trashed_documents_for(user, group)).select_related("trashed_by")


def _search(queryset, search: str):
    for word in fold(search).split()[:10]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def public_archive(*, group=None, category=None, year=None, language=None,
                   search: str = "") -> QuerySet[Document]:
    """Published documents (their published version only), newest publication first."""
    queryset = Document.objects.filter(published_version__isnull=False,
                                       trashed_at__isnull=True)
    if group:
        queryset = queryset.filter(group=group)
    if category:
        queryset = queryset.filter(category=category)
    if year:
        queryset = queryset.filter(published_at__year=year)
    if language:
        queryset = queryset.filter(language=language)
    queryset = _search(queryset, search)
    return queryset.select_related("group", "published_version").order_by("-published_at",
                                                                          "-pk")


def archive_years() -> list[int]:
    return sorted({d.year for d in Document.objects.filter(
        published_version__isnull=False, trashed_at__isnull=True
    ).dates("published_at", "year")}, reverse=True)


def document_for(user, pk) -> Document:
    """A document this user may see (raises Document.DoesNotExist otherwise)."""
    return (documents_visible_to(user) | _trashed_visible(user))\
        .select_related("group", "created_by", "locked_by", "published_version").get(pk=pk)


def _trashed_visible(user):
    """Documents in the trash: their group's coordinators and staff see them."""
    from accounts.permissions import is_approved
    from workinggroups.models import Membership

    if not is_approved(user):
        return Document.objects.none()
    if user.is_staff:
        return Document.objects.filter(trashed_at__isnull=False)
    coordinated = Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR)
    return Document.objects.filter(trashed_at__isnull=False,
                                   group__in=coordinated.values("group"))


def version_history(document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("uploaded_by", "restored_from").order_by("-number")


def group_activity(user, group, limit: int = 15) -> list[DocumentEvent]:
    """The group space's feed: "Ana uploaded version 3 of 'SWOT Nord-Est'"."""
    if not _is_member(user, group):
        return []
    return list(
        DocumentEvent.objects.filter(document__group=group, document__trashed_at__isnull=True)
        .exclude(action=DocumentEvent.Action.DOWNLOADED)
        .select_related("user", "document", "version").order_by("-at", "-pk")[:limit]
    )


def _is_member(user, group) -> bool:
    from workinggroups.permissions import is_member

    return is_member(user, group)


def audit_trail(group) -> QuerySet[DocumentEvent]:
    """Everything done to the group's documents, downloads included (coordinators, staff)."""
    return (DocumentEvent.objects.filter(document__group=group)
            .select_related("user", "document", "version").order_by("-at", "-pk"))


def group_document_counts(groups) -> dict[int, dict]:
    """Per group: documents in its space and published ones (one query)."""
    rows = (Document.objects.filter(group__in=groups, trashed_at__isnull=True)
            .values("group").annotate(total=Count("pk"),
                                      published=Count("pk", filter=Q(
                                          published_version__isnull=False)),
                                      last=Max("activity_at")))
    return {row["group"]: row for row in rows}

