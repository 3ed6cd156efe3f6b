from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_accounts
from clusters.demo import seed_clusters, seed_demo_managers, seed_reference_data
from clusters.models import Cluster, Country, Region, Sector
from documents.demo import seed_groups_and_documents
from events.demo import seed_events
from events.models import Event
from goodpractices.demo import seed_good_practices
from institutions.demo import seed_institutions
from projects.demo import seed_project_accounts, seed_projects
from projects.importer import ImportFailed
from projects.models import Project, StatusReport


class Command(BaseCommand):
    help = (
        "Load the demo data: reference data, Romania's clusters, the 2014 events of the "
        "ClusterPoliSEE newsletter and the UEFISCDI \"Cluster inovativ\" projects with their "
        "status reports as of 31.12.2019 (public facts from the sources) and demo accounts "
        "(with a published password). "
        "Idempotent: running it again changes nothing. Refuses to create demo accounts when "
        "DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts", action="store_true",
            help="Load the reference data, the clusters, the events and the projects, no "
                 "demo accounts (allowed with DEBUG off).",
        )

    @transaction.atomic
    def handle(self, *args, no_accounts=False, **options):
        if not no_accounts and not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo accounts with known passwords while DEBUG is off. "
                "Use --no-accounts to load only the reference data."
            )
        # Reference data of later apps is seeded here as those apps arrive.
        # Clusters are real public facts (not demo accounts): loaded with or without accounts.
        seed_reference_data()
        seed_clusters()
        self.stdout.write(
            f"Countries: {Country.objects.count()}, regions: {Region.objects.count()}, "
            f"sectors: {Sector.objects.count()}"
        )
        self.stdout.write(f"Clusters: {Cluster.objects.count()}")
        # The events of the ClusterPoliSEE newsletter are public facts too.
        seed_events()
        self.stdout.write(f"Events: {Event.objects.count()}")
        # So are the UEFISCDI projects and their status reports (seed 003); they need the
        # clusters above.
        try:
            seed_projects()
        except ImportFailed as failed:
            raise CommandError("The demo projects do not import:\n"
                               + "\n".join(str(error) for error in failed.errors)) from failed
        self.stdout.write(f"Projects: {Project.objects.count()}, "
                          f"status reports: {StatusReport.objects.count()}")
        # The institutions the seeds name (issue 7), linked to those clusters and projects.
        self.stdout.write(f"Institutions created: {len(seed_institutions())}")
        if no_accounts:
            call_command("rebuild_search_index", stdout=self.stdout)  # search (issue 7)
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
            return
        rows = seed_accounts()
        managed = dict(seed_demo_managers())
        project_roles = seed_project_accounts()
        documents = seed_groups_and_documents()
        if documents:
            self.stdout.write(f"Demo documents created: {documents}")
        if practices := seed_good_practices():
            self.stdout.write(f"Demo good practices created: {practices}")
        call_command("rebuild_search_index", stdout=self.stdout)  # search (issue 7)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts:"))
        width = max(len(email) for email, _role, _status in rows)
        for email, role, status in rows:
            self.stdout.write(
                f"  {email.ljust(width)}  password: {DEMO_PASSWORD}  ({role}, {status})"
                + (f", manages {managed[email]}" if email in managed else "")
                + (f", {project_roles[email]}" if email in project_roles else "")
            )
