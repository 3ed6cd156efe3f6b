"""REST API for the "Cluster inovativ" programme: competitions, their projects and the projects'
accepted status reports. Read-only: reports are written and reviewed on the portal.

The API is the programme's **public open-data view**: everyone, signed in or not, programme
officer or project director, sees exactly the same data. A status report appears only once it
is accepted; drafts, submitted reports and reports sent back for changes never appear here,
for anyone (the submitters and the officers work on them on the portal's pages).

- Filter values are slugs (see /api/v1/regions/, /api/v1/sectors/, /api/v1/clusters/ and
  /api/v1/competitions/); an unknown value answers 400 naming the filter, as in the other
  endpoints.
- Objectives, results and ongoing activities keep their bullet structure: `objectives` is the
  structured text ("- " bullets, two spaces of indent per level) and `objective_blocks` the
  same parsed into paragraphs and nested lists (likewise `result_blocks`, `activity_blocks`).
- Dates are ISO 8601 (`start`, `end`, `as_of`); `accepted_at` is an instant in UTC."""

from datetime import UTC

from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from clusters.models import Cluster, Region, Sector

from .models import Competition, Project, StatusReport, StatusReportAttachment
from .text import MAX_LEVEL, parse_blocks

NOT_FOUND = OpenApiResponse(description="No such project.")


# --- Fields -----------------------------------------------------------------------------------

def _item_schema(level: int) -> dict:
    """A bullet and its sub-bullets, nested as deep as projects.text allows."""
    children = ({"type": "array", "items": _item_schema(level + 1)} if level < MAX_LEVEL
                else {"type": "array", "items": {}, "maxItems": 0})
    return {"type": "object", "required": ["text", "children"],
            "properties": {"text": {"type": "string"}, "children": children}}


STRUCTURED_TEXT_SCHEMA = {
    "type": "array",
    "description": "Paragraphs (`type` paragraph, with `text`) and bullet lists (`type` list, "
                   "with `items`, each with its `text` and nested `children`), in order.",
    "items": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": ["paragraph", "list"]},
            "text": {"type": "string", "description": "A paragraph's text."},
            "items": {"type": "array", "items": _item_schema(0),
                      "description": "A list's bullets."},
        },
    },
}


@extend_schema_field(STRUCTURED_TEXT_SCHEMA, component_name="StructuredText")
class StructuredTextField(serializers.Field):
    """Structured text parsed into blocks (projects.text.parse_blocks), as dicts."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return [block.as_dict() for block in parse_blocks(value)]


@extend_schema_field({"type": "string", "enum": Project.Status.values},
                     component_name="ProjectStatusEnum")
class ProjectStatusField(serializers.ChoiceField):
    """planned (not started), ongoing or completed, from the implementation period today."""

    def __init__(self, **kwargs):
        super().__init__(choices=Project.Status.choices, **kwargs)


class UTCDateTimeField(serializers.DateTimeField):
    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


def _absolute(serializer, url: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


# --- Serializers ------------------------------------------------------------------------------

class ProjectRegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["slug", "name_ro", "name_en"]
        read_only_fields = fields


class ProjectDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["slug", "name_ro", "name_en"]
        read_only_fields = fields


class ProjectClusterSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text=_("The cluster's public profile page; null while the profile is not "
                    "published."))

    class Meta:
        model = Cluster
        fields = ["slug", "name", "url"]
        read_only_fields = fields

    def get_url(self, cluster) -> str | None:
        if not cluster.is_published:
            return None
        return _absolute(self, cluster.get_absolute_url())


class CompetitionSerializer(serializers.ModelSerializer):
    """A funding call."""

    # Expects the viewset's `projects_count` annotation.

    url = serializers.SerializerMethodField(help_text=_("The programme page on the site."))
    projects_count = serializers.IntegerField(read_only=True,
                                              help_text=_("Projects on record."))

    class Meta:
        model = Competition
        fields = ["slug", "name", "url", "funder", "programme", "subprogramme_code",
                  "subprogramme", "years", "purpose", "proposals_submitted", "projects_funded",
                  "total_budget", "currency", "website", "projects_count"]
        read_only_fields = fields

    def get_url(self, competition) -> str:
        return _absolute(self, competition.get_absolute_url())


class ProjectSerializer(serializers.ModelSerializer):
    """A project as the programme's table lists it."""

    # Expects the viewset's queryset: region, domain, cluster and competition joined, `status`
    # and `latest_report_as_of` annotated.

    label = serializers.CharField(read_only=True, help_text=_("As the report writes it: "
                                                              "“1 CLS/INOV-TREC”."))
    start = serializers.DateField(source="start_date", read_only=True)
    end = serializers.DateField(source="end_date", read_only=True)
    status = ProjectStatusField(read_only=True)
    members = serializers.IntegerField(
        source="members_count", read_only=True, allow_null=True,
        help_text=_("Members of the cluster at the time of the latest accepted report."))
    region = ProjectRegionSerializer(read_only=True)
    domain = ProjectDomainSerializer(read_only=True)
    cluster = ProjectClusterSerializer(read_only=True)
    competition = serializers.SlugRelatedField(slug_field="slug", read_only=True,
                                               help_text=_("The competition's slug."))
    url = serializers.SerializerMethodField(help_text=_("The project's page on the site."))
    latest_report_as_of = serializers.DateField(
        read_only=True, allow_null=True,
        help_text=_("The as-of date of the newest accepted status report, if any."))

    class Meta:
        model = Project
        fields = ["id", "number", "acronym", "label", "slug", "title", "start", "end", "status",
                  "coordinator", "director", "members", "region", "domain", "cluster",
                  "website", "competition", "url", "latest_report_as_of"]
        read_only_fields = fields

    def get_url(self, project) -> str:
        return _absolute(self, project.get_absolute_url())


class StatusReportAttachmentSerializer(serializers.ModelSerializer):
    filename = serializers.CharField(source="original_filename", read_only=True)
    size = serializers.IntegerField(read_only=True, help_text=_("In bytes."))
    url = serializers.SerializerMethodField(help_text=_("Downloads the file."))

    class Meta:
        model = StatusReportAttachment
        fields = ["filename", "size", "content_type", "sha256", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        report = attachment.report  # prefetched with its project: no query per file
        return _absolute(self, reverse("projects:attachment_download",
                                       args=[report.project.slug, report.pk, attachment.pk]))


class StatusReportSerializer(serializers.ModelSerializer):
    """An accepted status report: the project's situation as of a date."""

    members = serializers.IntegerField(
        source="members_count", read_only=True, allow_null=True,
        help_text=_("Members of the cluster on the as-of date, if the report gives it."))
    result_blocks = StructuredTextField(source="results")
    activity_blocks = StructuredTextField(source="ongoing_activities")
    accepted_at = UTCDateTimeField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The report's page on the site."))
    attachments = StatusReportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = StatusReport
        fields = ["id", "as_of", "members", "results", "result_blocks", "ongoing_activities",
                  "activity_blocks", "accepted_at", "url", "attachments"]
        read_only_fields = fields

    def get_url(self, report) -> str:
        return _absolute(self, reverse("projects:report_detail",
                                       args=[report.project.slug, report.pk]))


class ProjectDetailSerializer(ProjectSerializer):
    """A project's full record and its accepted status reports, newest first."""

    # Expects the viewset's queryset: `accepted_reports` prefetched with their attachments.

    objective_blocks = StructuredTextField(source="objectives")
    reports = StatusReportSerializer(
        source="accepted_reports", many=True, read_only=True,
        help_text=_("Accepted status reports only, newest first."))

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "objectives", "objective_blocks", "reports"]
        read_only_fields = fields


# --- Filters ----------------------------------------------------------------------------------

def _clusters_with_projects_or_public(request):
    # A project names its cluster whether or not the profile is published, so those slugs are
    # public; an unpublished cluster without projects stays unknown (400 like a typo).
    return Cluster.objects.filter(Q(is_published=True)
                                  | Q(pk__in=Project.objects.values("cluster")))


class ProjectApiFilter(filters.FilterSet):
    region = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Region.objects.all(), label=_("Region slug"))
    domain = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Sector.objects.all(), label=_("Domain (sector) slug"))
    cluster = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=_clusters_with_projects_or_public,
        label=_("Cluster slug"))
    competition = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Competition.objects.all(), label=_("Competition slug"))
    status = filters.ChoiceFilter(
        choices=Project.Status.choices, method="filter_status",
        label=_("planned (not started), ongoing or completed, as of today"))

    class Meta:
        model = Project
        fields = ["region", "domain", "cluster", "competition", "status"]

    def filter_status(self, queryset, name, value):
        return queryset.filter_status(value)


# --- The endpoints ----------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(
        summary="Competitions (funding calls)",
        description="The funding calls whose projects are on record; `competition` filter "
                    "values of /api/v1/projects/ are their slugs.",
    ),
    retrieve=extend_schema(summary="A competition",
                           responses={200: CompetitionSerializer,
                                      404: OpenApiResponse(description="No such competition.")}),
)
class CompetitionViewSet(viewsets.ReadOnlyModelViewSet):
    """Competitions: public, read-only."""

    permission_classes = [AllowAny]
    serializer_class = CompetitionSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = []

    def get_queryset(self):
        return Competition.objects.annotate(projects_count=Count("projects")).order_by(
            "-years", "name", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Projects",
        description="The programme's projects in the funder's order (newest competition "
                    "first), with the filters of the programme page. Public.",
        responses={200: ProjectSerializer(many=True),
                   400: OpenApiResponse(description="An unknown filter value.")},
    ),
    retrieve=extend_schema(
        summary="A project and its accepted status reports",
        description="The project's full record and its **accepted** status reports, newest "
                    "first. Drafts, submitted reports and reports sent back for changes are "
                    "never shown, whoever asks: this is the public open-data view.",
        responses={200: ProjectDetailSerializer, 404: NOT_FOUND},
    ),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects and their accepted status reports: public and read-only, the same for every
    caller. Not-yet-accepted reports never appear here, not even for programme officers or
    the project's own director: the API is the programme's public open-data view, and the
    review work happens on the portal's pages."""

    permission_classes = [AllowAny]
    filterset_class = ProjectApiFilter
    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    def get_queryset(self):
        """One query for a page of projects; the detail adds one for its reports and one for
        their attachments."""
        accepted = StatusReport.objects.accepted()
        latest = (accepted.filter(project=OuterRef("pk")).order_by()
                  .values("project").annotate(latest=Max("as_of")).values("latest"))
        queryset = (Project.objects.select_related("competition", "region", "domain", "cluster")
                    .with_status()
                    .annotate(latest_report_as_of=Subquery(latest))
                    .order_by("-competition__years", "competition__name", "competition_id",
                              "sequence", "number", "pk"))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(Prefetch(
                "reports", to_attr="accepted_reports",
                queryset=accepted.order_by("-as_of", "-pk").prefetch_related("attachments")))
        return queryset
