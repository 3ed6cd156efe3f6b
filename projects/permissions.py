"""Who may see, write and review status reports. Views, the API and templates ask these
functions; no rule about projects lives anywhere else.

- Competitions, projects and **accepted** reports are public.
- A report that is not accepted (draft, submitted, changes requested) is seen only by the
  project's submitters and by programme officers; to everyone else it does not exist (404).
- **Submitters** of a project: its director's account and the managers of its cluster
  (object permission `clusters.manage_cluster`, never a model-wide permission). They create
  reports, edit them while they are drafts or sent back, and submit them.
- **Programme officers** (approved staff in the "Programme officers" group, or superusers)
  review submitted reports: ask for changes with a comment, or accept.
An accepted report is never edited again, by anyone."""

from django.db.models import Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from accounts.permissions import is_approved
from clusters.models import Cluster

from .models import PROGRAMME_OFFICERS_GROUP, Project, StatusReport


def is_programme_officer(user) -> bool:
    if not (is_approved(user) and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_programme_officer", None)
    if cached is None:
        cached = user.groups.filter(name=PROGRAMME_OFFICERS_GROUP).exists()
        user._is_programme_officer = cached
    return cached


def _managed_clusters(user) -> QuerySet[Cluster]:
    return get_objects_for_user(user, "clusters.manage_cluster", klass=Cluster,
                                accept_global_perms=False, with_superuser=False)


def projects_submittable_by(user) -> QuerySet[Project]:
    """The projects this user may write status reports for."""
    if not is_approved(user):
        return Project.objects.none()
    return Project.objects.filter(
        Q(director_account=user) | Q(cluster__in=_managed_clusters(user).values("pk"))
    )


def can_submit(user, project: Project) -> bool:
    """The project's director and the managers of its cluster (staff included only when they
    hold one of those roles themselves)."""
    if not is_approved(user):
        return False
    if project.director_account_id == user.pk:
        return True
    return ObjectPermissionChecker(user).has_perm("manage_cluster", project.cluster)


def reports_visible_to(user, project: Project | None = None) -> QuerySet[StatusReport]:
    """Accepted reports for everyone; every report of their projects for submitters; every
    report for programme officers."""
    reports = StatusReport.objects.all()
    if project is not None:
        reports = reports.filter(project=project)
    if is_programme_officer(user):
        return reports
    accepted = Q(state=StatusReport.State.ACCEPTED)
    if not is_approved(user):
        return reports.filter(accepted)
    own = projects_submittable_by(user).values("pk")
    return reports.filter(accepted | Q(project__in=own))


def can_view_report(user, report: StatusReport) -> bool:
    if report.state == StatusReport.State.ACCEPTED:
        return True
    return is_programme_officer(user) or can_submit(user, report.project)


def can_edit_report(user, report: StatusReport) -> bool:
    """Change the text, the as-of date and the attachments: submitters, while editable."""
    return report.is_editable and can_submit(user, report.project)


def can_review(user, report: StatusReport) -> bool:
    return report.state == StatusReport.State.SUBMITTED and is_programme_officer(user)


def can_download_attachment(user, report: StatusReport) -> bool:
    """Attachments follow their report: public once it is accepted."""
    return can_view_report(user, report)


def can_view_review_trail(user, report: StatusReport) -> bool:
    """The review trail (who submitted, the officers' comments) is between the submitters and
    the programme officers, even once the report is public."""
    return is_programme_officer(user) or can_submit(user, report.project)
