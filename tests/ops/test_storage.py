"""A crash between storing a file and committing its row leaves no row and no orphan file
(core.storage); committed files stay, and a content-addressed file another row uses is never
deleted. Real transactions: what matters is what happens at COMMIT and ROLLBACK."""

import pytest
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import transaction
from django.db.transaction import TransactionManagementError

from clusters import services as cluster_services
from clusters.models import Cluster, ClusterChange, ClusterLabel
from core import storage
from documents import services as document_services
from documents.models import Document, DocumentEvent, DocumentVersion
from projects import services as project_services
from projects.models import StatusReport, StatusReportAttachment

from .storage_fixtures import (
    draft_report,
    group_member,
    make_cluster,
    make_document,
    png_upload,
    sha256,
    stored_files,
    text_upload,
)

# serialized_rollback: the data migrations' rows (the six groups) survive the flushes.
real_transactions = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Crash(Exception):
    """Stands for whatever fails after the file was stored: a bug, a lost connection."""


def crash_after(monkeypatch, target, name, *, when=lambda *args, **kwargs: True):
    """Make `target.name` raise Crash (when `when(...)` holds), recording which files were
    stored at that moment: the proof that the crash came after the file was written."""
    original = getattr(target, name)
    seen = []

    def crashing(*args, **kwargs):
        if when(*args, **kwargs):
            seen.append(stored_files())
            raise Crash
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, crashing)
    return seen


def add_version_then_crash(atomic, document, user):
    """Add a version inside an outer transaction that then fails."""
    with atomic():
        version = document_services.version_add(document=document, user=user,
                                                 upload=text_upload(b"Versiunea 2.\n"))
        # The inner transaction succeeded; the file is there until the outer one ends.
        assert default_storage.exists(version.file.name)
        raise Crash(version.file.name)


@real_transactions
def test_document_create_crashing_after_version_one_was_stored(monkeypatch):
    group, ana = group_member()
    seen = crash_after(monkeypatch, document_services, "_event",
                       when=lambda document, user, action, *a, **k:
                       action == DocumentEvent.Action.UPLOADED)
    with pytest.raises(Crash):
        document_services.document_create(group=group, user=ana, title="Ghid",
                                          category="policy-guide",
                                          upload=text_upload(b"Versiunea 1.\n"))
    assert [len(files) for files in seen] == [1]  # version 1's file was on disk then
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert stored_files() == set()


@real_transactions
def test_version_add_in_an_outer_transaction_that_rolls_back():
    group, ana = group_member()
    document = make_document(group, ana, [b"Versiunea 1.\n"])
    kept = set(DocumentVersion.objects.values_list("file", flat=True))
    assert stored_files() == kept  # committed: stays

    with pytest.raises(Crash):
        add_version_then_crash(storage.atomic, document, ana)
    assert list(document.versions.values_list("number", flat=True)) == [1]
    assert stored_files() == kept


@real_transactions
def test_a_plain_outer_transaction_rolling_back_is_swept_at_the_end_of_the_request():
    """A caller that used transaction.atomic() (the admin, a view): Django has no rollback hook,
    so the file waits until the request ends, and is then deleted."""
    group, ana = group_member()
    document = make_document(group, ana, [b"Versiunea 1.\n"])
    kept = stored_files()
    with pytest.raises(Crash) as crashed:
        add_version_then_crash(transaction.atomic, document, ana)
    assert default_storage.exists(crashed.value.args[0])  # nobody has looked yet
    request_finished.send(sender=None)
    assert stored_files() == kept
    assert document.versions.count() == 1


@real_transactions
def test_committed_versions_stay_when_a_later_one_fails(monkeypatch):
    group, ana = group_member()
    document = make_document(group, ana, [b"Versiunea 1.\n", b"Versiunea 2.\n"])
    crash_after(monkeypatch, DocumentVersion, "save")
    with pytest.raises(Crash):
        document_services.version_add(document=document, user=ana,
                                      upload=text_upload(b"Versiunea 3.\n"))
    request_finished.send(sender=None)
    versions = DocumentVersion.objects.order_by("number")
    assert stored_files() == {v.file.name for v in versions}
    for version, content in zip(versions, [b"Versiunea 1.\n", b"Versiunea 2.\n"], strict=True):
        with default_storage.open(version.file.name, "rb") as handle:
            assert handle.read() == content


@real_transactions
def test_project_attachment_crashing_after_its_row_was_saved(monkeypatch):
    report, manager = draft_report(make_cluster())
    before = stored_files()
    seen = crash_after(monkeypatch, StatusReport, "save",
                       when=lambda self, *a, **k: k.get("update_fields") == ["updated_at"])
    with pytest.raises(Crash):
        project_services.attachment_add(report=report, user=manager,
                                        upload=text_upload(b"%PDF-1.4\n% raport\n", "r.pdf"))
    assert len(seen[0] - before) == 1  # the attachment's file was stored, its row saved
    assert not StatusReportAttachment.objects.exists()
    assert stored_files() == before


@real_transactions
def test_cluster_logo_and_label_certificate_crashing_before_commit(monkeypatch):
    cluster = make_cluster()
    manager = None
    seen = crash_after(monkeypatch, cluster_services, "_record")
    with pytest.raises(Crash):
        cluster_services.cluster_update(cluster=cluster, user=manager,
                                        data={"logo": png_upload()})
    with pytest.raises(Crash):
        cluster_services.label_record(cluster=cluster, user=manager, data={
            "level": "gold", "issuer": "esca",
            "evidence_file": text_upload(b"%PDF-1.4\n% certificat\n", "certificat.pdf")})
    assert [len(files) for files in seen] == [1, 1]  # each file was stored, then the crash
    assert not Cluster.objects.get(pk=cluster.pk).logo
    assert not ClusterLabel.objects.exists()
    assert not ClusterChange.objects.filter(cluster=cluster).exists()
    assert stored_files() == set()


@real_transactions
def test_a_replaced_logo_is_deleted_once_the_change_commits():
    cluster = make_cluster()
    cluster_services.cluster_update(cluster=cluster, user=None,
                                    data={"logo": png_upload((1, 2, 3))})
    first = Cluster.objects.get(pk=cluster.pk).logo.name
    assert stored_files() == {first}
    cluster_services.cluster_update(cluster=cluster, user=None,
                                    data={"logo": png_upload((200, 100, 0))})
    second = Cluster.objects.get(pk=cluster.pk).logo.name
    assert second != first
    assert stored_files() == {second}


@real_transactions
def test_a_shared_content_addressed_file_is_not_deleted_by_a_rollback(settings, monkeypatch):
    """A storage that overwrites same-named files (S3 with file_overwrite) gives identical
    bytes one name: the rolled-back upload must not delete the committed row's file."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"allow_overwrite": True}}}
    content = b"%PDF-1.4\n% prezentare comuna\n"
    cluster = make_cluster()
    first_report, manager = draft_report(cluster)
    committed = project_services.attachment_add(report=first_report, user=manager,
                                                upload=text_upload(content, "a.pdf"))
    second_report, other = draft_report(make_cluster("bio"), acronym="INDAGRO")
    names = []
    original_save_file = storage.save_file
    monkeypatch.setattr(storage, "save_file",
                        lambda *a, **k: names.append(original_save_file(*a, **k)) or names[-1])
    crash_after(monkeypatch, StatusReport, "save",
                when=lambda self, *a, **k: k.get("update_fields") == ["updated_at"])
    with pytest.raises(Crash):
        project_services.attachment_add(report=second_report, user=other,
                                        upload=text_upload(content, "b.pdf"))
    assert names == [committed.file.name]  # the same stored file
    assert list(StatusReportAttachment.objects.all()) == [committed]
    assert stored_files() == {committed.file.name}
    with default_storage.open(committed.file.name, "rb") as handle:
        assert sha256(handle.read()) == committed.sha256


def test_save_file_refuses_to_run_outside_a_transaction():
    with pytest.raises(TransactionManagementError):
        storage.save_file("documents/x", text_upload(b"x"))
    assert stored_files() == set()


def test_every_file_field_is_known():
    assert {f"{model._meta.label}.{field.name}" for model, field in storage.file_fields()} >= {
        "documents.DocumentVersion.file", "projects.StatusReportAttachment.file",
        "clusters.Cluster.logo", "clusters.ClusterLabel.evidence_file"}
