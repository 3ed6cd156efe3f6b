"""The programme report as of a date: printable HTML, PDF, DOCX; the table as CSV and XLSX."""

from django.http import HttpResponse


def report_html(request, slug):
    return HttpResponse("TODO")


def report_pdf(request, slug):
    return HttpResponse("TODO")


def report_docx(request, slug):
    return HttpResponse("TODO")


def table_csv(request, slug):
    return HttpResponse("TODO")


def table_xlsx(request, slug):
    return HttpResponse("TODO")
