"""Reads for accounts."""

from django.db.models import QuerySet

from .models import User


def signups_for_moderation(*, status: str | None = User.Status.PENDING) -> QuerySet[User]:
    """Sign-ups in the moderation queue, oldest first, with who decided them (one query)."""
    qs = User.objects.select_related("status_changed_by").prefetch_related("emailaddress_set")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("date_joined", "pk")


def staff_to_notify() -> QuerySet[User]:
    """Staff who receive moderation e-mails."""
    return User.objects.filter(is_staff=True, is_active=True, status=User.Status.APPROVED)
