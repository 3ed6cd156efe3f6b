"""Public pages of the institutions database: the filterable list, its CSV/JSON exports and an
institution's page. Rules live in institutions.permissions, reads in institutions.selectors."""

import csv
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.text import csv_safe

from . import selectors
from .models import Institution
from .permissions import can_edit_institutions

PAGE_SIZE = 25
EXPORT_FORMATS = ("csv", "json")
EXPORT_COLUMNS = ["name", "acronym", "kind", "url", "country", "region", "city", "website",
                  "description", "clusters", "projects"]


def _query(request) -> str:
    """The filters of this request as a query string, without the page (nor an export
    format): pagination and the export links keep them."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


@require_safe
def index(request):
    # The open-data page may link the exports as ?format=csv|json on the list itself.
    if request.GET.get("format") in EXPORT_FORMATS:
        return export(request, request.GET["format"])
    filterset, institutions = selectors.institution_list(request.user, request.GET)
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "institutions/institution_list.html", {
        "filter": filterset,
        "page_obj": page,
        "query": _query(request),
        "filtered": any(request.GET.get(name) for name in filterset.filters),
    })


@require_safe
def detail(request, slug):
    try:
        institution = selectors.institution_detail(request.user, slug)
    except Institution.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "institutions/institution_detail.html", {
        "institution": institution,
        "clusters": list(institution.clusters.all()),
        "projects": list(institution.projects.all()),
        "can_edit": can_edit_institutions(request.user),
    })


def _export_rows(request):
    _filter, institutions = selectors.institution_list(request.user, request.GET)
    for institution in selectors.with_links(institutions, request.user):
        yield {
            "name": institution.name,
            "acronym": institution.acronym,
            "kind": str(institution.get_kind_display()),
            "url": request.build_absolute_uri(institution.get_absolute_url()),
            "country": institution.country.name,
            "region": institution.region.name if institution.region else "",
            "city": institution.city,
            "website": institution.website,
            "description": institution.description,
            "clusters": "; ".join(c.name for c in institution.clusters.all()),
            "projects": "; ".join(p.label for p in institution.projects.all()),
        }


class _Echo:
    def write(self, value):
        return value


@require_safe
def export(request, fmt):
    """The filtered list as CSV (UTF-8 with a BOM, formulas neutralised) or JSON."""
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)  # BOM: Excel reads UTF-8
            for row in _export_rows(request):
                yield writer.writerow([csv_safe(row[c]) for c in EXPORT_COLUMNS])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="institutions.csv"'
        return response
    if fmt == "json":
        body = json.dumps({"institutions": list(_export_rows(request))}, ensure_ascii=False,
                          indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="institutions.json"'
        return response
    raise Http404
