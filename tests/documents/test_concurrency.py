"""Simultaneous writes on PostgreSQL: twenty new versions of one document at the same moment are
numbered 2..21 without a gap or a duplicate, each stored in its own file that downloads
byte-identical to what was sent; two members checking out one document at once: one wins.

The threads call the services directly: the HTTP layer adds nothing to these invariants."""

import hashlib
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from documents import services
from documents.models import Document, DocumentEvent
from tests.factories import UserFactory
from workinggroups.models import Membership, WorkingGroup
from workinggroups.services import membership_add

# serialized_rollback: the six groups (created by a migration) survive the flushes.
pytestmark = [pytest.mark.services,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 20


def run_at_once(count, work):
    """Run work(i) in `count` threads released together; return (results, errors) by index."""
    barrier = threading.Barrier(count, timeout=30)
    results, errors = {}, {}

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def members(wg1):
    users = [UserFactory(full_name=f"Membru {n}") for n in range(4)]
    for n, user in enumerate(users):
        role = Membership.Role.COORDINATOR if n == 0 else Membership.Role.MEMBER
        membership_add(group=wg1, user=user, by=None, role=role)
    return users


def test_twenty_simultaneous_versions_are_numbered_without_gaps(require_postgresql, wg1,
                                                                 members):
    first = b"Versiunea 1 a ghidului.\n"
    document = services.document_create(
        group=wg1, user=members[0], title="Ghid de politici", category="policy-guide",
        upload=SimpleUploadedFile("Ghid.txt", first, "text/plain"))
    sent = {hashlib.sha256(first).hexdigest(): first}
    payloads = [f"Versiunea trimisă de firul {i}: {'ă' * (i * 37)}\n".encode()
                for i in range(THREADS)]
    for payload in payloads:
        sent[hashlib.sha256(payload).hexdigest()] = payload
    assert len(sent) == THREADS + 1

    def upload(i):
        return services.version_add(
            document=Document.objects.get(pk=document.pk), user=members[i % len(members)],
            upload=SimpleUploadedFile(f"Ghid {i}.txt", payloads[i], "text/plain"),
            note=f"Firul {i}")

    results, errors = run_at_once(THREADS, upload)
    assert errors == {}
    assert sorted(v.number for v in results.values()) == list(range(2, THREADS + 2))

    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == list(range(1, THREADS + 2))
    assert len({v.file.name for v in versions}) == THREADS + 1
    for version in versions:
        with default_storage.open(version.file.name, "rb") as stored:
            content = stored.read()
        assert content == sent[version.sha256]
        assert version.size == len(content)
        assert hashlib.sha256(content).hexdigest() == version.sha256
    # Each thread's version holds that thread's bytes.
    for i, version in results.items():
        assert version.sha256 == hashlib.sha256(payloads[i]).hexdigest()
        assert version.note == f"Firul {i}"
    # Exactly the 21 files on disk: nothing overwritten, nothing stray.
    files = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(files) == THREADS + 1
    assert DocumentEvent.objects.filter(document=document,
                                        action=DocumentEvent.Action.UPLOADED).count() == 21


def test_two_simultaneous_checkouts_one_wins(require_postgresql, wg1, members):
    document = services.document_create(
        group=wg1, user=members[0], title="Raport SWOT", category="swot",
        upload=SimpleUploadedFile("SWOT.txt", b"SWOT\n", "text/plain"))
    contenders = members[1:3]

    def checkout(i):
        return services.document_lock(document=Document.objects.get(pk=document.pk),
                                      user=contenders[i])

    results, errors = run_at_once(2, checkout)
    assert len(results) == 1
    assert len(errors) == 1
    [(winner_index, _locked)] = results.items()
    [loser_error] = errors.values()
    assert isinstance(loser_error, ValidationError)
    document.refresh_from_db()
    assert document.locked_by == contenders[winner_index]
    assert contenders[winner_index].full_name in loser_error.messages[0]
    assert DocumentEvent.objects.filter(document=document,
                                        action=DocumentEvent.Action.LOCKED).count() == 1
