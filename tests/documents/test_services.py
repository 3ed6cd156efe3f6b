"""The services' invariants: numbering, immutability, stored files, notifications, digest,
trash and purge."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from documents import services
from documents.models import Document, DocumentEvent, DocumentVersion
from documents.notifications import send_digest
from documents.tasks import send_daily_digests
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup
from workinggroups.services import membership_add, membership_set_notifications

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Services speak the active language (Romanian by default): these tests read English.
    from django.utils import translation

    with translation.override("en"):
        yield


def stored_files() -> set[str]:
    from pathlib import Path

    root = Path(default_storage.location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def upload(content=b"Analiza SWOT a regiunii Nord-Est.\n", name="SWOT Nord-Est.txt"):
    return SimpleUploadedFile(name, content, "text/plain")


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def ana(wg1):
    user = UserFactory(full_name="Ana Popescu", email="ana@example.ro")
    membership_add(group=wg1, user=user, by=None)
    return user


@pytest.fixture
def coordinator(wg1):
    user = UserFactory(full_name="Radu Coordonator", email="radu@example.ro")
    membership_add(group=wg1, user=user, by=None, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def document(wg1, ana):
    return services.document_create(group=wg1, user=ana, upload=upload(), title="SWOT Nord-Est",
                                    category="swot", note="Prima variantă")


def test_the_six_groups_exist_from_the_migrations():
    assert list(WorkingGroup.objects.values_list("code", flat=True)) == [
        "WG1", "WG2", "WG3", "WG4", "WG5", "WG6"]
    wg3 = WorkingGroup.objects.get(code="WG3")
    assert wg3.name_ro == "Cooperarea și rețelele de clustere internaționale"
    assert wg3.name_en == "International cluster cooperation and networking"


def test_create_makes_version_one_and_records_it(document, ana):
    [version] = document.versions.all()
    assert version.number == 1
    assert version.original_filename == "SWOT Nord-Est.txt"
    assert version.uploaded_by == ana
    assert version.size == len(b"Analiza SWOT a regiunii Nord-Est.\n")
    with default_storage.open(version.file.name, "rb") as stored:
        assert stored.read() == b"Analiza SWOT a regiunii Nord-Est.\n"
    assert "SWOT" not in version.file.name  # a generated name
    assert list(document.events.values_list("action", flat=True)) == ["uploaded", "created"]


def test_versions_are_immutable(document):
    version = document.versions.get()
    version.note = "rescris"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    with pytest.raises(ValueError, match="never deleted"):
        version.delete()


def test_restore_makes_a_new_version_with_the_old_content(document, ana):
    services.version_add(document=document, user=ana, upload=upload(b"A doua variant\xc4\x83\n"),
                         note="Revizuit")
    restored = services.version_restore(document=document, user=ana, number=1)
    assert restored.number == 3
    assert restored.restored_from.number == 1
    assert restored.sha256 == document.versions.get(number=1).sha256
    assert restored.file.name != document.versions.get(number=1).file.name  # its own file
    assert list(document.versions.order_by("number").values_list("number", flat=True)) == [
        1, 2, 3]


def test_non_members_cannot_upload(document):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        services.version_add(document=document, user=outsider, upload=upload())


def test_a_checked_out_document_takes_versions_only_from_its_holder(document, ana, wg1,
                                                                  coordinator):
    other = UserFactory()
    membership_add(group=wg1, user=other, by=None)
    services.document_lock(document=document, user=ana)
    files_before = stored_files()
    with pytest.raises(ValidationError, match="checked this document out"):
        services.version_add(document=document, user=other, upload=upload(b"x\n"))
    assert stored_files() == files_before  # the refused version left no file behind
    services.version_add(document=document, user=ana, upload=upload(b"holder\n"))
    with pytest.raises(PermissionDenied):
        services.document_unlock(document=document, user=other)
    services.document_unlock(document=document, user=coordinator)  # breaks the lock
    assert document.events.filter(action="lock_broken", user=coordinator).exists()


def test_only_final_documents_are_published_and_only_by_coordinators(document, ana,
                                                                     coordinator):
    with pytest.raises(PermissionDenied):
        services.document_set_status(document=document, user=ana, status="final")
    with pytest.raises(ValidationError, match="Only a final document"):
        services.document_publish(document=document, user=coordinator)
    services.document_set_status(document=document, user=coordinator, status="final")
    with pytest.raises(PermissionDenied):
        services.document_publish(document=document, user=ana)
    published = services.document_publish(document=document, user=coordinator)
    assert published.published_version.number == 1
    services.version_add(document=document, user=ana, upload=upload(b"v2\n"))
    document.refresh_from_db()
    assert document.published_version.number == 1  # a new version waits for the next publish


def test_members_are_emailed_about_a_new_version(document, ana, wg1, capture_commits):
    immediate = UserFactory(email="imediat@example.ro", language="ro")
    quiet = UserFactory(email="liniste@example.ro")
    membership_add(group=wg1, user=immediate, by=None)
    membership = membership_add(group=wg1, user=quiet, by=None)
    membership_set_notifications(membership=membership, user=quiet, notify="none")
    mail.outbox.clear()
    with capture_commits():
        services.version_add(document=document, user=ana, upload=upload(b"v2\n"),
                             note="Am adăugat concluziile")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["imediat@example.ro"]  # not Ana herself, not the quiet member
    [message] = mail.outbox
    assert "SWOT Nord-Est" in message.subject
    assert "versiunea 2" in message.body or "version 2" in message.body
    assert f"/documents/{document.pk}/" in message.body


def test_daily_digest_once_per_day(document, ana, wg1, capture_commits):
    reader = UserFactory(email="digest@example.ro")
    membership = membership_add(group=wg1, user=reader, by=None)
    membership_set_notifications(membership=membership, user=reader, notify="daily")
    with capture_commits():
        services.version_add(document=document, user=ana, upload=upload(b"v2\n"))
    assert [m for m in mail.outbox if m.to == ["digest@example.ro"]] == []
    mail.outbox.clear()
    with capture_commits():
        assert send_daily_digests.apply().get() == 1
        assert send_daily_digests.apply().get() == 0  # nothing new since
    [digest] = mail.outbox
    assert digest.to == ["digest@example.ro"]
    assert "SWOT Nord-Est" in digest.body
    membership.refresh_from_db()
    assert not send_digest(membership)


def test_trash_and_purge_after_retention(document, ana, coordinator, settings):
    names = [v.file.name for v in document.versions.all()]
    services.document_trash(document=document, user=ana)
    assert Document.objects.filter(pk=document.pk, trashed_at__isnull=False).exists()
    call_command("purge_trash", "--yes")
    assert Document.objects.filter(pk=document.pk).exists()  # not past the retention yet
    Document.objects.filter(pk=document.pk).update(
        trashed_at=timezone.now() - timedelta(days=settings.DOCUMENT_TRASH_RETENTION_DAYS + 1))
    call_command("purge_trash", "--yes")
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not DocumentVersion.objects.filter(document_id=document.pk).exists()
    assert not DocumentEvent.objects.filter(document_id=document.pk).exists()
    assert not any(default_storage.exists(name) for name in names)


def test_deleting_a_user_keeps_their_documents(document, ana):
    ana.delete()
    document.refresh_from_db()
    version = document.versions.get()
    assert version.uploaded_by is None
    assert default_storage.exists(version.file.name)


def test_a_group_with_documents_cannot_be_deleted(document, wg1):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        wg1.delete()


def test_comparing_very_different_versions_stays_fast():
    import time

    from documents.text import MAX_COMPARED_LINES, compare

    older = "\n".join(f"rândul vechi {i}" for i in range(MAX_COMPARED_LINES + 500))
    newer = "\n".join(f"rândul nou {i}" for i in range(MAX_COMPARED_LINES + 500))
    started = time.perf_counter()
    rows = compare(older, newer)
    elapsed = time.perf_counter() - started
    assert len(rows) == 2 * MAX_COMPARED_LINES  # capped: every line removed, then added
    assert elapsed < 5, elapsed  # ndiff took minutes here; a generous bound, not a benchmark
