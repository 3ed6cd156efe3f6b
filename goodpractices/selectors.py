"""Reads for the good-practice archive: querysets already limited to what the user may see
(permissions.practices_visible_to), each read a fixed number of queries whatever the rows."""

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from documents.models import Document
from documents.permissions import documents_visible_to

from .filters import GoodPracticeFilter
from .models import GoodPractice
from .permissions import practices_visible_to

# Newest first: a published practice by when it was published, a draft by when it was begun.
NEWEST = (Coalesce("published_at", "created_at").desc(), "-pk")


def browse(user, params) -> tuple[GoodPracticeFilter, QuerySet[GoodPractice]]:
    """The filter form and the practices this user may see that pass its (valid) filters."""
    filterset = GoodPracticeFilter(params or None, queryset=practices_visible_to(user))
    return filterset, (filterset.qs.select_related("working_group", "country", "region")
                       .order_by(*NEWEST))


def practice_for(user, slug: str) -> GoodPractice:
    """The practice if this user may see it (raises GoodPractice.DoesNotExist otherwise,
    whether it exists or not), with its group, country, region, author and publisher."""
    return (practices_visible_to(user)
            .select_related("working_group", "country", "region", "author", "published_by")
            .get(slug=slug))


def linked_documents(user, practice: GoodPractice) -> QuerySet[Document]:
    """The documents behind the practice that this user may see (a visitor sees the published
    ones only, a member of the group all of them). One query."""
    return (documents_visible_to(user).filter(good_practices=practice)
            .select_related("published_version").order_by("title", "pk"))


def linkable_documents(user, groups) -> QuerySet[Document]:
    """The documents a writer may link: those of the given groups they may see, not trashed."""
    return (documents_visible_to(user)
            .filter(group__in=groups, trashed_at__isnull=True)
            .select_related("group").order_by("group__code", "title", "pk"))


def group_practices(user, group, *, limit: int = 5) -> list[GoodPractice]:
    """The latest practices of one working group this user may see (its drafts for members):
    one query."""
    return list(practices_visible_to(user).filter(working_group=group)
                .select_related("country").order_by(*NEWEST)[:limit])
