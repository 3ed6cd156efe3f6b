"""Rebuild the search index (all kinds, or those named), in batches. Safe to run any time,
e.g. nightly: changes the signals cannot see (bulk updates, imports) are caught up."""

from django.core.management.base import BaseCommand, CommandError

from search.index import BATCH, rebuild
from search.models import Kind


class Command(BaseCommand):
    help = "Rebuild the search index from the clusters, documents, events, projects, reports, " \
           "institutions and good practices."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", metavar="KIND",
                            help=f"only these kinds ({', '.join(Kind.values)})")
        parser.add_argument("--batch", type=int, default=BATCH, help="entries per batch")

    def handle(self, *args, kinds=(), batch=BATCH, **options):
        unknown = set(kinds) - set(Kind.values)
        if unknown:
            raise CommandError(f"Unknown kinds: {', '.join(sorted(unknown))}")
        counts = rebuild(kinds or None, batch=max(1, batch))
        for kind, count in counts.items():
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {sum(counts.values())} "
                                             "entries."))
