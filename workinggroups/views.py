from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pagecache
from documents.permissions import can_see_audit
from documents.selectors import (
    audit_trail,
    group_activity,
    group_space_documents,
    trashed_documents,
)
from events.selectors import upcoming_for
from goodpractices.permissions import can_create as can_describe_practice
from goodpractices.selectors import group_practices

from . import selectors, services
from .forms import (
    AddMemberForm,
    DocumentFilterForm,
    JoinDecisionForm,
    JoinRequestForm,
    NotificationForm,
    RoleForm,
)
from .models import JoinRequest, Membership, WorkingGroup
from .permissions import (
    can_manage_members,
    can_request_to_join,
    is_coordinator,
    is_member,
    membership,
)

DOCUMENTS_PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50
GROUP_EVENTS = 5
GROUP_PRACTICES = 5


def _group(code) -> WorkingGroup:
    return get_object_or_404(WorkingGroup, code=code)


def _require_manager(request, group):
    if not can_manage_members(request.user, group):
        raise PermissionDenied


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def index(request):
    return render(request, "workinggroups/group_list.html", {
        "groups": selectors.groups_overview(request.user),
    })


def members_panel(group) -> str:
    """The sidebar's member list, alike for every member: kept in the cache until any data
    changes (core.pagecache.fragment), since a large group's list costs more to render than
    the rest of the page."""
    return pagecache.fragment(f"group-members:{group.pk}", lambda: render_to_string(
        "workinggroups/partials/_members_panel.html",
        {"members": list(selectors.group_members(group))}))


def detail(request, code):
    group = WorkingGroup.objects.filter(code__iexact=code).first()
    if group is None:
        raise Http404
    if group.code != code:
        return redirect(group, permanent=True)
    user = request.user
    member = is_member(user, group)
    context = {"group": group, "is_member": member,
               "can_manage": member and can_manage_members(user, group),
               # The group's latest good practices (its drafts too, for members).
               "good_practices": group_practices(user, group, limit=GROUP_PRACTICES),
               "can_describe_practice": member and can_describe_practice(user, group)}
    if member:
        own = membership(user, group)
        filter_form = DocumentFilterForm(request.GET or None)
        filters = filter_form.filters() if request.GET else {"status": None, "search": ""}
        documents = group_space_documents(user, group, **filters)
        query = request.GET.copy()
        query.pop("page", None)
        context.update({
            "members_panel": members_panel(group),
            "membership": own,
            "filter_form": filter_form,
            "filtered": bool(filters["status"] or filters["search"]),
            "page_obj": Paginator(documents, DOCUMENTS_PAGE_SIZE).get_page(
                request.GET.get("page")),
            "query": query.urlencode(),
            "activity": group_activity(user, group),
            # Group-only events included: the viewer is a member.
            "upcoming_events": upcoming_for(user, group=group, limit=GROUP_EVENTS),
            "notify_form": NotificationForm(initial={"notify": own.notify}) if own else None,
            "pending_count": (selectors.pending_join_requests(group).count()
                              if context["can_manage"] else 0),
        })
    else:
        context.update({
            "coordinators": list(selectors.group_coordinators(group)),
            "can_request": can_request_to_join(user, group),
            "pending_request": selectors.pending_request_of(user, group),
            "join_form": JoinRequestForm(),
        })
    return render(request, "workinggroups/group_detail.html", context)


@login_required
@require_POST
def join(request, code):
    group = _group(code)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your message is too long (at most 1000 characters)."))
        return redirect(group)
    try:
        services.join_request_create(group=group, user=request.user,
                                     message=form.cleaned_data["message"])
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("Your request has been sent to the group's coordinators. "
                                    "You will receive an e-mail when they have decided."))
    return redirect(group)


@login_required
@require_POST
def leave(request, code):
    group = _group(code)
    own = membership(request.user, group)
    if own is None:
        messages.info(request, _("You are not a member of this group."))
        return redirect(group)
    try:
        services.membership_remove(membership=own, by=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("You have left %(code)s.") % {"code": group.code})
    return redirect(group)


@login_required
@require_POST
def notifications(request, code):
    group = _group(code)
    own = membership(request.user, group)
    if own is None:
        raise PermissionDenied
    form = NotificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how you want to be told about new documents."))
        return redirect(group)
    services.membership_set_notifications(membership=own, user=request.user,
                                          notify=form.cleaned_data["notify"])
    messages.success(request, _("Your e-mail preference for %(code)s has been saved.")
                     % {"code": group.code})
    return redirect(group)


@login_required
def members(request, code):
    group = _group(code)
    _require_manager(request, group)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.user
        existing = membership(person, group)
        role = form.cleaned_data["role"]
        if existing and (existing.role == role or existing.is_coordinator):
            messages.info(request, _("%(name)s is already a member of %(code)s.")
                          % {"name": person.full_name or person.email, "code": group.code})
            return redirect("workinggroups:members", group.code)
        try:
            services.membership_add(group=group, user=person, by=request.user, role=role)
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, _("%(name)s has been added to %(code)s.")
                             % {"name": person.full_name or person.email, "code": group.code})
            return redirect("workinggroups:members", group.code)
    members_list = list(selectors.group_members(group))
    return render(request, "workinggroups/group_members.html", {
        "group": group,
        "requests": selectors.pending_join_requests(group),
        "decisions": selectors.recent_join_decisions(group),
        "members": members_list,
        "coordinator_count": sum(m.is_coordinator for m in members_list),
        "form": form,
        "roles": Membership.Role,
    })


@login_required
@require_POST
def decide(request, code, pk):
    group = _group(code)
    _require_manager(request, group)
    join_request = get_object_or_404(JoinRequest, pk=pk, group=group)
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("workinggroups:members", group.code)
    was_pending = join_request.status == JoinRequest.Status.PENDING
    try:
        decided = services.join_request_decide(
            join_request=join_request, by=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"])
    except ValidationError as exc:  # e.g. the applicant's account was deactivated since
        messages.error(request, _messages_of(exc))
        return redirect("workinggroups:members", group.code)
    name = decided.user.full_name or decided.user.email
    if not was_pending:
        messages.info(request, _("This request had already been decided."))
    elif decided.status == JoinRequest.Status.ACCEPTED:
        messages.success(request, _("%(name)s is now a member; they have been e-mailed.")
                         % {"name": name})
    else:
        messages.success(request, _("The request of %(name)s was declined; they have been "
                                    "e-mailed.") % {"name": name})
    return redirect("workinggroups:members", group.code)


@login_required
@require_POST
def set_role(request, code, pk):
    group = _group(code)
    _require_manager(request, group)
    target = get_object_or_404(Membership.objects.select_related("user", "group"),
                               pk=pk, group=group)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown role."))
        return redirect("workinggroups:members", group.code)
    try:
        services.membership_set_role(membership=target, by=request.user,
                                     role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        name = target.user.full_name or target.user.email
        if target.is_coordinator:
            messages.success(request, _("%(name)s is now a coordinator.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
    return redirect("workinggroups:members", group.code)


@login_required
@require_POST
def remove(request, code, pk):
    group = _group(code)
    _require_manager(request, group)
    target = get_object_or_404(Membership.objects.select_related("user", "group"),
                               pk=pk, group=group)
    try:
        services.membership_remove(membership=target, by=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("%(name)s is no longer a member of %(code)s.") % {
            "name": target.user.full_name or target.user.email, "code": group.code})
    return redirect("workinggroups:members", group.code)


@login_required
def trash(request, code):
    group = _group(code)
    if not is_coordinator(request.user, group):
        raise PermissionDenied
    return render(request, "workinggroups/group_trash.html", {
        "group": group,
        "documents": trashed_documents(request.user, group).order_by("-trashed_at", "-pk"),
    })


@login_required
def audit(request, code):
    group = _group(code)
    if not can_see_audit(request.user, group):
        raise PermissionDenied
    page_obj = Paginator(audit_trail(group), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workinggroups/group_audit.html", {
        "group": group, "page_obj": page_obj,
    })
