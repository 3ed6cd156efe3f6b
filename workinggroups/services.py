"""Writes for working groups: membership changes and join requests."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_approved
from notifications.services import email_user

from .models import JoinRequest, Membership, WorkingGroup
from .permissions import can_manage_members, can_request_to_join


def join_request_create(*, group: WorkingGroup, user, message: str = "") -> JoinRequest:
    """An approved user asks to join; the group's coordinators (or, without any, staff) are
    told. Asking twice keeps the first request."""
    if not can_request_to_join(user, group):
        raise ValidationError(_("You are already a member of this group."))
    existing = JoinRequest.objects.filter(group=group, user=user,
                                          status=JoinRequest.Status.PENDING).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(group=group, user=user,
                                                 message=message.strip()[:1000])
    except IntegrityError:  # the same request arrived twice at once
        return JoinRequest.objects.get(group=group, user=user,
                                       status=JoinRequest.Status.PENDING)
    from accounts.selectors import staff_to_notify

    coordinators = [m.user for m in group.memberships.select_related("user")
                    .filter(role=Membership.Role.COORDINATOR, user__is_active=True)]
    for recipient in coordinators or list(staff_to_notify()):
        email_user(
            key=f"join-request:{request.pk}:{recipient.pk}", user=recipient,
            template="workinggroups/email/join_request",
            context={"group": group, "applicant": user, "message": request.message,
                     "url": settings.SITE_URL + reverse("workinggroups:members",
                                                        args=[group.code])},
        )
    return request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, by, accept: bool,
                        reason: str = "") -> JoinRequest:
    request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if not can_manage_members(by, request.group):
        raise PermissionDenied
    if request.status != JoinRequest.Status.PENDING:
        return request
    request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    request.decided_by, request.decided_at = by, timezone.now()
    request.reason = reason.strip()[:1000]
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if accept:
        membership_add(group=request.group, user=request.user, by=None)
    email_user(
        key=f"join-decision:{request.pk}", user=request.user,
        template=f"workinggroups/email/join_{request.status}",
        context={"group": request.group, "reason": request.reason,
                 "url": settings.SITE_URL + request.group.get_absolute_url()},
    )
    return request


@transaction.atomic
def membership_add(*, group: WorkingGroup, user, by, role: str = Membership.Role.MEMBER
                   ) -> Membership:
    """Add a member (or make a member a coordinator). `by` None: an operator at the console
    or an accepted request."""
    if by is not None and not can_manage_members(by, group):
        raise PermissionDenied
    if not is_approved(user):
        raise ValidationError(_("Only approved users can join a working group."))
    membership, created = Membership.objects.get_or_create(group=group, user=user,
                                                          defaults={"role": role})
    if not created and membership.role != role and role == Membership.Role.COORDINATOR:
        membership.role = role
        membership.save(update_fields=["role"])
    JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING
                               ).update(status=JoinRequest.Status.ACCEPTED, decided_by=by,
                                        decided_at=timezone.now())
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, by, role: str) -> Membership:
    if not can_manage_members(by, membership.group):
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    if role == Membership.Role.MEMBER and membership.is_coordinator:
        _keep_a_coordinator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def _keep_a_coordinator(leaving: Membership) -> None:
    # Lock the group: two coordinators stepping down at once must not both succeed.
    WorkingGroup.objects.select_for_update().get(pk=leaving.group_id)
    others = Membership.objects.filter(group=leaving.group, role=Membership.Role.COORDINATOR
                                       ).exclude(pk=leaving.pk)
    if not others.exists():
        raise ValidationError(_("A group keeps at least one coordinator: name another first."))


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """A coordinator (or staff) removes a member; a member leaves with by=themselves.
    Their documents and versions stay in the group."""
    if by is not None and by.pk != membership.user_id and not can_manage_members(
            by, membership.group):
        raise PermissionDenied
    if membership.is_coordinator:
        _keep_a_coordinator(membership)
    membership.delete()


@transaction.atomic
def membership_set_notifications(*, membership: Membership, user, notify: str) -> Membership:
    if membership.user_id != user.pk:
        raise PermissionDenied
    if notify not in Membership.Notify.values:
        raise ValidationError(_("Unknown choice."))
    membership.notify = notify
    if notify == Membership.Notify.DAILY and membership.digest_sent_until is None:
        membership.digest_sent_until = timezone.now()
    membership.save(update_fields=["notify", "digest_sent_until"])
    return membership
