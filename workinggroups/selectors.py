"""Reads for the working-group pages, each in a fixed number of queries."""

from django.db.models import Count, QuerySet

from accounts.permissions import is_approved
from documents.selectors import group_document_counts

from .models import JoinRequest, Membership, WorkingGroup


def groups_overview(user) -> list[WorkingGroup]:
    """The six groups with their member and published-document counts and, for a logged-in
    user, their role in each and whether they asked to join (four queries)."""
    groups = list(WorkingGroup.objects.annotate(member_count=Count("memberships"))
                  .order_by("code"))
    counts = group_document_counts(groups)
    roles: dict[int, str] = {}
    pending: set[int] = set()
    if is_approved(user):
        roles = dict(Membership.objects.filter(user=user).values_list("group_id", "role"))
        pending = set(JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING)
                      .values_list("group_id", flat=True))
    for group in groups:
        group.published_count = counts.get(group.pk, {}).get("published", 0)
        role = roles.get(group.pk)
        group.my_role = role
        group.my_role_label = Membership.Role(role).label if role else ""
        group.request_pending = group.pk in pending
    return groups


def group_members(group) -> QuerySet[Membership]:
    """Coordinators first, then members, by name."""
    return (Membership.objects.filter(group=group).select_related("user")
            .order_by("role", "user__full_name", "user__email"))


def group_coordinators(group) -> QuerySet[Membership]:
    return group_members(group).filter(role=Membership.Role.COORDINATOR)


def pending_join_requests(group) -> QuerySet[JoinRequest]:
    return (JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING)
            .select_related("user").order_by("created_at", "pk"))


def recent_join_decisions(group, limit: int = 10) -> list[JoinRequest]:
    return list(JoinRequest.objects.filter(group=group)
                .exclude(status=JoinRequest.Status.PENDING)
                .select_related("user", "decided_by").order_by("-decided_at", "-pk")[:limit])


def pending_request_of(user, group) -> JoinRequest | None:
    if not is_approved(user):
        return None
    return JoinRequest.objects.filter(group=group, user=user,
                                      status=JoinRequest.Status.PENDING).first()
