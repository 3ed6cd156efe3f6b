"""The programme report as of a date: printable HTML, PDF, DOCX; the table as CSV and XLSX.

All public. `?as_of=yyyy-mm-dd` chooses the date (default: the newest accepted report's); a
malformed date shows the report page with the error, status 400. The document itself is built
by projects.report, the files by projects.exports."""

from urllib.parse import quote, urlencode

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import exports, report
from .models import Competition

# Query parameters of the programme table that the CSV and XLSX honour.
TABLE_FILTERS = ("q", "region", "domain", "status")


def _competition(slug) -> Competition:
    return get_object_or_404(Competition, slug=slug)


def _as_of_form(request) -> report.AsOfForm:
    form = report.AsOfForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form


def _invalid(request, competition, form):
    """The report page with the date's error: 400, never a 500."""
    return render(request, "projects/report.html", {
        "competition": competition, "form": form, "document": None,
    }, status=400)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """An attachment named with an ASCII filename and its RFC 5987 twin."""
    response = HttpResponse(content, content_type=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(filename)}')
    response["Content-Length"] = str(len(content))
    return response


def _document(request, slug):
    """(competition, form, document); document is None when the date is malformed."""
    competition = _competition(slug)
    form = _as_of_form(request)
    if form.errors:
        return competition, form, None
    as_of = form.cleaned_data.get("as_of") if form.is_bound else None
    return competition, form, report.build(competition, as_of)


@require_safe
def report_html(request, slug):
    competition, form, document = _document(request, slug)
    if document is None:
        return _invalid(request, competition, form)
    query = "?" + urlencode({"as_of": document.as_of.isoformat()})
    if not (form.is_bound and form.cleaned_data.get("as_of")):
        # No date asked for: the picker shows the date the report was built for.
        form = report.AsOfForm(initial={"as_of": document.as_of})
    downloads = [
        (_("PDF"), reverse("projects:report_pdf", args=[slug]) + query),
        (_("Word (DOCX)"), reverse("projects:report_docx", args=[slug]) + query),
        (_("Table as CSV"), reverse("projects:table_csv", args=[slug]) + query),
        (_("Table as Excel (XLSX)"), reverse("projects:table_xlsx", args=[slug]) + query),
    ]
    return render(request, "projects/report.html", {
        "competition": competition, "form": form, "document": document,
        "downloads": downloads,
    })


@require_safe
def report_pdf(request, slug):
    competition, form, document = _document(request, slug)
    if document is None:
        return _invalid(request, competition, form)
    return _download(exports.report_pdf(document), exports.PDF_TYPE,
                     f"{document.filename_stem}.pdf")


@require_safe
def report_docx(request, slug):
    competition, form, document = _document(request, slug)
    if document is None:
        return _invalid(request, competition, form)
    return _download(exports.report_docx(document), exports.DOCX_TYPE,
                     f"{document.filename_stem}.docx")


def _table(request, slug):
    """(competition, form, rows, stem); rows is None when the date is malformed."""
    competition = _competition(slug)
    form = _as_of_form(request)
    if form.errors:
        return competition, form, None, ""
    as_of = form.cleaned_data.get("as_of") if form.is_bound else None
    filters = {key: request.GET[key] for key in TABLE_FILTERS if key in request.GET}
    _filterset, projects = exports.programme_table(competition, filters or None, as_of)
    rows = exports.table_rows(projects)
    return competition, form, rows, exports.table_stem(competition, rows, as_of)


@require_safe
def table_csv(request, slug):
    competition, form, rows, stem = _table(request, slug)
    if rows is None:
        return _invalid(request, competition, form)
    return _download(exports.table_csv(rows), exports.CSV_TYPE, f"{stem}.csv")


@require_safe
def table_xlsx(request, slug):
    competition, form, rows, stem = _table(request, slug)
    if rows is None:
        return _invalid(request, competition, form)
    return _download(exports.table_xlsx(rows, _("Projects")), exports.XLSX_TYPE,
                     f"{stem}.xlsx")
