"""UEFISCDI "Cluster inovativ" projects and their status reports.

A Competition (the funding call) funds Projects; each Project belongs to one cluster and has a
history of StatusReports, each "as of" a date. Only accepted reports are public, and an accepted
report is never changed again: a newer situation is a newer report.

Objectives, results and ongoing activities are *structured text* (see `projects.text`): lines
starting with "- " are bullets (indent two spaces per level), other lines are paragraphs, so
the bullet structure of the agency's report survives in every format."""

import os
import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.models import Cluster, Region, Sector
from core.uploads import hashed_name

from .text import parse_blocks

# The staff role that reviews status reports: a Django group with no model permissions (the
# role is checked by name in projects.permissions, never through model-wide permissions).
PROGRAMME_OFFICERS_GROUP = "Programme officers"


class Competition(models.Model):
    """A funding call, e.g. "Organizare și dezvoltare cluster – Cluster Inovativ" 2018-2019."""

    name = models.CharField(_("name"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    funder = models.CharField(_("funder"), max_length=200, default="UEFISCDI")
    programme = models.CharField(
        _("programme"), max_length=250, blank=True,
        help_text=_("e.g. Planul Național de Cercetare Dezvoltare și Inovare (PNCDI)"),
    )
    subprogramme_code = models.CharField(_("subprogramme number"), max_length=20, blank=True)
    subprogramme = models.CharField(_("subprogramme"), max_length=250, blank=True)
    years = models.CharField(_("years"), max_length=20, blank=True, help_text=_("e.g. 2018-2019"))
    purpose = models.TextField(
        _("purpose"), max_length=2000, blank=True,
        help_text=_("What the competition is for, as the preamble of the report states it."),
    )
    proposals_submitted = models.PositiveIntegerField(_("proposals submitted"), null=True,
                                                      blank=True)
    projects_funded = models.PositiveIntegerField(_("projects funded"), null=True, blank=True)
    total_budget = models.DecimalField(_("total budget"), max_digits=14, decimal_places=2,
                                       null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, default="RON")
    website = models.URLField(_("website"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-years", "name"]

    def __str__(self):
        return f"{self.name} {self.years}".strip()

    def get_absolute_url(self):
        return reverse("projects:competition", args=[self.slug])


_LEADING_NUMBER = re.compile(r"\d+")


def number_sequence(number: str) -> int:
    """The sort key of a project number: "12 CLS" → 12 (0 when it has no digits)."""
    match = _LEADING_NUMBER.search(number or "")
    return int(match.group()) if match else 0


class ProjectQuerySet(models.QuerySet):
    def with_status(self, today=None):
        """Annotate `status` (planned, ongoing, completed) from the implementation period."""
        today = today or timezone.localdate()
        return self.annotate(status=models.Case(
            models.When(start_date__gt=today, then=models.Value(Project.Status.PLANNED)),
            models.When(end_date__lt=today, then=models.Value(Project.Status.COMPLETED)),
            default=models.Value(Project.Status.ONGOING),
            output_field=models.CharField(),
        ))

    def filter_status(self, status: str, today=None):
        today = today or timezone.localdate()
        if status == Project.Status.PLANNED:
            return self.filter(start_date__gt=today)
        if status == Project.Status.COMPLETED:
            return self.filter(end_date__lt=today)
        if status == Project.Status.ONGOING:
            return self.filter(start_date__lte=today, end_date__gte=today)
        return self


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Not started")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    competition = models.ForeignKey(Competition, verbose_name=_("competition"),
                                    on_delete=models.PROTECT, related_name="projects")
    number = models.CharField(_("project number"), max_length=30,
                              help_text=_("As the funder numbers it, e.g. 1 CLS."))
    sequence = models.PositiveIntegerField(_("order"), default=0, editable=False)
    acronym = models.CharField(_("acronym"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=500)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    coordinator = models.CharField(
        _("coordinator"), max_length=300,
        help_text=_("The organisation that coordinates the project, as the funder names it."),
    )
    director = models.CharField(_("project director"), max_length=200)
    director_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("project director's account"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="directed_projects",
        help_text=_("The portal account of the project director, who may submit status "
                    "reports."),
    )
    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT,
                                related_name="projects")
    members_count = models.PositiveIntegerField(
        _("cluster members"), null=True, blank=True, validators=[MaxValueValidator(100000)],
        help_text=_("Members of the cluster at the time of the latest report."),
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="projects")
    domain = models.ForeignKey(Sector, verbose_name=_("domain"), on_delete=models.PROTECT,
                               related_name="projects")
    website = models.URLField(_("project website"), max_length=500, blank=True)
    objectives = models.TextField(_("objectives"), max_length=20000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["competition", "sequence", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"],
                                    name="projects_number_unique_in_competition"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="projects_end_not_before_start"),
        ]
        indexes = [models.Index(fields=["competition", "sequence"])]

    def __str__(self):
        return f"{self.number}/{self.acronym}"

    def save(self, *args, **kwargs):
        self.sequence = number_sequence(self.number)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sequence", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.slug])

    @property
    def label(self) -> str:
        """"1 CLS/INOV-TREC", as the report writes it."""
        return f"{self.number}/{self.acronym}"

    @property
    def objective_blocks(self):
        return parse_blocks(self.objectives)

    def status_on(self, day) -> str:
        if self.start_date > day:
            return self.Status.PLANNED
        if self.end_date < day:
            return self.Status.COMPLETED
        return self.Status.ONGOING


class StatusReportQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(state=StatusReport.State.ACCEPTED)


class StatusReport(models.Model):
    """A project's situation as of a date. Drafted and submitted by the project director or a
    manager of the project's cluster, reviewed by a programme officer; public once accepted,
    and frozen from then on."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("status report", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("status report", "Submitted, awaiting review")
        CHANGES_REQUESTED = "changes_requested", pgettext_lazy("status report",
                                                               "Changes requested")
        ACCEPTED = "accepted", pgettext_lazy("status report", "Accepted")

    class Source(models.TextChoices):
        FORM = "form", _("Submitted on the portal")
        IMPORT = "import", _("Imported")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="reports")
    as_of = models.DateField(_("as of"))
    members_count = models.PositiveIntegerField(
        _("cluster members"), null=True, blank=True, validators=[MaxValueValidator(100000)],
        help_text=_("Members of the cluster on the as-of date, if known."),
    )
    results = models.TextField(_("main results"), max_length=50000, blank=True)
    ongoing_activities = models.TextField(_("ongoing activities"), max_length=50000,
                                          blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices,
                             default=State.DRAFT)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.FORM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="submitted_status_reports")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reviewed_status_reports")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StatusReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["project", "-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "as_of"], condition=Q(state="accepted"),
                name="projects_one_accepted_report_per_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(accepted_at__isnull=False),
                name="projects_accepted_report_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "state", "-as_of"]),
            models.Index(fields=["state", "submitted_at"]),
        ]

    def __str__(self):
        return f"{self.project.label} @ {self.as_of:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("projects:report_detail", args=[self.project.slug, self.pk])

    @property
    def is_accepted(self) -> bool:
        return self.state == self.State.ACCEPTED

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.CHANGES_REQUESTED)

    @property
    def result_blocks(self):
        return parse_blocks(self.results)

    @property
    def activity_blocks(self):
        return parse_blocks(self.ongoing_activities)


def attachment_path(instance, filename):
    return hashed_name(instance.file, "projects/reports", filename)


class StatusReportAttachment(models.Model):
    """A file attached to a status report (presentation, deliverable). Stored under a
    content-addressed name; added or removed only while the report is editable."""

    report = models.ForeignKey(StatusReport, verbose_name=_("status report"),
                               on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("file type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_filename

    @property
    def extension(self) -> str:
        return os.path.splitext(self.original_filename)[1].lstrip(".").upper()


class ReviewEntry(models.Model):
    """The review trail of a report: who submitted, asked for changes (with the comment) or
    accepted, and when. Never edited."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted the report")
        CHANGES_REQUESTED = "changes_requested", _("asked for changes")
        ACCEPTED = "accepted", _("accepted the report")
        IMPORTED = "imported", _("imported the report")

    report = models.ForeignKey(StatusReport, verbose_name=_("status report"),
                               on_delete=models.CASCADE, related_name="review_entries")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("review entry")
        verbose_name_plural = _("review entries")
        ordering = ["report", "at", "pk"]

    def __str__(self):
        return f"{self.report}: {self.action}"
