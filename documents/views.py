"""Pages of the documents: the public archive, a document with its versions, uploads,
downloads, comparison and the lifecycle actions.

Rules live in documents.permissions, writes in documents.services. A document the user may
not see is a 404 (its title never appears); what they may see but not do is a 403.

Upload views read the request body only after documents.uploads.limit_uploads has installed
the size-limiting handler: they are csrf_exempt on the outside (the CSRF middleware would read
request.POST first) and check CSRF themselves on the inside (csrf_protect)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.uploads import file_response
from workinggroups.models import WorkingGroup

from . import permissions, selectors, services, text
from .forms import (
    DETAIL_FIELDS,
    ArchiveFilterForm,
    DetailsForm,
    DocumentUploadForm,
    StatusForm,
    VersionUploadForm,
)
from .models import Document
from .uploads import (
    UploadRefused,
    UploadTooLarge,
    drain_refused_body,
    limit_uploads,
    max_upload_bytes,
)

ARCHIVE_PAGE_SIZE = 20
AUDIT_ON_PAGE = 30


# --- helpers ----------------------------------------------------------------------------------

def _document(request, pk) -> Document:
    """The document if this user may see it; else 404 (whether it exists or not)."""
    try:
        document = selectors.document_for(request.user, pk)
    except Document.DoesNotExist as exc:
        raise Http404 from exc
    except Document.MultipleObjectsReturned:
        # document_for ORs in a join on the group's memberships, which repeats a visible
        # document once per membership (reported): several rows still mean "visible".
        document = Document.objects.select_related(
            "group", "created_by", "locked_by", "published_version").get(pk=pk)
    if not permissions.can_view(request.user, document):
        raise Http404
    return document


def _group_url(group) -> str:
    try:
        return group.get_absolute_url()
    except NoReverseMatch:
        return reverse("documents:index")


def _is_xhr(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _after_upload(request, url: str):
    """Redirect; an upload sent by static/js/upload.js is told where to go instead (it would
    otherwise follow the redirect itself and consume the page's message)."""
    if _is_xhr(request):
        return JsonResponse({"location": url})
    return redirect(url)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- the public archive ---------------------------------------------------------------------

@require_safe
def archive(request):
    form = ArchiveFilterForm(request.GET or None, years=selectors.archive_years())
    filters = form.filters()
    documents = selectors.public_archive(**filters)
    page_obj = Paginator(documents, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "documents/archive.html", {
        "form": form,
        "page_obj": page_obj,
        "query": query.urlencode(),
        "filtered": any(value for value in filters.values()),
        "invalid_filters": form.is_bound and bool(form.errors),
    })


# --- a document -------------------------------------------------------------------------------

@require_safe
def detail(request, pk):
    document = _document(request, pk)
    user = request.user
    context = {"document": document, "member": False}
    if permissions.can_view_all_versions(user, document):
        context.update(_member_context(user, document))
    return render(request, "documents/detail.html", context)


def _member_context(user, document) -> dict:
    versions = list(selectors.version_history(document).defer("text"))
    locked_by_other = document.locked_by_id not in (None, user.pk)
    statuses = [(value, label) for value, label in Document.Status.choices
                if value == document.status
                or permissions.can_change_status(user, document, value)]
    context = {
        "member": True,
        "versions": versions,
        "newest": versions[0] if versions else None,
        "locked_by_other": locked_by_other,
        "lock_since": _lock_since(document.locked_at),
        "can_add_version": permissions.can_add_version(user, document),
        "can_lock": permissions.can_lock(user, document) and document.locked_by_id is None,
        "can_break_lock": locked_by_other and permissions.can_break_lock(user, document),
        "statuses": statuses if len(statuses) > 1 else [],
        "can_publish": permissions.can_publish(user, document),
        "can_trash": permissions.can_trash(user, document),
        "can_untrash": permissions.can_untrash(user, document),
        "can_see_audit": permissions.can_see_audit(user, document.group),
    }
    if context["can_see_audit"]:
        context["events"] = list(document.events.select_related("user", "version")
                                 .order_by("-at", "-pk")[:AUDIT_ON_PAGE])
    if len(versions) >= 2:
        context["compare_a"], context["compare_b"] = versions[1].number, versions[0].number
    return context


def _lock_since(moment) -> str:
    """"10:42" today, "3 March 2026, 10:42" another day."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "j F Y, H:i")


@require_safe
def download(request, pk, number):
    """Stream a version from storage as an attachment under its original name."""
    document = _document(request, pk)
    if permissions.can_view_all_versions(request.user, document):
        version = document.versions.filter(number=number).first()
    elif document.published_version and document.published_version.number == number:
        version = document.published_version
    else:
        version = None  # the same answer as a version that does not exist
    if version is None:
        raise Http404
    handle = default_storage.open(version.file.name, "rb")
    if request.method == "GET":
        services.record_download(document=document, version=version, user=request.user)
    response = file_response(handle, filename=version.original_filename,
                             content_type=version.content_type)
    response["Cache-Control"] = "private"
    return response


@require_safe
def compare(request, pk):
    document = _document(request, pk)
    if not permissions.can_view_all_versions(request.user, document):
        raise Http404
    versions = list(document.versions.select_related("uploaded_by").defer("text")
                    .order_by("-number"))
    try:
        numbers = {int(request.GET["a"]), int(request.GET["b"])}
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    chosen = [v for v in versions if v.number in numbers]
    context = {"document": document, "versions": versions}
    if len(numbers) == 1:
        context["problem"] = _("Choose two different versions to compare.")
        context["compare_a"] = context["compare_b"] = numbers.pop()
        return render(request, "documents/compare.html", context)
    if len(chosen) != 2:
        raise Http404
    newer, older = chosen  # newest first
    texts = dict(document.versions.filter(pk__in=[older.pk, newer.pk])
                 .values_list("pk", "text"))
    context.update({"older": older, "newer": newer, "compare_a": older.number,
                    "compare_b": newer.number})
    missing = [v for v in (older, newer)
               if v.extension not in text.COMPARABLE or not texts[v.pk]]
    if missing:
        context["missing"] = missing
        return render(request, "documents/compare.html", context)
    rows = text.compare(texts[older.pk], texts[newer.pk])
    context.update({
        "rows": rows,
        "added": sum(1 for kind, _line in rows if kind == "added"),
        "removed": sum(1 for kind, _line in rows if kind == "removed"),
    })
    return render(request, "documents/compare.html", context)


# --- uploads ----------------------------------------------------------------------------------

def _render_upload(request, context: dict, status: int = 200, error: str = ""):
    context = {**context, "upload_error": error, "max_bytes": max_upload_bytes(),
               "max_megabytes": max_upload_bytes() // (1024 * 1024)}
    return render(request, "documents/upload.html", context, status=status)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def upload(request, code):
    """A member puts a new document into their group (version 1)."""
    group = get_object_or_404(WorkingGroup, code=code)
    if not permissions.can_upload(request.user, group):
        raise PermissionDenied
    limit_uploads(request)  # before anything reads the body
    try:
        return _upload(request, group)
    except UploadTooLarge as exc:
        drain_refused_body(request)
        return _render_upload(request, {"group": group, "form": DocumentUploadForm()},
                              status=exc.status, error=exc.message)


@csrf_protect
def _upload(request, group):
    context = {"group": group}
    if request.method != "POST":
        return _render_upload(request, {**context, "form": DocumentUploadForm()})
    form = DocumentUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return _render_upload(request, context, status=400)
    data = form.cleaned_data
    try:
        document = services.document_create(
            group=group, user=request.user, upload=data["file"], note=data["note"],
            **{name: data[name] for name in DETAIL_FIELDS})
    except UploadRefused as exc:
        form.add_error("file", exc.message)
        return _render_upload(request, context, status=exc.status, error=exc.message)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _render_upload(request, context, status=400)
    messages.success(request, _("“%(title)s” has been uploaded as version 1.")
                     % {"title": document.title})
    return _after_upload(request, document.get_absolute_url())


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def version_new(request, pk):
    """A member uploads a new version, with a note of what changed."""
    document = _document(request, pk)
    if not permissions.is_member_of_document_group(request.user, document):
        raise PermissionDenied
    limit_uploads(request)  # before anything reads the body
    try:
        return _version_new(request, document)
    except UploadTooLarge as exc:
        drain_refused_body(request)
        return _render_upload(request, {"document": document, "form": VersionUploadForm()},
                              status=exc.status, error=exc.message)


def _lock_message(document) -> str:
    return _("%(name)s has checked this document out; a new version can be uploaded when "
             "they check it in, or when a coordinator breaks the lock.") % {
        "name": document.locked_by}


@csrf_protect
def _version_new(request, document):
    context = {"document": document, "form": VersionUploadForm(request.POST or None,
                                                               request.FILES or None)}
    if not permissions.can_add_version(request.user, document):
        # Checked out by someone else (the service checks again under the row lock).
        context["form"] = None
        return _render_upload(request, context, status=409 if request.method == "POST" else 200,
                              error=_lock_message(document))
    if request.method != "POST":
        return _render_upload(request, context)
    form = context["form"]
    if not form.is_valid():
        return _render_upload(request, context, status=400)
    try:
        version = services.version_add(document=document, user=request.user,
                                       upload=form.cleaned_data["file"],
                                       note=form.cleaned_data["note"])
    except UploadRefused as exc:
        form.add_error("file", exc.message)
        return _render_upload(request, context, status=exc.status, error=exc.message)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _render_upload(request, context, status=409, error=_errors(exc))
    messages.success(request, _("Version %(number)s has been uploaded.")
                     % {"number": version.number})
    return _after_upload(request, document.get_absolute_url())


# --- details and lifecycle --------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    document = _document(request, pk)
    if not permissions.is_member_of_document_group(request.user, document):
        raise PermissionDenied
    if not permissions.can_add_version(request.user, document):
        messages.error(request, _lock_message(document))
        return redirect(document)
    # The form edits a copy: the page keeps showing the saved title if the form has errors.
    form = DetailsForm(request.POST or None, instance=copy.copy(document))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.document_update_details(
                    document=document, user=request.user,
                    **{name: form.cleaned_data[name] for name in DETAIL_FIELDS})
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The details have been saved."))
                return redirect(document)
        status = 400
    return render(request, "documents/edit.html", {"document": document, "form": form},
                  status=status)


def _act(request, document, action, success: str):
    """Run a service for this document; a refusal for a reason (not a permission) becomes an
    error message on the document page."""
    try:
        action(document=document, user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, success)
    return redirect(document)


@login_required
@require_POST
def restore(request, pk, number):
    document = _document(request, pk)
    if not permissions.is_member_of_document_group(request.user, document):
        raise PermissionDenied
    if not document.versions.filter(number=number).exists():
        raise Http404
    try:
        version = services.version_restore(document=document, user=request.user,
                                           number=number)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Version %(old)s has been restored as version %(new)s.")
                         % {"old": number, "new": version.number})
    return redirect(document)


@login_required
@require_POST
def lock(request, pk):
    document = _document(request, pk)
    return _act(request, document, services.document_lock,
                _("You have checked the document out. Check it in when you are done."))


@login_required
@require_POST
def unlock(request, pk):
    """The holder checks the document in; a coordinator breaks someone else's lock."""
    document = _document(request, pk)
    if not permissions.is_member_of_document_group(request.user, document):
        raise PermissionDenied
    if document.locked_by_id is None:
        messages.info(request, _("The document is not checked out."))
        return redirect(document)
    success = (_("You have checked the document in.") if document.locked_by_id == request.user.pk
               else _("You have broken %(name)s's lock.") % {"name": document.locked_by})
    return _act(request, document, services.document_unlock, success)


@login_required
@require_POST
def status(request, pk):
    document = _document(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(document)
    new = form.cleaned_data["status"]

    def change(*, document, user):
        services.document_set_status(document=document, user=user, status=new)

    return _act(request, document, change, _("The status is now “%(status)s”.")
                % {"status": Document.Status(new).label})


@login_required
@require_POST
def publish(request, pk):
    document = _document(request, pk)
    return _act(request, document, services.document_publish,
                _("The document is published: its newest version is in the public archive."))


@login_required
@require_POST
def unpublish(request, pk):
    document = _document(request, pk)
    return _act(request, document, services.document_unpublish,
                _("The document has been removed from the public archive."))


@login_required
@require_POST
def trash(request, pk):
    document = _document(request, pk)
    try:
        services.document_trash(document=document, user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(document)
    messages.success(request, _("“%(title)s” has been moved to the group's trash; a "
                                "coordinator can restore it.") % {"title": document.title})
    return redirect(_group_url(document.group))


@login_required
@require_POST
def untrash(request, pk):
    document = _document(request, pk)
    return _act(request, document, services.document_untrash,
                _("The document has been restored from the trash."))
