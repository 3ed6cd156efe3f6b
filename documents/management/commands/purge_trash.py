from django.conf import settings
from django.core.management.base import BaseCommand

from documents.services import document_purge, documents_purgeable


class Command(BaseCommand):
    help = (
        "Delete documents that stayed in their group's trash longer than "
        "DOCUMENT_TRASH_RETENTION_DAYS, with their versions' files. Staff only: it cannot be "
        "undone. Without --yes it only lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Really delete them.")

    def handle(self, *args, yes=False, **options):
        documents = list(documents_purgeable().select_related("group"))
        days = settings.DOCUMENT_TRASH_RETENTION_DAYS
        if not documents:
            self.stdout.write(f"No document has been in the trash for more than {days} days.")
            return
        for document in documents:
            line = f"{document.group.code} #{document.pk} {document.title}"
            if yes:
                files = document_purge(document=document)
                self.stdout.write(f"Purged {line} ({files} files)")
            else:
                self.stdout.write(f"Would purge {line}")
        if not yes:
            self.stdout.write("Run again with --yes to delete them.")
