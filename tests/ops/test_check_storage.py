"""`manage.py check_storage`: clean storage exits 0; each kind of fault (orphan file, missing
file, checksum mismatch) is reported, in text and JSON, with exit status 1."""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters import services as cluster_services
from documents.models import DocumentVersion
from projects import services as project_services

from .storage_fixtures import (
    draft_report,
    group_member,
    make_cluster,
    make_document,
    png_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str]:
    """(exit status, output) of check_storage."""
    out = io.StringIO()
    try:
        call_command("check_storage", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def site():
    """Files in every FileField: two documents with versions, an attachment, a logo and a
    label certificate."""
    group, ana = group_member()
    documents = [make_document(group, ana, [b"Versiunea 1.\n", b"Versiunea 2.\n"]),
                 make_document(group, ana, [b"Alt document.\n"], title="Alt")]
    cluster = make_cluster()
    report, manager = draft_report(cluster)
    project_services.attachment_add(report=report, user=manager,
                                    upload=text_upload(b"%PDF-1.4\n% raport\n", "r.pdf"))
    cluster_services.cluster_update(cluster=cluster, user=None, data={"logo": png_upload()})
    cluster_services.label_record(cluster=cluster, user=None, data={
        "level": "gold", "issuer": "esca",
        "evidence_file": text_upload(b"%PDF-1.4\n% certificat\n", "c.pdf")})
    return documents


def test_a_clean_storage_passes(site):
    status, out = run()
    assert status == 0
    assert "6 stored file(s), 6 row(s) naming a file, 4 checksum(s) verified" in out
    status, out = run("--json")
    report = json.loads(out)
    assert status == 0
    assert report["orphans"] == report["missing"] == report["checksum_mismatches"] == []
    assert report["files"] == report["rows"] == 6


def test_an_empty_site_passes(db):
    assert run("--json")[0] == 0


def test_the_deployments_dot_files_are_not_user_files(site):
    # docker-compose.yml keeps its migration lock in the media volume.
    default_storage.save(".migrate.lock", ContentFile(b""))
    assert run()[0] == 0


def test_an_orphan_file_is_reported(site):
    default_storage.save("documents/1/1/forgotten", ContentFile(b"nobody names me"))
    default_storage.save("stray.txt", ContentFile(b"nor me"))
    status, out = run()
    assert status == 1
    assert "orphan    documents/1/1/forgotten" in out
    assert "orphan    stray.txt" in out
    report = json.loads(run("--json")[1])
    assert report["orphans"] == ["documents/1/1/forgotten", "stray.txt"]
    assert report["missing"] == report["checksum_mismatches"] == []


def test_a_missing_file_is_reported(site):
    version = DocumentVersion.objects.get(document=site[1], number=1)
    default_storage.delete(version.file.name)
    status, out = run("--json")
    assert status == 1
    assert json.loads(out)["missing"] == [{
        "model": "documents.DocumentVersion", "pk": version.pk, "field": "file",
        "name": version.file.name}]
    assert f"missing   {version.file.name}" in run()[1]


@pytest.mark.parametrize("damage", [b"Versiunea 1!\n", b"Versiunea 1.\n\n"],
                         ids=["same-size", "longer"])
def test_a_changed_file_is_a_checksum_mismatch(site, damage):
    version = DocumentVersion.objects.get(document=site[0], number=1)
    with open(version.file.path, "wb") as handle:
        handle.write(damage)
    status, out = run("--json")
    assert status == 1
    [mismatch] = json.loads(out)["checksum_mismatches"]
    assert mismatch["pk"] == version.pk
    assert mismatch["expected_sha256"] == version.sha256
    assert mismatch["size"] == len(damage)
    assert run("--no-checksums")[0] == 0  # only reading the files finds it


def test_a_changed_attachment_is_a_checksum_mismatch(site):
    from projects.models import StatusReportAttachment

    attachment = StatusReportAttachment.objects.get()
    with open(attachment.file.path, "wb") as handle:
        handle.write(b"%PDF-1.4\n% alt raport\n")
    report = json.loads(run("--json")[1])
    assert [m["model"] for m in report["checksum_mismatches"]] == [
        "projects.StatusReportAttachment"]


def test_query_count_does_not_grow_with_the_rows(db):
    group, ana = group_member()
    make_document(group, ana, [b"Unu.\n"])
    with CaptureQueriesContext(connection) as few:
        assert run()[0] == 0
    for n in range(4):
        make_document(group, ana, [f"Doc {n} v1\n".encode(), f"Doc {n} v2\n".encode()],
                      title=f"Doc {n}")
    with CaptureQueriesContext(connection) as many:
        assert run()[0] == 0
    assert len(few) == len(many)
