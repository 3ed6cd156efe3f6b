"""Reads for institutions: querysets already filtered for the user, with what their pages show
loaded up front (a fixed number of queries whatever the rows)."""

from django.db.models import Prefetch, QuerySet

from clusters.permissions import clusters_visible_to
from projects.models import Project

from .filters import InstitutionFilter
from .models import Institution
from .permissions import institutions_visible_to


def institution_list(user, params) -> tuple[InstitutionFilter, QuerySet[Institution]]:
    """The list's filter form and its institutions for this user, by name. Invalid filter
    values give no rows (the page shows the form's errors, the API answers 400)."""
    base = institutions_visible_to(user)
    filterset = InstitutionFilter(params, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return filterset, queryset.select_related("country", "region").order_by("name", "pk")


def with_links(queryset: QuerySet[Institution], user) -> QuerySet[Institution]:
    """Prefetch the clusters this user may see and the projects (public) of each institution:
    two queries for any number of rows."""
    return queryset.prefetch_related(
        Prefetch("clusters", queryset=clusters_visible_to(user)
                 .select_related("region").order_by("name", "pk")),
        Prefetch("projects", queryset=Project.objects
                 .order_by("sequence", "number", "pk")),
    )


def institution_detail(user, slug) -> Institution:
    """An institution this user may see, with its links; raises Institution.DoesNotExist."""
    queryset = with_links(
        institutions_visible_to(user).select_related("country", "region"), user)
    return queryset.get(slug=slug)


def institutions_linked_to(user, *, cluster=None, project=None) -> list[Institution]:
    """The institutions this user may see that are linked to a cluster or a project (for the
    panels on their pages): one query."""
    queryset = institutions_visible_to(user).select_related("country")
    if cluster is not None:
        queryset = queryset.filter(clusters=cluster)
    if project is not None:
        queryset = queryset.filter(projects=project)
    return list(queryset.order_by("name", "pk"))
