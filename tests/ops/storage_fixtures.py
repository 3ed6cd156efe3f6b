"""Data for the storage tests (test_storage, test_check_storage, test_backup_restore): a working
group with a member, documents with versions, a draft status report, a cluster."""

import hashlib
import io
from datetime import date
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clusters import services as cluster_services
from clusters.models import Cluster, Country, Region, Sector
from documents import services as document_services
from projects import services as project_services
from projects.models import Competition, Project
from tests.factories import UserFactory
from workinggroups.models import WorkingGroup
from workinggroups.services import membership_add


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_files() -> set[str]:
    """Every file in the media storage (a FileSystemStorage in the tests), by stored name."""
    root = Path(default_storage.location)
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def text_upload(content: bytes, name: str = "Raport.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "text/plain")


def png_upload(colour=(11, 61, 110), name: str = "Siglă.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 12), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def group_member():
    """WG1 (created by a data migration, or again after a transactional test's flush) and
    one of its members."""
    group = WorkingGroup.objects.filter(code="WG1").first()
    if group is None:
        import importlib

        from django.apps import apps

        importlib.import_module("workinggroups.migrations.0002_the_six_groups").create_groups(
            apps, None)
        group = WorkingGroup.objects.get(code="WG1")
    user = UserFactory(full_name="Ana Popescu")
    membership_add(group=group, user=user, by=None)
    return group, user


def make_document(group, user, versions: list[bytes], title="Ghid de politici"):
    document = document_services.document_create(
        group=group, user=user, upload=text_upload(versions[0]), title=title,
        category="policy-guide")
    for content in versions[1:]:
        document_services.version_add(document=document, user=user,
                                      upload=text_upload(content))
    return document


def make_cluster(slug="green-energy") -> Cluster:
    country, _ = Country.objects.get_or_create(code="RO", defaults={"name_ro": "România",
                                                                   "name_en": "Romania"})
    region, _ = Region.objects.get_or_create(
        slug="centru", defaults={"code": "RO12", "name_ro": "Centru", "name_en": "Centre",
                                 "country": country})
    return Cluster.objects.create(slug=slug, name=slug.replace("-", " ").title(),
                                  region=region, is_published=True)


def draft_report(cluster: Cluster, *, acronym="INOV-TREC"):
    """A draft status report of a project of `cluster`, and the cluster manager writing it."""
    competition, _ = Competition.objects.get_or_create(
        slug="cluster-inovativ", defaults={"name": "Cluster Inovativ"})
    domain, _ = Sector.objects.get_or_create(slug="energie", defaults={
        "name_ro": "Energie", "name_en": "Energy"})
    project = Project.objects.create(
        competition=competition, cluster=cluster, number=f"{acronym} CLS", acronym=acronym,
        slug=acronym.lower(), title="Creșterea capacității inovative",
        start_date=date(2018, 6, 1), end_date=date(2020, 5, 31), region=cluster.region,
        domain=domain, coordinator="Asociația Cluster", director="Adrian Bot")
    manager = UserFactory(full_name="Ioana Ștefănescu")
    cluster_services.cluster_manager_add(cluster=cluster, manager=manager, by=None)
    report = project_services.report_create(
        project=project, user=manager, as_of=date(2019, 12, 31),
        results="- agenda strategică", ongoing_activities="- platforma online")
    return report, manager


def lose_document(document) -> list[str]:
    """A disaster for the restore tests: the document's rows go (history, versions, the
    document). Returns the stored names of its files, which the caller deletes from its storage."""
    from documents.models import Document, DocumentEvent, DocumentVersion

    names = list(document.versions.values_list("file", flat=True))
    Document.objects.filter(pk=document.pk).update(published_version=None)
    DocumentEvent.objects.filter(document=document).delete()
    DocumentVersion.objects.filter(document=document).delete()
    Document.objects.filter(pk=document.pk).delete()
    return names
