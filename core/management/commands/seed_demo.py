from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_accounts


class Command(BaseCommand):
    help = (
        "Load the demo data: reference data and demo accounts (with a published password). "
        "Idempotent: running it again changes nothing. Refuses to create demo accounts when "
        "DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts", action="store_true",
            help="Load only the reference data (allowed with DEBUG off).",
        )

    @transaction.atomic
    def handle(self, *args, no_accounts=False, **options):
        if not no_accounts and not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo accounts with known passwords while DEBUG is off. "
                "Use --no-accounts to load only the reference data."
            )
        # Reference data of later apps is seeded here as those apps arrive.
        if no_accounts:
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
            return
        rows = seed_accounts()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts:"))
        width = max(len(email) for email, _role, _status in rows)
        for email, role, status in rows:
            self.stdout.write(
                f"  {email.ljust(width)}  password: {DEMO_PASSWORD}  ({role}, {status})"
            )
