"""Who belongs to which working group, and who runs it. The Membership table is the one
source; views, the API, templates and documents/permissions.py ask these functions."""

from django.db.models import QuerySet

from accounts.permissions import is_approved

from .models import Membership, WorkingGroup


def groups_of(user) -> QuerySet[WorkingGroup]:
    """The groups whose private space this user may enter (staff: every group)."""
    if not is_approved(user):
        return WorkingGroup.objects.none()
    if user.is_staff:
        return WorkingGroup.objects.all()
    return WorkingGroup.objects.filter(memberships__user=user)


def membership(user, group) -> Membership | None:
    if not is_approved(user):
        return None
    return Membership.objects.filter(user=user, group=group).first()


def is_member(user, group) -> bool:
    """Members and coordinators of the group, and staff."""
    if not is_approved(user):
        return False
    return user.is_staff or Membership.objects.filter(user=user, group=group).exists()


def is_coordinator(user, group) -> bool:
    """The group's coordinators, and staff."""
    if not is_approved(user):
        return False
    return user.is_staff or Membership.objects.filter(
        user=user, group=group, role=Membership.Role.COORDINATOR).exists()


def can_request_to_join(user, group) -> bool:
    return is_approved(user) and not Membership.objects.filter(user=user, group=group).exists()


def can_manage_members(user, group) -> bool:
    """Coordinators and staff accept or decline requests, add and remove members."""
    return is_coordinator(user, group)
