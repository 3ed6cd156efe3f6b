"""Helpers shared by the tests of the documents pages (test_views_*, test_uploads, test_archive,
test_compare)."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents import services
from tests.factories import UserFactory
from workinggroups.models import Membership
from workinggroups.services import membership_add

PDF = b"%PDF-1.4\n% Raport de evaluare\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def stored_files() -> list[Path]:
    """Every file in the storage (MEDIA_ROOT is a fresh directory per test)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def member_of(group, role=Membership.Role.MEMBER, **user_fields):
    user = UserFactory(**user_fields)
    membership_add(group=group, user=user, by=None, role=role)
    return user


def txt(content: bytes = b"Analiza SWOT a regiunii Nord-Est.\n", name="SWOT Nord-Est.txt"):
    return SimpleUploadedFile(name, content, "text/plain")


def upload_form(file=None, **overrides) -> dict:
    data = {
        "title": "Analiză SWOT Nord-Est",
        "description": "Punctele tari și slabe ale clusterelor din regiune.",
        "category": "swot",
        "language": "ro",
        "tags": "SWOT, Nord-Est",
        "note": "Prima variantă",
        "file": file if file is not None else txt(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def create_document(group, user, *, title="Analiză SWOT Nord-Est", content=None,
                    name="SWOT Nord-Est.txt", **fields):
    upload = txt(content or f"{title}\nPrima variantă.\n".encode(), name)
    return services.document_create(group=group, user=user, upload=upload, title=title,
                                    category=fields.pop("category", "swot"), **fields)


def add_version(document, user, content: bytes, name="SWOT Nord-Est.txt", note=""):
    return services.version_add(document=document, user=user, upload=txt(content, name),
                                note=note)


def publish(document, coordinator):
    services.document_set_status(document=document, user=coordinator, status="final")
    return services.document_publish(document=document, user=coordinator)


def detail_url(document) -> str:
    return reverse("documents:detail", args=[document.pk])


def download_url(document, number) -> str:
    return reverse("documents:download", args=[document.pk, number])


def body_of(response) -> bytes:
    """The content of a response, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
