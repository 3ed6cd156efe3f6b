"""Writing, submitting and reviewing status reports; their attachments.

Rules live in projects.permissions, writes (and the e-mails) in projects.services. A report the
user may not view is a 404, exactly like a missing one (a draft's existence is not revealed);
what they may view but not do is a 403.

The attachment upload reads the request body only after documents.uploads.limit_uploads has
installed the size-limiting handler: it is csrf_exempt on the outside (the CSRF middleware would
read request.POST first) and checks CSRF itself on the inside (csrf_protect), as the documents'
uploads do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.uploads import file_response
from documents.uploads import (
    UploadRefused,
    UploadTooLarge,
    drain_refused_body,
    limit_uploads,
    max_upload_bytes,
)

from . import permissions, services
from .forms import AttachmentForm, ReviewForm, StatusReportForm, initial_from
from .models import Project, ReviewEntry, StatusReport

State = StatusReport.State
Action = ReviewEntry.Action

QUEUE_PAGE_SIZE = 25
MY_REPORTS_PAGE_SIZE = 25
# The submitter's list: what waits for them first.
STATE_ORDER = Case(
    When(state=State.CHANGES_REQUESTED, then=Value(0)),
    When(state=State.DRAFT, then=Value(1)),
    When(state=State.SUBMITTED, then=Value(2)),
    default=Value(3), output_field=IntegerField(),
)


# --- helpers ----------------------------------------------------------------------------------

def _project(slug) -> Project:
    return get_object_or_404(Project.objects.select_related("cluster", "competition"), slug=slug)


def _report(request, slug, pk) -> StatusReport:
    """The report if this user may view it; else 404, whether it exists or not."""
    report = get_object_or_404(
        StatusReport.objects.select_related("project__cluster", "project__competition",
                                            "submitted_by", "reviewer"),
        pk=pk, project__slug=slug)
    if not permissions.can_view_report(request.user, report):
        raise Http404
    return report


def _report_for_editor(request, slug, pk) -> StatusReport:
    """The report if this user may change it: 404 if they may not view it, 403 if they view it
    but may not change it (not theirs, or no longer a draft or sent back)."""
    report = _report(request, slug, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    return report


def _bound_data(request):
    return request.POST if request.method == "POST" else None


def _is_xhr(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _attachments_url(report) -> str:
    return report.get_absolute_url() + "#attachments"


# --- the form: write, save as a draft, submit ---------------------------------------------------

def _render_form(request, form, *, project, report=None, submit_failed=False):
    changes_requested = None
    if report is not None and report.state == State.CHANGES_REQUESTED:
        # What the officer asked for, in sight while the submitter edits.
        changes_requested = (report.review_entries.filter(action=Action.CHANGES_REQUESTED)
                             .select_related("user").last())
    return render(request, "projects/report_form.html", {
        "form": form, "project": project, "report": report, "submit_failed": submit_failed,
        "changes_requested": changes_requested,
    }, status=400 if form.is_bound else 200)


def _saved(request, form, report: StatusReport, saved_message: str):
    """After the report was saved: submit it too if "Save and submit" was pressed. If it cannot
    be submitted, the saved draft's form comes back with the reasons on its fields."""
    if "submit" not in request.POST:
        messages.success(request, saved_message)
        return redirect(report)
    try:
        report = services.report_submit(report=report, user=request.user)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _render_form(request, form, project=report.project, report=report,
                            submit_failed=True)
    messages.success(request, _(
        "Your status report has been submitted for review. You will receive an e-mail when a "
        "programme officer accepts it or asks for changes."))
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request, slug):
    project = _project(slug)
    if not permissions.can_submit(request.user, project):
        raise PermissionDenied
    form = StatusReportForm(_bound_data(request), project=project,
                            initial={"members_count": project.members_count})
    if form.is_bound and form.is_valid():
        try:
            report = services.report_create(project=project, user=request.user,
                                            **form.report_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _saved(request, form, report, _(
                "Your draft has been saved. Only you, the other submitters of this project and "
                "the programme officers can see it; submit it when it is ready."))
    return _render_form(request, form, project=project)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, slug, pk):
    report = _report_for_editor(request, slug, pk)
    form = StatusReportForm(_bound_data(request), project=report.project,
                            initial=initial_from(report))
    if form.is_bound and form.is_valid():
        try:
            report = services.report_update(report=report, user=request.user,
                                            **form.report_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _saved(request, form, report, _("The changes have been saved."))
    return _render_form(request, form, project=report.project, report=report)


@login_required
@require_POST
def report_submit(request, slug, pk):
    report = _report(request, slug, pk)
    try:
        services.report_submit(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, _("The report has not been submitted: %(reasons)s") % {
            "reasons": " ".join(exc.messages)})
    else:
        messages.success(request, _(
            "Your status report has been submitted for review. You will receive an e-mail when "
            "a programme officer accepts it or asks for changes."))
    return redirect(report)


# --- the report's page and its review -----------------------------------------------------------

def _render_detail(request, report, *, review_form=None, upload_error="", status=200):
    user = request.user
    can_edit = permissions.can_edit_report(user, report)
    can_review = permissions.can_review(user, report)
    show_trail = permissions.can_view_review_trail(user, report)
    context = {
        "report": report,
        "project": report.project,
        "attachments": report.attachments.all(),
        "can_edit": can_edit,
        "can_review": can_review,
        "show_trail": show_trail,
        "entries": report.review_entries.select_related("user") if show_trail else (),
        "review_form": review_form or (ReviewForm() if can_review else None),
        "upload_form": AttachmentForm() if can_edit else None,
        "upload_error": upload_error,
        "max_bytes": max_upload_bytes(),
        "max_megabytes": max(1, max_upload_bytes() // (1024 * 1024)),
    }
    response = render(request, "projects/report_detail.html", context, status=status)
    if not report.is_accepted:
        # Not public: no shared cache may keep it.
        patch_cache_control(response, private=True, no_cache=True)
        response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def report_detail(request, slug, pk):
    return _render_detail(request, _report(request, slug, pk))


@login_required
@require_POST
def report_review(request, slug, pk):
    report = _report(request, slug, pk)
    if not permissions.can_review(request.user, report):
        if permissions.is_programme_officer(request.user):
            # Another officer was quicker, or the submitter has not submitted it (yet).
            messages.warning(request, _("This report is not awaiting review: it is “%(state)s”.")
                             % {"state": report.get_state_display()})
            return redirect(report)
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["action"] == ReviewForm.ACCEPT:
                services.report_accept(report=report, user=request.user, comment=comment)
                done = _("The report has been accepted: it is now public. The submitter has been "
                         "told by e-mail.")
            else:
                services.report_request_changes(report=report, user=request.user,
                                                comment=comment)
                done = _("The report has been sent back with your comment. The submitter has "
                         "been told by e-mail.")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect(report)
    return _render_detail(request, report, review_form=form, status=400)


# --- attachments ------------------------------------------------------------------------------

def _upload_refused(request, report, message: str, status: int):
    """The progress-bar script shows the page it is answered in place of the current one;
    a plain form post is sent back to the report with the reason."""
    if _is_xhr(request):
        return _render_detail(request, report, upload_error=message, status=status)
    messages.error(request, message)
    return redirect(_attachments_url(report))


@csrf_exempt
@login_required
@require_POST
def attachment_add(request, slug, pk):
    report = _report_for_editor(request, slug, pk)
    limit_uploads(request)  # before anything reads the body
    try:
        return _attachment_add(request, report)
    except UploadTooLarge as exc:
        drain_refused_body(request)
        return _upload_refused(request, report, exc.message, exc.status)


@csrf_protect
def _attachment_add(request, report):
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_refused(request, report, " ".join(form.errors.get("file", [])) or _(
            "Choose a file to upload."), 400)
    try:
        attachment = services.attachment_add(report=report, user=request.user,
                                             upload=form.cleaned_data["file"])
    except UploadRefused as exc:
        return _upload_refused(request, report, exc.message, exc.status)
    except ValidationError as exc:
        return _upload_refused(request, report, " ".join(exc.messages), 409)
    messages.success(request, _("“%(name)s” has been attached to the report.")
                     % {"name": attachment.original_filename})
    if _is_xhr(request):
        # The script goes there itself (a redirect it followed would eat the message). Without
        # the #attachments fragment: from the report's page, a change of fragment alone would
        # only scroll, not load the page again.
        return JsonResponse({"location": report.get_absolute_url()})
    return redirect(_attachments_url(report))


@require_safe
def attachment_download(request, slug, pk, attachment_pk):
    """Stream the file as an attachment under its original name (diacritics kept)."""
    report = get_object_or_404(StatusReport.objects.select_related("project"), pk=pk,
                               project__slug=slug)
    if not permissions.can_download_attachment(request.user, report):
        raise Http404
    attachment = get_object_or_404(report.attachments, pk=attachment_pk)
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = file_response(handle, filename=attachment.original_filename,
                             content_type=attachment.content_type)
    if not report.is_accepted:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@login_required
@require_POST
def attachment_remove(request, slug, pk, attachment_pk):
    report = _report_for_editor(request, slug, pk)
    attachment = get_object_or_404(report.attachments, pk=attachment_pk)
    services.attachment_remove(attachment=attachment, user=request.user)
    messages.success(request, _("“%(name)s” has been removed from the report.")
                     % {"name": attachment.original_filename})
    return redirect(_attachments_url(report))


# --- lists: the officers' queue, the submitter's reports ------------------------------------------

@login_required
@require_safe
def review_queue(request):
    """Submitted reports, the longest waiting first."""
    if not permissions.is_programme_officer(request.user):
        raise PermissionDenied
    reports = (StatusReport.objects.filter(state=State.SUBMITTED)
               .select_related("project__cluster", "submitted_by")
               .order_by("submitted_at", "pk"))
    page_obj = Paginator(reports, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/review_queue.html", {"page_obj": page_obj})


@login_required
@require_safe
def my_reports(request):
    """The projects this user may report on, and every report of those projects."""
    submittable = permissions.projects_submittable_by(request.user)
    projects = list(submittable.select_related("cluster").order_by("sequence", "number"))
    reports = (StatusReport.objects.filter(project__in=[project.pk for project in projects])
               .select_related("project", "submitted_by")
               .order_by(STATE_ORDER, "-as_of", "-pk"))
    page_obj = Paginator(reports, MY_REPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/my_reports.html", {
        "projects": projects,
        "page_obj": page_obj,
        "is_officer": permissions.is_programme_officer(request.user),
    })
