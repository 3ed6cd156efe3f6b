"""Writes for accounts: the moderation state changes and the e-mails they send."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import email_user

from .models import ModerationDecision, User
from .selectors import staff_to_notify


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def signup_notify_staff(*, user: User) -> None:
    """E-mail every staff user about a new sign-up (once per sign-up and staff user)."""
    for staff in staff_to_notify().exclude(pk=user.pk):
        email_user(
            key=f"signup:{user.pk}:staff:{staff.pk}",
            user=staff,
            template="accounts/email/signup_to_staff",
            context={
                "applicant": user,
                "moderation_url": _absolute(reverse("accounts:moderation")),
            },
        )


@transaction.atomic
def user_moderate(
    *, user: User, status: str, decided_by: User | None, reason: str = ""
) -> ModerationDecision | None:
    """Approve or reject an account and e-mail the user the decision.

    Returns the decision, or None when the account already had that status (nothing changes
    and nothing is sent). Staff cannot decide on their own account."""
    if status not in (User.Status.APPROVED, User.Status.REJECTED):
        raise ValidationError(_("A decision is either approve or reject."))
    if decided_by is not None and decided_by.pk == user.pk:
        raise ValidationError(_("You cannot moderate your own account."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.status == status:
        return None
    reason = (reason or "").strip()
    now = timezone.now()
    locked.status = status
    locked.status_changed_by = decided_by
    locked.status_changed_at = now
    locked.status_reason = reason
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=["status", "status_changed_by", "status_changed_at",
                               "status_reason"])
    decision = ModerationDecision.objects.create(
        user=locked, status=status, decided_by=decided_by, decided_at=now, reason=reason
    )
    email_user(
        key=f"moderation:{decision.pk}",
        user=locked,
        template=f"accounts/email/signup_{status}",
        context={"reason": reason, "login_url": _absolute(reverse("account_login"))},
    )
    # Keep the caller's instance in step with the database.
    user.status, user.status_changed_by = locked.status, locked.status_changed_by
    user.status_changed_at, user.status_reason = locked.status_changed_at, locked.status_reason
    return decision


def user_approve(*, user: User, decided_by: User | None, reason: str = ""):
    return user_moderate(user=user, status=User.Status.APPROVED, decided_by=decided_by,
                         reason=reason)


def user_reject(*, user: User, decided_by: User | None, reason: str = ""):
    return user_moderate(user=user, status=User.Status.REJECTED, decided_by=decided_by,
                         reason=reason)


@transaction.atomic
def user_update_profile(*, user: User, **fields) -> User:
    """Change the profile fields a user may edit themselves."""
    allowed = {"full_name", "organisation", "country", "language", "time_zone"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=sorted(fields))
    return user
