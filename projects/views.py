"""Public pages: the programme page (competition facts, the projects' table with its filters
and sorting, the distribution charts) and a project's page with its status-report history.

Rules live in projects.permissions, reads in projects.selectors. Both pages run a fixed number
of queries whatever the number of projects or reports."""

from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from clusters.permissions import clusters_visible_to
from institutions.selectors import institutions_linked_to

from . import permissions, selectors
from .filters import ProjectFilter
from .models import Competition, Project

PAGE_SIZE = 25

# The table's sortable columns: ?sort=<key> ascending, ?sort=-<key> descending. Each ends on
# the funder's order so that ties stay stable from page to page.
SORTS = {
    "number": ["sequence", "number"],
    "title": ["title"],
    "start": ["start_date"],
    "end": ["end_date"],
    "members": ["members_count"],
    "region": ["region__{name}"],
    "domain": ["domain__{name}"],
}
DEFAULT_SORT = "number"

# The charts' geometry, in SVG user units (the SVG scales to its container).
CHART_WIDTH = 480
CHART_BAR_AREA = 430  # the longest bar; the rest leaves room for its count
CHART_ROW = 46
CHART_BAR_HEIGHT = 18


# --- helpers ----------------------------------------------------------------------------------

def _name_field() -> str:
    return "name_ro" if translation.get_language() == "ro" else "name_en"


def _sort(request) -> tuple[str, bool]:
    """The (key, descending) of ?sort=, falling back to the funder's order."""
    value = request.GET.get("sort", "")
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, descending


def _ordering(key: str, descending: bool) -> list:
    name = _name_field()
    fields = [field.format(name=name) for field in SORTS[key]]
    ordering = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True)
                for f in fields]
    return [*ordering, "sequence", "number", "pk"]


def _query(request, **changes) -> str:
    """This request's query string without the page, with `changes` applied (None drops)."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


def _columns(request, key: str, descending: bool) -> dict:
    """For each sortable column: the link that sorts by it (the other way round when it is the
    active one) and its aria-sort value."""
    columns = {}
    for column in SORTS:
        active = column == key
        target_descending = active and not descending
        value = f"-{column}" if target_descending else column
        columns[column] = {
            "url": "?" + _query(request, sort=None if value == DEFAULT_SORT else value),
            "active": active,
            "aria_sort": ("descending" if descending else "ascending") if active else "",
            "next_descending": target_descending,
        }
    return columns


def _chart(rows: list[dict], *, facet: str, title) -> dict:
    """A horizontal bar chart's geometry from selectors.distribution's rows."""
    name = _name_field()
    largest = max((row["count"] for row in rows), default=0)
    bars = []
    for index, row in enumerate(rows):
        width = round(CHART_BAR_AREA * row["count"] / largest, 1) if largest else 0
        top = index * CHART_ROW
        bars.append({
            "label": row[name] or row["name_ro"], "slug": row["slug"], "count": row["count"],
            "label_y": top + 14, "bar_y": top + 20, "width": max(width, 2),
            "count_x": max(width, 2) + 6, "count_y": top + 20 + CHART_BAR_HEIGHT - 4,
        })
    return {"facet": facet, "title": title, "bars": bars, "total": sum(r["count"] for r in rows),
            "height": max(len(bars) * CHART_ROW, CHART_ROW), "width": CHART_WIDTH,
            "bar_height": CHART_BAR_HEIGHT}


# --- the programme page -------------------------------------------------------------------------

@require_safe
def index(request):
    """The current competition's programme page: a temporary redirect to its own address (so
    the page has one address to bookmark and share), or an empty state when there is none."""
    current = selectors.current_competition()
    if current is None:
        return render(request, "projects/programme.html", {"competition": None})
    url = current.get_absolute_url()
    if request.GET:
        url += "?" + request.GET.urlencode()
    return redirect(url)


@require_safe
def competition(request, slug):
    competition = get_object_or_404(Competition, slug=slug)
    projects = selectors.programme_projects(competition)
    filterset = ProjectFilter(request.GET or None, queryset=projects)
    filtered = filterset.qs
    key, descending = _sort(request)
    page_obj = Paginator(filtered.order_by(*_ordering(key, descending)),
                         PAGE_SIZE).get_page(request.GET.get("page"))
    filters_query = _query(request, sort=None)
    return render(request, "projects/programme.html", {
        "competition": competition,
        "filter": filterset,
        "filtered": filterset.active,
        "page_obj": page_obj,
        "query": _query(request),
        "filters_query": filters_query,
        "sort": key,
        "descending": descending,
        "columns": _columns(request, key, descending),
        "charts": [
            _chart(selectors.distribution(filtered, "region"), facet="region",
                   title=_("Projects by region")),
            _chart(selectors.distribution(filtered, "domain"), facet="domain",
                   title=_("Projects by domain")),
        ],
        "report_as_of": selectors.latest_as_of(competition),
    })


# --- a project ------------------------------------------------------------------------------------

@require_safe
def detail(request, slug):
    project = get_object_or_404(
        Project.objects.select_related("competition", "region", "domain", "cluster"), slug=slug)
    user = request.user
    reports = list(selectors.project_reports(
        project, permissions.reports_visible_to(user, project)))
    for report in reports:
        report.project = project  # their links name the project: no query per report
    latest = next((report for report in reports if report.is_accepted), None)
    members = project.members_count
    if latest is not None and latest.members_count is not None:
        members = latest.members_count
    cluster = project.cluster
    show_cluster_link = cluster.is_published or (
        clusters_visible_to(user).filter(pk=cluster.pk).exists())
    return render(request, "projects/project_detail.html", {
        "project": project,
        "competition": project.competition,
        "reports": reports,
        "latest": latest,
        "members_count": members,
        "status": project.status_on(timezone.localdate()),
        "show_cluster_link": show_cluster_link,
        "can_submit": permissions.can_submit(user, project),
        "institutions": institutions_linked_to(user, project=project),
    })
