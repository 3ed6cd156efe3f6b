from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.permissions import is_approved
from workinggroups import services
from workinggroups.models import Membership, WorkingGroup


class Command(BaseCommand):
    help = ("Add an approved user to a working group (WG1 … WG6), make them a coordinator "
            "with --coordinator, or remove them with --remove.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("group_code", help="WG1 … WG6")
        parser.add_argument("--coordinator", action="store_true",
                            help="Make the user a coordinator of the group.")
        parser.add_argument("--remove", action="store_true",
                            help="Remove the user from the group.")

    def handle(self, *args, email, group_code, coordinator=False, remove=False, **options):
        if coordinator and remove:
            raise CommandError("Use either --coordinator or --remove, not both.")
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"No account with the e-mail address {email}.") from exc
        try:
            group = WorkingGroup.objects.get(code__iexact=group_code.strip())
        except WorkingGroup.DoesNotExist as exc:
            codes = ", ".join(WorkingGroup.objects.values_list("code", flat=True))
            raise CommandError(f"No working group with the code {group_code} "
                               f"(the groups are {codes}).") from exc
        existing = Membership.objects.filter(group=group, user=user).first()
        try:
            if remove:
                message = self._remove(user, group, existing)
            else:
                message = self._add(user, group, existing, coordinator)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(message)

    def _remove(self, user, group, existing) -> str:
        if existing is None:
            return f"{user.email} was not a member of {group.code}."
        services.membership_remove(membership=existing, by=None)
        return f"{user.email} is no longer a member of {group.code}."

    def _add(self, user, group, existing, coordinator) -> str:
        role = Membership.Role.COORDINATOR if coordinator else Membership.Role.MEMBER
        if existing is not None and (existing.role == role or existing.is_coordinator):
            what = "a coordinator" if existing.is_coordinator else "a member"
            return f"{user.email} is already {what} of {group.code}."
        if not is_approved(user):
            raise CommandError(
                f"{user.email} is not an approved user (status: {user.status}"
                f"{'' if user.is_active else ', deactivated'}): only approved users can join "
                f"a working group. Approve the sign-up first.")
        services.membership_add(group=group, user=user, by=None, role=role)
        if existing is not None:
            return f"{user.email} is now a coordinator of {group.code}."
        what = "a coordinator" if coordinator else "a member"
        return f"{user.email} is now {what} of {group.code}."
