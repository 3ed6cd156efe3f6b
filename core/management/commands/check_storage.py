"""Compare the media storage with the rows that name its files."""

import json

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from core import storage

ROWS_PER_CHUNK = 2000


class Command(BaseCommand):
    help = (
        "Check the media storage against the database: orphan files (stored, named by no row), "
        "missing files (named by a row, not stored) and checksum mismatches (a stored file whose "
        "SHA-256 or size differs from its row's). Every FileField of every model is covered. "
        "Exits with status 1 when it finds anything, 0 when all is well."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="Print the report as JSON.")
        parser.add_argument("--no-checksums", action="store_true",
                            help="Skip reading the files (only orphans and missing files).")

    def handle(self, *args, as_json: bool = False, no_checksums: bool = False, **options):
        report = check(checksums=not no_checksums)
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, sort_keys=True))
        else:
            self._print(report)
        found = (len(report["orphans"]) + len(report["missing"])
                 + len(report["checksum_mismatches"]))
        if found:
            raise CommandError(
                f"{len(report['orphans'])} orphan file(s), {len(report['missing'])} missing "
                f"file(s), {len(report['checksum_mismatches'])} checksum mismatch(es).",
                returncode=1)

    def _print(self, report):
        for name in report["orphans"]:
            self.stdout.write(f"orphan    {name}")
        for row in report["missing"]:
            self.stdout.write(f"missing   {row['name']}  ({row['model']} {row['pk']}, "
                              f"field {row['field']})")
        for row in report["checksum_mismatches"]:
            self.stdout.write(f"mismatch  {row['name']}  ({row['model']} {row['pk']}: "
                              f"expected {row['expected_sha256']} / {row['expected_size']} "
                              f"bytes, found {row['sha256']} / {row['size']} bytes)")
        self.stdout.write(
            f"{report['files']} stored file(s), {report['rows']} row(s) naming a file, "
            f"{report['checksummed']} checksum(s) verified.")
        if not (report["orphans"] or report["missing"] or report["checksum_mismatches"]):
            self.stdout.write(self.style.SUCCESS("Storage and database agree."))


def check(*, checksums: bool = True, media=None) -> dict:
    """The report as a dict. Reads each FileField's rows in one streamed query (the query count
    does not grow with the rows), walks the storage once, and hashes the files of the rows that
    record a SHA-256 chunk by chunk."""
    media = media or default_storage
    stored = set(storage.walk(media))
    named: set[str] = set()
    missing, mismatches = [], []
    rows = checksummed = 0
    for model, field in storage.file_fields():
        field_names = {f.name for f in model._meta.concrete_fields}
        with_sum = "sha256" in field_names and "size" in field_names
        columns = ["pk", field.attname] + (["sha256", "size"] if with_sum else [])
        queryset = (model._default_manager.exclude(**{field.attname: ""})
                    .exclude(**{f"{field.attname}__isnull": True})
                    .order_by().values_list(*columns))
        for pk, name, *expected in queryset.iterator(chunk_size=ROWS_PER_CHUNK):
            rows += 1
            named.add(name)
            where = {"model": model._meta.label, "pk": pk, "field": field.name, "name": name}
            if name not in stored:
                missing.append(where)
            elif with_sum and checksums:
                checksummed += 1
                digest, size = storage.file_sha256(name, media)
                if (digest, size) != (expected[0], expected[1]):
                    mismatches.append({**where, "sha256": digest, "size": size,
                                       "expected_sha256": expected[0],
                                       "expected_size": expected[1]})
    return {
        "orphans": sorted(stored - named),
        "missing": missing,
        "checksum_mismatches": mismatches,
        "files": len(stored),
        "rows": rows,
        "checksummed": checksummed,
    }
