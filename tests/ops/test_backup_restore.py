"""`manage.py backup_site` / `restore_site` (make backup / make restore): a round trip restores
every document version byte-identical (SHA-256 compared) after rows and files were deleted or
changed; a damaged, incomplete or unsafe backup is refused before anything is touched.

PostgreSQL round trip: pg_dump / pg_restore into the test database itself (the configured
database, as in production). SQLite round trip: the sqlite3 backup API."""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from core.backup import MANIFEST, MEDIA_ARCHIVE, _pg_command, sha256_file
from documents import services as document_services
from documents.models import Document, DocumentVersion

from .storage_fixtures import group_member, lose_document, make_document, sha256, stored_files

# Real transactions: pg_dump reads what was committed. serialized_rollback: the data
# migrations' rows survive the flushes.
real_transactions = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CONTENTS = [
    [b"Ghid de politici, versiunea 1.\n", "Ghid, versiunea 2: ă î â ș ț.\n".encode()],
    ["Strategia regională — draft.\n".encode() * 2000],  # ~60 KB
    [b"Plan 1\n", b"Plan 2\n", b"Plan 3\n"],
]


def versions_on_disk() -> dict[int, tuple[int, str, str]]:
    """{version id: (number, recorded SHA-256, SHA-256 of the stored bytes)}."""
    found = {}
    for version in DocumentVersion.objects.order_by("pk"):
        with default_storage.open(version.file.name, "rb") as handle:
            found[version.pk] = (version.number, version.sha256, sha256(handle.read()))
    return found


def make_backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup_site", output_dir=str(tmp_path / "backups"), stdout=out)
    [folder] = (tmp_path / "backups").iterdir()
    assert f"Backup written to {folder}" in out.getvalue()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [MANIFEST, MEDIA_ARCHIVE, json.loads((folder / MANIFEST).read_text())["database_file"]])
    return folder


def round_trip(tmp_path):
    group, ana = group_member()
    documents = [make_document(group, ana, contents, title=f"Document {n}")
                 for n, contents in enumerate(CONTENTS)]
    before = versions_on_disk()
    assert len(before) == 6
    assert all(recorded == actual for _n, recorded, actual in before.values())

    folder = make_backup(tmp_path)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["engine"] == connection.vendor
    assert {v["id"]: v["sha256"] for v in manifest["document_versions"]} == {
        pk: recorded for pk, (_n, recorded, _a) in before.items()}
    for name, listed in manifest["files"].items():
        assert sha256_file(folder / name) == (listed["sha256"], listed["size"])
    assert set(manifest["media"]) == stored_files()
    assert manifest["migrations"]["latest"]["documents"]

    # Disaster: a document's rows and files gone, a stored file overwritten, a new document
    # added after the backup.
    lost = documents[0]
    lost_files = lose_document(lost)
    for name in lost_files:
        default_storage.delete(name)
    damaged = documents[1].versions.get()
    with open(damaged.file.path, "wb") as handle:
        handle.write(b"overwritten")
    later = document_services.document_create(group=group, user=ana, title="După backup",
                                              category="policy-guide",
                                              upload=_upload(b"Adaugat dupa backup.\n"))
    assert versions_on_disk() != before

    out = io.StringIO()
    call_command("restore_site", str(folder), yes=True, stdout=out)
    assert "6 document version(s) verified" in out.getvalue()
    assert "1 file(s) in the media storage are not in the backup" in out.getvalue()

    after = versions_on_disk()
    assert after == before  # same rows, every file byte-identical to its recorded SHA-256
    assert not Document.objects.filter(pk=later.pk).exists()
    assert Document.objects.count() == len(CONTENTS)


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("nou.txt", content, "text/plain")


@real_transactions
def test_postgresql_round_trip_restores_every_version_byte_identical(require_postgresql,
                                                                      tmp_path):
    round_trip(tmp_path)


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
                    reason="the SQLite round trip runs when the tests run on SQLite")
@real_transactions
def test_sqlite_round_trip_restores_every_version_byte_identical(tmp_path):
    round_trip(tmp_path)


def _copy(folder: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(folder, copy)
    return copy


def _rewrite_manifest(folder: Path, change) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _refused(folder: Path, message: str) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        call_command("restore_site", str(folder), yes=True, stdout=io.StringIO())
    assert refused.value.returncode == 1


@real_transactions
def test_a_damaged_incomplete_or_unsafe_backup_is_refused_before_anything_changes(tmp_path):
    group, ana = group_member()
    make_document(group, ana, [b"Versiunea 1.\n", b"Versiunea 2.\n"])
    folder = make_backup(tmp_path)
    manifest = json.loads((folder / MANIFEST).read_text())
    later = make_document(group, ana, [b"Dupa backup.\n"], title="Nou")  # must survive
    files_now = stored_files()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_site", str(folder), stdout=io.StringIO())

    tampered = _copy(folder, tmp_path, "tampered-dump")
    dump = tampered / manifest["database_file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    _refused(tampered, "does not match the manifest")

    incomplete = _copy(folder, tmp_path, "no-media")
    (incomplete / MEDIA_ARCHIVE).unlink()
    _refused(incomplete, "media.tar.gz is missing: incomplete backup")

    no_manifest = _copy(folder, tmp_path, "no-manifest")
    (no_manifest / MANIFEST).unlink()
    _refused(no_manifest, "no manifest.json")

    # An archive entry escaping the media folder, with a manifest that agrees with it: the
    # checksums pass, the entry is refused.
    unsafe = _copy(folder, tmp_path, "unsafe")
    with tarfile.open(unsafe / MEDIA_ARCHIVE, "w:gz") as archive:
        info = tarfile.TarInfo("../../evil.txt")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"evil"))

    def agree(m):
        digest, size = sha256_file(unsafe / MEDIA_ARCHIVE)
        m["files"][MEDIA_ARCHIVE] = {"sha256": digest, "size": size}
        m["media"] = {"../../evil.txt": {"sha256": hashlib.sha256(b"evil").hexdigest(),
                                          "size": 4}}

    _rewrite_manifest(unsafe, agree)
    _refused(unsafe, "unexpected entry")
    assert not (tmp_path / "evil.txt").exists()

    # Nothing was restored: the document made after the backup is still there, files too.
    assert Document.objects.filter(pk=later.pk).exists()
    assert stored_files() == files_now


def test_the_database_password_goes_through_the_environment_not_the_command_line(
        monkeypatch):
    settings_dict = connections["default"].settings_dict
    for key, value in {"HOST": "db.internal", "PORT": "6432", "USER": "portal",
                       "PASSWORD": "s3cret pass"}.items():
        monkeypatch.setitem(settings_dict, key, value)
    args, env = _pg_command()
    assert args == ["--host", "db.internal", "--port", "6432", "--username", "portal"]
    assert env["PGPASSWORD"] == "s3cret pass"
