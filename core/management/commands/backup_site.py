"""Back up the database and the media files into a timestamped folder (see core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup to OUTPUT_DIR/<UTC timestamp>/: the database dump (pg_dump custom "
        "format, or an SQLite copy), media.tar.gz with every media file, and manifest.json with "
        "the SHA-256 of each. Restore it with restore_site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default="backups",
                            help="Folder that receives the backup folder (default: backups).")

    def handle(self, *args, output_dir, **options):
        try:
            result = backup(Path(output_dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        manifest = result.manifest
        self.stdout.write(
            f"{len(manifest['media'])} media file(s), "
            f"{len(manifest['document_versions'])} document version(s), "
            f"{manifest['migrations']['applied']} migration(s) applied.")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.path}"))
