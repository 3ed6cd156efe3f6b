"""Public pages: the programme page (table, filters, charts) and a project's page."""

from django.http import HttpResponse


def index(request):
    return HttpResponse("TODO")


def competition(request, slug):
    return HttpResponse("TODO")


def detail(request, slug):
    return HttpResponse("TODO")
