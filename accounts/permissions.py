"""Who may do what with accounts.

Views, the API and templates ask these functions; no rule lives elsewhere."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import User


def is_approved(user) -> bool:
    """An authenticated, active user whose sign-up staff approved: the only kind that sees
    anything beyond the public section."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "status", None) == User.Status.APPROVED
    )


def can_moderate(user) -> bool:
    """Approved staff users moderate sign-ups."""
    return is_approved(user) and user.is_staff


def login_refusal(user) -> str | None:
    """Why this (correctly authenticated) user may not log in, in plain words; None if they may.

    E-mail verification is not checked here: allauth's own verification stage handles it, and
    must run for a pending user so that the confirmation e-mail is sent at sign-up."""
    if not user.is_active:
        return str(_("This account has been deactivated. Contact the administrators."))
    if user.status == User.Status.PENDING:
        return str(_(
            "Your account is awaiting approval by an administrator. "
            "You will receive an e-mail as soon as it has been reviewed."
        ))
    if user.status == User.Status.REJECTED:
        return str(_(
            "Your sign-up was not approved, so you cannot log in. "
            "Contact the administrators if you think this is a mistake."
        ))
    return None


class IsApprovedUser(BasePermission):
    """The API's default: approved users only (public endpoints opt out explicitly)."""

    message = _("Only approved members can use this endpoint.")

    def has_permission(self, request, view):
        return is_approved(request.user)


class CanModerate(BasePermission):
    message = _("Only staff can moderate sign-ups.")

    def has_permission(self, request, view):
        return can_moderate(request.user)
