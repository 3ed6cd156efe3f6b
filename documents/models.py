import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.text import fold
from workinggroups.models import WorkingGroup


class Category(models.TextChoices):
    POLICY_GUIDE = "policy-guide", _("Policy guide")
    SWOT = "swot", _("SWOT analysis")
    EVALUATION = "evaluation", _("Evaluation or impact report")
    FORESIGHT = "foresight", _("Foresight report")
    STUDY_VISIT = "study-visit", _("Study-visit report")
    BENCHMARKING = "benchmarking", _("Benchmarking report")
    GOOD_PRACTICE = "good-practice", _("Good practice")
    STRATEGY_PLAN = "strategy-plan", _("Strategy plan")
    TRAINING = "training", _("Training material")
    MINUTES = "minutes", _("Minutes")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    RO = "ro", _("Romanian")
    EN = "en", _("English")
    OTHER = "other", _("Other language")


class Document(models.Model):
    """A document a working group circulates. Its content lives in immutable versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        FINAL = "final", _("Final")

    group = models.ForeignKey(WorkingGroup, verbose_name=_("working group"),
                              on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices,
                                default=Language.RO)
    tags = models.CharField(_("tags"), max_length=300, blank=True,
                            help_text=_("Separated by commas."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    # The version the public archive offers; set when a coordinator publishes.
    published_version = models.ForeignKey(
        "DocumentVersion", verbose_name=_("published version"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked out by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    locked_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    trashed_at = models.DateTimeField(_("moved to the trash at"), null=True, blank=True)
    trashed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moved by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Newest activity first in the group space: bumped by every new version and decision.
    activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # Folded title, description and tags: what the text search matches.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-activity_at", "-pk"]
        indexes = [
            models.Index(fields=["group", "trashed_at", "-activity_at"]),
            models.Index(fields=["published_at"]),
            # The orders the group space and the public archive page through (bench/documents.py
            # measured full sorts of a group's documents without them).
            models.Index(fields=["group", "-activity_at", "-id"],
                         condition=Q(trashed_at__isnull=True), name="documents_group_live_order"),
            models.Index(fields=["-published_at", "-id"],
                         condition=Q(published_version__isnull=False, trashed_at__isnull=True),
                         name="documents_archive_order"),
            # The API's document list (every group's, newest activity first): without it a
            # sort of every visible document (bench/production.py, issue 8).
            models.Index(fields=["-activity_at", "-id"], condition=Q(trashed_at__isnull=True),
                         name="documents_live_activity_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_version__isnull=True) | Q(status="final"),
                name="documents_only_final_documents_are_published"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join([self.title, self.description, self.tags]))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None

    @property
    def is_trashed(self) -> bool:
        return self.trashed_at is not None

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


def version_path(instance, filename):
    # Never derived from what the uploader chose, unique per upload: two uploads never share
    # a stored file, and no storage can overwrite one with another.
    return f"documents/{instance.document.group_id}/{instance.document_id}/{uuid.uuid4().hex}"


class DocumentVersion(models.Model):
    """One immutable version: never changed, never renumbered, never deleted with its user."""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=300)
    original_filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("file type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("what changed"), max_length=1000, blank=True)
    restored_from = models.ForeignKey("self", verbose_name=_("restored from"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # Text extracted for comparison and search (PDF, DOCX, ODT, TXT, MD); empty otherwise.
    text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"],
                                    name="documents_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="documents_version_from_1"),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Document versions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Document versions are never deleted (staff purge whole documents).")

    @property
    def extension(self) -> str:
        return os.path.splitext(self.original_filename)[1].lower().lstrip(".")


class DocumentEvent(models.Model):
    """The audit trail and the groups' activity feed."""

    class Action(models.TextChoices):
        # What someone did ("Ana published …"): a context keeps these verbs apart from the
        # same English words used as adjectives elsewhere.
        CREATED = "created", pgettext_lazy("document event", "created")
        UPLOADED = "uploaded", _("uploaded a version")
        RESTORED = "restored", _("restored a version")
        DOWNLOADED = "downloaded", pgettext_lazy("document event", "downloaded")
        STATUS = "status", _("changed the status")
        PUBLISHED = "published", pgettext_lazy("document event", "published")
        UNPUBLISHED = "unpublished", pgettext_lazy("document event", "unpublished")
        LOCKED = "locked", _("checked out")
        UNLOCKED = "unlocked", _("checked in")
        LOCK_BROKEN = "lock_broken", _("broke the lock")
        TRASHED = "trashed", _("moved to the trash")
        UNTRASHED = "untrashed", _("restored from the trash")
        EDITED = "edited", _("edited the details")

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="events")
    version = models.ForeignKey(DocumentVersion, verbose_name=_("version"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("document event")
        verbose_name_plural = _("document events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["document", "-at"]),
                   models.Index(fields=["action", "-at"]),
                   # The group space's activity feed reads the newest events first.
                   models.Index(fields=["-at", "-id"], name="documents_event_recent")]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.document}"
