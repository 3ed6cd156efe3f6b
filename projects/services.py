"""Writes for projects and status reports. These functions own the workflow:

    draft ──submit──▶ submitted ──accept──▶ accepted (public, frozen)
      ▲                   │
      └──── changes requested ◀──request changes (with a comment)

Every step is checked here (who, from which state), recorded in the review trail and e-mailed:
the submitter at each step, the programme officers when a report is submitted. A stored
attachment is removed again if its row is not committed."""

import hashlib

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import storage
from core.pagecache import public_content_changed
from documents.uploads import inspect_upload
from notifications.services import email_user

from . import permissions
from .models import (
    PROGRAMME_OFFICERS_GROUP,
    Project,
    ReviewEntry,
    StatusReport,
    StatusReportAttachment,
    attachment_path,
)
from .text import normalise

State = StatusReport.State
Action = ReviewEntry.Action

REPORT_FIELDS = ("as_of", "members_count", "results", "ongoing_activities")
# Attachments per report.
MAX_ATTACHMENTS = 20


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown status report fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("results", "ongoing_activities"):
        if name in cleaned:
            cleaned[name] = normalise(cleaned[name])
    return cleaned


def _check_as_of(report: StatusReport) -> None:
    project = report.project
    if report.as_of and report.as_of < project.start_date:
        raise ValidationError({"as_of": _("The as-of date cannot be before the project "
                                          "started (%(date)s).")
                               % {"date": project.start_date.strftime("%d.%m.%Y")}})
    if report.as_of and report.as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The as-of date cannot be in the future.")})


def _check_no_accepted_on_same_date(report: StatusReport) -> None:
    clash = (StatusReport.objects.accepted()
             .filter(project_id=report.project_id, as_of=report.as_of)
             .exclude(pk=report.pk).exists())
    if clash:
        raise ValidationError({"as_of": _(
            "A report as of %(date)s is already accepted for this project. Accepted reports "
            "are never changed: choose a later as-of date for the new situation."
        ) % {"date": report.as_of.strftime("%d.%m.%Y")}})


def _locked(report: StatusReport) -> StatusReport:
    return (StatusReport.objects.select_for_update(of=("self",)).select_related("project")
            .get(pk=report.pk))


@transaction.atomic
def report_create(*, project: Project, user, **fields) -> StatusReport:
    if not permissions.can_submit(user, project):
        raise PermissionDenied
    report = StatusReport(project=project, created_by=user, state=State.DRAFT,
                          **_clean_fields(fields))
    _check_as_of(report)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_update(*, report: StatusReport, user, **fields) -> StatusReport:
    report = _locked(report)
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    for name, value in _clean_fields(fields).items():
        setattr(report, name, value)
    _check_as_of(report)
    report.full_clean()
    report.save()
    return report


def attachment_add(*, report: StatusReport, user, upload) -> StatusReportAttachment:
    """Check the upload (size, type by its bytes), store it under a content-addressed name
    and record it; the file is removed again if the row is not committed (core.storage)."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    meta = inspect_upload(upload)  # raises UploadRefused before anything is stored
    placeholder = StatusReportAttachment(report=report)
    placeholder.file = upload
    with storage.atomic():
        name = storage.save_file(attachment_path(placeholder, meta["filename"]), upload)
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as stored:
            for chunk in stored.chunks():
                digest.update(chunk)
        if digest.hexdigest() != meta["sha256"]:
            raise ValidationError(_("The file was damaged while it was stored. Please upload "
                                    "it again."))
        locked = _locked(report)
        if not permissions.can_edit_report(user, locked):
            raise PermissionDenied
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(_("A report can have at most %(n)d attachments.")
                                  % {"n": MAX_ATTACHMENTS})
        attachment = StatusReportAttachment(
            report=locked, original_filename=meta["filename"], size=meta["size"],
            content_type=meta["content_type"], sha256=meta["sha256"], uploaded_by=user,
        )
        attachment.file.name = name
        attachment.save()
        locked.save(update_fields=["updated_at"])
    return attachment


def attachment_remove(*, attachment: StatusReportAttachment, user) -> None:
    with transaction.atomic():
        report = _locked(attachment.report)
        if not permissions.can_edit_report(user, report):
            raise PermissionDenied
        name = attachment.file.name
        attachment.delete()
        report.save(update_fields=["updated_at"])
        # Content-addressed: another attachment may hold the same bytes under the same name.
        storage.delete_on_commit(name)


def _entry(report, action, user, comment="") -> ReviewEntry:
    return ReviewEntry.objects.create(report=report, action=action, user=user,
                                      comment=comment.strip())


def programme_officers():
    from accounts.models import User

    return (User.objects.filter(is_active=True, is_staff=True, status=User.Status.APPROVED)
            .filter(groups__name=PROGRAMME_OFFICERS_GROUP).distinct())


def _notify(report: StatusReport, entry: ReviewEntry) -> None:
    context = {"report": report, "project": report.project, "entry": entry}
    stamp = f"{entry.pk}"
    if report.submitted_by is not None and report.submitted_by.email:
        email_user(key=f"status-report-{entry.action}:{stamp}:{report.submitted_by_id}",
                   user=report.submitted_by, template=f"projects/email/{entry.action}",
                   context=context)
    if entry.action == Action.SUBMITTED:
        for officer in programme_officers():
            if officer.pk == report.submitted_by_id:
                continue
            email_user(key=f"status-report-to-review:{stamp}:{officer.pk}", user=officer,
                       template="projects/email/to_review", context=context)


@transaction.atomic
def report_submit(*, report: StatusReport, user) -> StatusReport:
    report = _locked(report)
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    errors = {}
    if not report.results.strip():
        errors["results"] = _("Describe the main results before submitting.")
    if errors:
        raise ValidationError(errors)
    _check_as_of(report)
    _check_no_accepted_on_same_date(report)
    report.state = State.SUBMITTED
    report.submitted_by = user
    report.submitted_at = timezone.now()
    report.save()
    _notify(report, _entry(report, Action.SUBMITTED, user))
    return report


@transaction.atomic
def report_request_changes(*, report: StatusReport, user, comment: str) -> StatusReport:
    report = _locked(report)
    if not permissions.can_review(user, report):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change: the submitter reads this "
                                            "comment.")})
    report.state = State.CHANGES_REQUESTED
    report.reviewer = user
    report.reviewed_at = timezone.now()
    report.save()
    _notify(report, _entry(report, Action.CHANGES_REQUESTED, user, comment))
    return report


@transaction.atomic
def report_accept(*, report: StatusReport, user, comment: str = "") -> StatusReport:
    report = _locked(report)
    if not permissions.can_review(user, report):
        raise PermissionDenied
    # Accepts of one project run one at a time, so two reports with the same date cannot both
    # pass the check below (the partial unique constraint is the last line of defence).
    Project.objects.select_for_update().filter(pk=report.project_id).first()
    _check_no_accepted_on_same_date(report)
    now = timezone.now()
    report.state = State.ACCEPTED
    report.reviewer = user
    report.reviewed_at = now
    report.accepted_at = now
    report.save()
    _sync_members_count(report)
    _notify(report, _entry(report, Action.ACCEPTED, user, comment))
    return report


def _sync_members_count(report: StatusReport) -> None:
    """The project's member count follows its latest accepted report that gives one."""
    latest = (StatusReport.objects.accepted().filter(project_id=report.project_id,
                                                     members_count__isnull=False)
              .order_by("-as_of").values_list("members_count", flat=True).first())
    if latest is not None:
        Project.objects.filter(pk=report.project_id).exclude(members_count=latest).update(
            members_count=latest, updated_at=timezone.now())
        public_content_changed()  # update() sends no signal; public pages show the count


def ensure_programme_officers_group() -> Group:
    group, _created = Group.objects.get_or_create(name=PROGRAMME_OFFICERS_GROUP)
    return group
