"""Who may see, write and publish good practices. Views, the API and templates ask these
functions; no rule about good practices lives anywhere else.

- A published practice is public.
- A draft is seen only by the members of its working group (and staff); to everyone else it
  does not exist (404), in lists, pages and the API alike.
- The group's members describe practices (drafts); the author and the group's coordinators
  edit a draft; once published only the coordinators (and staff) change it, publish or take it
  back to a draft.
Group membership is workinggroups.permissions' business: lists filter with one subquery of the
user's groups, never a query per row."""

from django.db.models import Q, QuerySet

from accounts.permissions import is_approved
from workinggroups.models import WorkingGroup
from workinggroups.permissions import groups_of, is_coordinator, is_member

from .models import GoodPractice


def practices_visible_to(user) -> QuerySet[GoodPractice]:
    """Published practices for everyone; the drafts of their groups for members; staff all."""
    published = Q(state=GoodPractice.State.PUBLISHED)
    if not is_approved(user):
        return GoodPractice.objects.filter(published)
    if user.is_staff:
        return GoodPractice.objects.all()
    return GoodPractice.objects.filter(
        published | Q(working_group__in=groups_of(user).values("pk")))


def can_view(user, practice: GoodPractice) -> bool:
    return practice.is_published or is_member(user, practice.working_group)


def writable_groups(user) -> QuerySet[WorkingGroup]:
    """The groups this user may describe a practice for (staff: every group)."""
    return groups_of(user)


def can_create(user, group: WorkingGroup) -> bool:
    """Members (and coordinators) of the group, and staff."""
    return is_member(user, group)


def can_create_any(user) -> bool:
    return is_approved(user) and writable_groups(user).exists()


def can_edit(user, practice: GoodPractice) -> bool:
    """A draft: its author while still a member of the group, and the group's coordinators.
    A published practice: the coordinators (and staff) only."""
    if not is_approved(user):
        return False
    group = practice.working_group
    if is_coordinator(user, group):
        return True
    return (not practice.is_published and practice.author_id == user.pk
            and is_member(user, group))


def can_publish(user, practice: GoodPractice) -> bool:
    """The coordinators of its group, and staff (publish and take back to a draft)."""
    return is_coordinator(user, practice.working_group)


def can_unpublish(user, practice: GoodPractice) -> bool:
    return practice.is_published and can_publish(user, practice)
