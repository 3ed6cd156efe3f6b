"""Reads for projects: the programme table, its distributions, a project's history and the
programme report as of a date. Each runs a fixed number of queries whatever the rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import Competition, Project, StatusReport


def current_competition() -> Competition | None:
    """The programme page's default: the competition with the most recent projects."""
    return (Competition.objects.annotate(latest=Max("projects__start_date"))
            .order_by("-latest", "-pk").first())


def programme_projects(competition: Competition) -> QuerySet[Project]:
    return (competition.projects.select_related("region", "domain", "cluster")
            .with_status().order_by("sequence", "number"))


def distribution(projects: QuerySet[Project], by: str) -> list[dict]:
    """Projects per region or per domain (`by` is "region" or "domain"), largest first:
    [{"pk", "slug", "name_ro", "name_en", "count"}]. One query."""
    rows = (projects.order_by().values(f"{by}__pk", f"{by}__slug", f"{by}__name_ro",
                                       f"{by}__name_en")
            .annotate(count=Count("pk")).order_by("-count", f"{by}__name_ro"))
    return [{"pk": r[f"{by}__pk"], "slug": r[f"{by}__slug"], "name_ro": r[f"{by}__name_ro"],
             "name_en": r[f"{by}__name_en"], "count": r["count"]} for r in rows]


def latest_as_of(competition: Competition) -> date | None:
    """The as-of date of the newest accepted report of the competition."""
    return (StatusReport.objects.accepted().filter(project__competition=competition)
            .aggregate(latest=Max("as_of"))["latest"])


@dataclass
class ReportSection:
    project: Project
    report: StatusReport | None  # the latest accepted report up to the date, if any

    @property
    def members_count(self) -> int | None:
        if self.report is not None and self.report.members_count is not None:
            return self.report.members_count
        return self.project.members_count


@dataclass
class ProgrammeReport:
    competition: Competition
    as_of: date
    sections: list[ReportSection]

    @property
    def reported(self) -> int:
        return sum(1 for s in self.sections if s.report is not None)


def programme_report(competition: Competition, as_of: date | None = None) -> ProgrammeReport:
    """The programme report as of `as_of` (default: the newest accepted report's date, or
    today): every project of the competition that had started by then, in the funder's
    order, each with its latest accepted report up to that date. Three queries."""
    as_of = as_of or latest_as_of(competition) or timezone.localdate()
    latest = (StatusReport.objects.accepted()
              .filter(project=OuterRef("pk"), as_of__lte=as_of)
              .order_by("-as_of", "-pk").values("pk")[:1])
    projects = list(competition.projects.filter(start_date__lte=as_of)
                    .select_related("region", "domain", "cluster")
                    .annotate(latest_report_id=Subquery(latest))
                    .order_by("sequence", "number"))
    reports = StatusReport.objects.in_bulk(
        [p.latest_report_id for p in projects if p.latest_report_id])
    return ProgrammeReport(
        competition=competition, as_of=as_of,
        sections=[ReportSection(p, reports.get(p.latest_report_id)) for p in projects],
    )


def project_reports(project: Project, visible: QuerySet[StatusReport]) -> QuerySet:
    """A project's reports the viewer may see, newest first, with their attachments."""
    return (visible.filter(project=project).select_related("submitted_by", "reviewer")
            .prefetch_related("attachments").order_by("-as_of", "-pk"))
