"""Restore a backup made by backup_site (see core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the media files with a backup made by backup_site. Checks the "
        "backup against its manifest first and refuses a damaged or incomplete one; afterwards "
        "checks every document version's file against its SHA-256. Stop the web and worker "
        "processes first. Needs --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup folder (backups/<timestamp>).")
        parser.add_argument("--yes", action="store_true",
                            help="Confirm that the current database and media are replaced.")

    def handle(self, *args, backup, yes=False, **options):
        if not yes:
            raise CommandError("This replaces the whole database and the media files with the "
                               "backup. Stop the site, then run again with --yes.")
        try:
            result = restore(Path(backup))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the {result.database} database from {result.manifest['created']} and "
            f"{result.media_files} media file(s); {result.versions_checked} document "
            "version(s) verified byte for byte (SHA-256).")
        if result.extra_files:
            self.stdout.write(self.style.WARNING(
                f"{len(result.extra_files)} file(s) in the media storage are not in the backup "
                "(left in place; `manage.py check_storage` lists them as orphans)."))
        self.stdout.write("If this code is newer than the backup, run `manage.py migrate` now.")
        self.stdout.write(self.style.SUCCESS("Restore complete."))
