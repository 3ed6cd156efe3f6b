"""The good-practice archive's pages: the list with its filters, a practice's page, the form
to describe or edit one, and publishing.

Rules live in goodpractices.permissions, reads in selectors, writes in services. A draft the
user may not see is a 404 (its title never appears); a practice they may see but not change
is a 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from workinggroups.models import WorkingGroup

from . import permissions, selectors, services
from .forms import GoodPracticeForm
from .models import GoodPractice

PAGE_SIZE = 20


def _practice(request, slug) -> GoodPractice:
    """The practice if this user may see it; else 404, whether it exists or not."""
    try:
        return selectors.practice_for(request.user, slug)
    except GoodPractice.DoesNotExist as exc:
        raise Http404 from exc


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def index(request):
    filterset, practices = selectors.browse(request.user, request.GET)
    page_obj = Paginator(practices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "goodpractices/goodpractice_list.html", {
        "filter": filterset,
        "filtered": filterset.active,
        "page_obj": page_obj,
        "query": _query(request),
        "can_create": permissions.can_create_any(request.user),
    })


@require_safe
def detail(request, slug):
    practice = _practice(request, slug)
    user = request.user
    may_publish = permissions.can_publish(user, practice)
    return render(request, "goodpractices/goodpractice_detail.html", {
        "practice": practice,
        "documents": selectors.linked_documents(user, practice),
        "can_edit": permissions.can_edit(user, practice),
        "can_publish": may_publish and not practice.is_published,
        "can_unpublish": may_publish and practice.is_published,
        "missing": practice.missing_sections if not practice.is_published else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    if not permissions.can_create_any(request.user):
        raise PermissionDenied
    group = None
    if code := request.GET.get("group"):
        group = WorkingGroup.objects.filter(code=code).first()
        if group is not None and not permissions.can_create(request.user, group):
            raise PermissionDenied
    form = GoodPracticeForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(
                working_group=form.cleaned_data["working_group"], by=request.user,
                documents=form.cleaned_data["documents"], **form.practice_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The good practice has been saved as a draft. The "
                                        "group's coordinators can now publish it."))
            return redirect(practice)
    return render(request, "goodpractices/goodpractice_form.html", {
        "form": form, "mode": "new"})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    practice = _practice(request, slug)
    if not permissions.can_edit(request.user, practice):
        raise PermissionDenied
    # The form writes its (maybe invalid) values into the instance: the page's heading and
    # links keep the saved title and address.
    saved = {"title": practice.title, "url": practice.get_absolute_url()}
    form = GoodPracticeForm(request.POST or None, user=request.user, practice=practice)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_update(
                good_practice=practice, by=request.user, documents=form.cleaned_data["documents"],
                **form.practice_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(practice)
    return render(request, "goodpractices/goodpractice_form.html", {
        "form": form, "mode": "edit", "practice": practice, "saved": saved})


def _change_state(request, slug, service, done: str):
    practice = _practice(request, slug)
    if not permissions.can_publish(request.user, practice):
        raise PermissionDenied
    try:
        service(good_practice=practice, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(practice)


@login_required
@require_POST
def publish(request, slug):
    return _change_state(request, slug, services.practice_publish,
                         _("The good practice is published: everyone can read it now."))


@login_required
@require_POST
def unpublish(request, slug):
    return _change_state(request, slug, services.practice_unpublish,
                         _("The good practice is a draft again: only its group sees it."))
