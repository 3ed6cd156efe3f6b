"""Who may see and change institutions. Views, the API, the exports and the other apps' panels
ask these functions; no rule about institutions lives anywhere else.

- Published institutions are public.
- Unpublished ones are seen only by approved staff (they are being prepared or withdrawn).
- Only staff change institutions, in the admin, with the model permissions Django's admin
  checks (no front-end editing)."""

from django.db.models import QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.permissions import is_approved

from .models import Institution


def sees_unpublished(user) -> bool:
    return is_approved(user) and user.is_staff


def institutions_visible_to(user) -> QuerySet[Institution]:
    """Published institutions for everyone; unpublished ones too for approved staff."""
    if sees_unpublished(user):
        return Institution.objects.all()
    return Institution.objects.filter(is_published=True)


def can_edit_institutions(user) -> bool:
    """Approved staff holding the admin's change permission (superusers hold every one)."""
    return sees_unpublished(user) and user.has_perm("institutions.change_institution")


class InstitutionPermission(BasePermission):
    """API: read-only for everyone (what institutions_visible_to() shows them)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS
