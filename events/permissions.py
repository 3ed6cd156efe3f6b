"""Who may see, organise and register for which events. Views, feeds, the API and templates
ask these functions; no rule about events lives anywhere else.

A public event is visible to everyone. A group-only event is visible to the members of its
working group (and staff) and to nobody else: not in lists, pages, feeds or the API. Lists
filter with one subquery of the user's groups, never a query per row."""

from django.db.models import Q, QuerySet

from accounts.permissions import is_approved
from workinggroups.models import Membership, WorkingGroup
from workinggroups.permissions import groups_of, is_coordinator, is_member

from .models import Event, Registration


def events_visible_to(user) -> QuerySet[Event]:
    public = Q(visibility=Event.Visibility.PUBLIC)
    if not is_approved(user):
        return Event.objects.filter(public)
    if user.is_staff:
        return Event.objects.all()
    return Event.objects.filter(public | Q(working_group__in=groups_of(user).values("pk")))


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(visibility=Event.Visibility.PUBLIC)


def can_view(user, event: Event) -> bool:
    if event.visibility == Event.Visibility.PUBLIC:
        return True
    return event.working_group_id is not None and is_member(user, event.working_group)


def organised_groups(user) -> QuerySet[WorkingGroup]:
    """The groups this user may organise events for: staff all, coordinators their own."""
    if not is_approved(user):
        return WorkingGroup.objects.none()
    if user.is_staff:
        return WorkingGroup.objects.all()
    return WorkingGroup.objects.filter(memberships__user=user,
                                       memberships__role=Membership.Role.COORDINATOR)


def can_create_events(user) -> bool:
    return is_approved(user) and (user.is_staff or organised_groups(user).exists())


def can_create_without_group(user) -> bool:
    """Portal-wide events (no working group) are organised by staff."""
    return is_approved(user) and user.is_staff


def can_manage(user, event: Event) -> bool:
    """Edit, copy, cancel, see and e-mail the attendees: staff, and the coordinators of the
    event's working group."""
    if not is_approved(user):
        return False
    if user.is_staff:
        return True
    return event.working_group_id is not None and is_coordinator(user, event.working_group)


def can_register(user, event: Event) -> bool:
    """Approved users who can see the event (whether registration is open is the services'
    business: they say why it is not)."""
    return is_approved(user) and can_view(user, event)


def can_have_personal_feed(user) -> bool:
    return is_approved(user)


def personal_feed_events(user) -> QuerySet[Event]:
    """What a user's private calendar feed holds: every public event, the group-only events of
    the groups they belong to (their own memberships: staff, who may see every group, do not get
    every group's meetings in their calendar) and the events they are registered or waiting
    for, as long as they may still see them. Subqueries only, so no duplicate rows."""
    if not can_have_personal_feed(user):
        return Event.objects.none()
    own_groups = Membership.objects.filter(user=user).values("group_id")
    attending = Registration.objects.filter(
        user=user, status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING],
    ).values("event_id")
    return events_visible_to(user).filter(
        Q(visibility=Event.Visibility.PUBLIC) | Q(working_group__in=own_groups)
        | Q(pk__in=attending))
