from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from core.i18n import without_language_parameter

from . import selectors, services
from .forms import ModerationDecisionForm, ProfileForm
from .models import User
from .permissions import can_moderate

MODERATION_PAGE_SIZE = 25


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user, **{name: form.cleaned_data[name] for name in form.fields}
        )
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        # The interface follows the language chosen in the profile.
        response.set_cookie("django_language", request.user.language, max_age=60 * 60 * 24 * 365,
                            samesite="Lax")
        return response
    return render(request, "accounts/profile_form.html", {"form": form})


def _require_moderator(request):
    if not can_moderate(request.user):
        raise PermissionDenied


@login_required
def moderation_queue(request):
    _require_moderator(request)
    status = request.GET.get("status", User.Status.PENDING)
    if status not in User.Status.values:
        status = User.Status.PENDING
    page = Paginator(selectors.signups_for_moderation(status=status), MODERATION_PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    return render(request, "accounts/moderation_list.html", {
        "page_obj": page_obj,
        "status": status,
        "statuses": User.Status.choices,
        "form": ModerationDecisionForm(),
    })


@login_required
@require_POST
def moderation_decide(request, pk):
    _require_moderator(request)
    applicant = get_object_or_404(User, pk=pk)
    form = ModerationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("accounts:moderation")
    try:
        decision = services.user_moderate(
            user=applicant, status=form.cleaned_data["decision"], decided_by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if decision is None:
            messages.info(request, _("Nothing changed: %(email)s was already %(status)s.") % {
                "email": applicant.email, "status": applicant.get_status_display().lower()})
        elif decision.status == User.Status.APPROVED:
            messages.success(request, _("%(email)s approved; they have been e-mailed.") % {
                "email": applicant.email})
        else:
            messages.success(request, _("%(email)s rejected; they have been e-mailed.") % {
                "email": applicant.email})
    return redirect("accounts:moderation")


def set_language(request):
    """Django's set_language, and for a logged-in user also the profile's language, so the
    choice persists across devices and e-mails follow it."""
    response = django_set_language(request)
    if response.has_header("Location"):  # back to the page, minus a ?lang= that would win
        response["Location"] = without_language_parameter(response["Location"])
    language = request.POST.get("language")
    user = request.user
    if request.method == "POST" and user.is_authenticated and language in dict(
        User._meta.get_field("language").choices
    ) and user.language != language:
        services.user_update_profile(user=user, language=language)
    return response
