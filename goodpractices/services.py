"""Writes for good practices. These functions own the invariants:

    draft ──publish (coordinators)──▶ published ──unpublish (coordinators)──▶ draft

- who may write is checked here too (permissions.py), so no caller can skip it;
- the slug is made once from the title, unique, and never changes (links keep working);
- the documents behind a practice belong to its working group and are visible to the writer
  (a member cannot link another group's private draft, nor a trashed document);
- a practice is published only once each of its sections is written.
Every function validates with full_clean() and runs in one transaction."""

import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from documents.permissions import documents_visible_to

from . import permissions
from .models import GoodPractice

State = GoodPractice.State

EDITABLE_FIELDS = ("title", "country", "region", "theme", "practice", "context", "benefits",
                   "lessons_learned", "success_factors", "risk_factors", "transferability",
                   "transferability_notes", "language")
TEXT_FIELDS = ("title", "practice", "context", "benefits", "lessons_learned", "success_factors",
               "risk_factors", "transferability_notes")
SLUG_LENGTH = 100
SLUG_ATTEMPTS = 5
# Addresses the archive's own pages use (/good-practices/new/).
RESERVED_SLUGS = {"new"}


def normalise_text(text: str) -> str:
    """NFC, Unix line ends, Romanian cedilla letters (ş ţ) turned into the correct comma-below
    ones (ș ț), no blanks at the ends."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.translate(str.maketrans("şŞţŢ", "șȘțȚ"))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown good-practice fields: {sorted(unknown)}")
    return {name: normalise_text(value) if name in TEXT_FIELDS else value
            for name, value in fields.items()}


def base_slug(title: str) -> str:
    """The title as a slug: "Acțiunea pilot…" → "actiunea-pilot…"."""
    return slugify(title)[:SLUG_LENGTH].strip("-") or "good-practice"


def unique_slug(title: str, *, exclude_pk=None) -> str:
    """base_slug(title), with -2, -3… when it is taken."""
    base = base_slug(title)
    taken = set(GoodPractice.objects.filter(slug__startswith=base).exclude(pk=exclude_pk)
                .values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base[:SLUG_LENGTH - len(str(number)) - 1]}-{number}"
    return slug


def _check_documents(practice: GoodPractice, documents, by) -> list:
    """The documents as a list, if every one belongs to the practice's group and `by` may see
    it; else a ValidationError on `documents`."""
    documents = list(documents)
    if not documents:
        return []
    allowed = set(documents_visible_to(by).filter(
        group_id=practice.working_group_id, trashed_at__isnull=True,
        pk__in=[document.pk for document in documents]).values_list("pk", flat=True))
    refused = [document for document in documents if document.pk not in allowed]
    if refused:
        raise ValidationError({"documents": _(
            "Only documents of %(code)s that you may see can be linked: %(titles)s."
        ) % {"code": practice.working_group.code,
             "titles": ", ".join(f"“{document.title}”" for document in refused)}})
    return documents


def _save_new(practice: GoodPractice) -> None:
    """Insert with a unique slug; two writers with the same title at once: the second one
    takes the next number (the unique index decides)."""
    for _attempt in range(SLUG_ATTEMPTS):
        practice.slug = unique_slug(practice.title)
        try:
            with transaction.atomic():
                practice.save(force_insert=True)
            return
        except IntegrityError:
            if not GoodPractice.objects.filter(slug=practice.slug).exists():
                raise
            practice.pk = None
    raise ValidationError({"title": _("Could not give this practice an address; try again.")})


@transaction.atomic
def practice_create(*, working_group, by, documents=(), **fields) -> GoodPractice:
    """A new draft of `working_group`, written by `by` (a member of the group)."""
    if not permissions.can_create(by, working_group):
        raise PermissionDenied
    practice = GoodPractice(working_group=working_group, author=by, state=State.DRAFT,
                            **_clean_fields(fields))
    practice.slug = unique_slug(practice.title)  # full_clean needs one; _save_new re-checks
    practice.full_clean()
    documents = _check_documents(practice, documents, by)
    _save_new(practice)
    practice.documents.set(documents)
    return practice


def _locked(practice: GoodPractice) -> GoodPractice:
    return (GoodPractice.objects.select_for_update(of=("self",))
            .select_related("working_group").get(pk=practice.pk))


@transaction.atomic
def practice_update(*, good_practice: GoodPractice, by, documents=None, **fields) -> GoodPractice:
    """Change the text (and, when given, the linked documents). The slug stays. (The practice
    is `good_practice`: `practice` is one of its text fields.)"""
    practice = _locked(good_practice)
    if not permissions.can_edit(by, practice):
        raise PermissionDenied
    for name, value in _clean_fields(fields).items():
        setattr(practice, name, value)
    practice.full_clean()
    if practice.is_published and practice.missing_sections:
        raise ValidationError(_("A published practice keeps every section: %(missing)s.")
                              % {"missing": ", ".join(practice.missing_sections)})
    if documents is not None:
        documents = _check_documents(practice, documents, by)
    practice.save()
    if documents is not None:
        practice.documents.set(documents)
    return practice


@transaction.atomic
def practice_publish(*, good_practice: GoodPractice, by) -> GoodPractice:
    """Coordinators of the group (and staff) publish a draft whose sections are all written."""
    practice = _locked(good_practice)
    if not permissions.can_publish(by, practice):
        raise PermissionDenied
    if practice.is_published:
        return practice
    missing = practice.missing_sections
    if missing:
        raise ValidationError(_("Write every section before publishing; missing: %(missing)s.")
                              % {"missing": ", ".join(missing)})
    practice.state = State.PUBLISHED
    practice.published_by = by
    practice.published_at = timezone.now()
    practice.full_clean()
    practice.save(update_fields=["state", "published_by", "published_at"])
    return practice


@transaction.atomic
def practice_unpublish(*, good_practice: GoodPractice, by) -> GoodPractice:
    """Take a published practice back to a draft (its group sees it again, nobody else)."""
    practice = _locked(good_practice)
    if not permissions.can_publish(by, practice):
        raise PermissionDenied
    if not practice.is_published:
        return practice
    practice.state = State.DRAFT
    practice.published_by = None
    practice.published_at = None
    practice.save(update_fields=["state", "published_by", "published_at"])
    return practice
