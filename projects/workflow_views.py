"""Writing, submitting and reviewing status reports; their attachments."""

from django.http import HttpResponse


def review_queue(request):
    return HttpResponse("TODO")


def my_reports(request):
    return HttpResponse("TODO")


def report_create(request, slug):
    return HttpResponse("TODO")


def report_detail(request, slug, pk):
    return HttpResponse("TODO")


def report_edit(request, slug, pk):
    return HttpResponse("TODO")


def report_submit(request, slug, pk):
    return HttpResponse("TODO")


def report_review(request, slug, pk):
    return HttpResponse("TODO")


def attachment_add(request, slug, pk):
    return HttpResponse("TODO")


def attachment_download(request, slug, pk, attachment_pk):
    return HttpResponse("TODO")


def attachment_remove(request, slug, pk, attachment_pk):
    return HttpResponse("TODO")
