from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.importer import ImportFailed, import_file


class Command(BaseCommand):
    help = (
        "Import a competition's projects and their status reports from a JSON or CSV file "
        "(format: README, \"Importing projects and status reports\"). Everything is checked "
        "first: one error anywhere and nothing is written. Importing the same file again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .json or .csv file.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and say what would change, writing nothing.")
        parser.add_argument("--format", dest="fmt", choices=["json", "csv"],
                            help="The file's format (default: from its extension).")

    def handle(self, *args, file, dry_run=False, fmt=None, **options):
        try:
            result = import_file(file, dry_run=dry_run, fmt=fmt)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            count = len(exc.errors)
            raise CommandError(ngettext(
                "%(count)d error: nothing was imported.",
                "%(count)d errors: nothing was imported.", count) % {"count": count}) from exc
        counts = {
            "competitions_created": result.competitions_created,
            "competitions_updated": result.competitions_updated,
            "projects_created": result.projects_created,
            "projects_updated": result.projects_updated,
            "projects_unchanged": result.projects_unchanged,
            "reports_added": result.reports_added,
            "reports_unchanged": result.reports_unchanged,
        }
        if dry_run:
            summary = _(
                "Dry run, nothing written. Would create %(competitions_created)d and update "
                "%(competitions_updated)d competitions; create %(projects_created)d, update "
                "%(projects_updated)d and leave %(projects_unchanged)d projects unchanged; "
                "add %(reports_added)d reports (%(reports_unchanged)d already imported).")
        else:
            summary = _(
                "Competitions: %(competitions_created)d created, %(competitions_updated)d "
                "updated. Projects: %(projects_created)d created, %(projects_updated)d "
                "updated, %(projects_unchanged)d unchanged. Reports: %(reports_added)d added, "
                "%(reports_unchanged)d unchanged.")
        self.stdout.write(summary % counts)
