from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import user_approve


class Command(BaseCommand):
    help = "Approve a pending (or rejected) sign-up and e-mail the user the decision."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--reason", default="", help="Optional note included in the e-mail.")

    def handle(self, *args, email, reason, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"No account with the e-mail address {email}.") from exc
        try:
            decision = user_approve(user=user, decided_by=None, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if decision is None:
            self.stdout.write(f"{user.email} is already approved; nothing changed.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Approved {user.email}; they have been e-mailed.")
            )
