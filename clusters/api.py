"""REST API for clusters: the public directory and profiles, profile edits by managers, and
the reference lists (regions, sectors) the filters use.

Who may see or change what is decided in permissions.py; reads go through selectors.py and
writes through services.py."""

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import selectors, services
from .filters import ClusterFilter
from .models import (
    Cluster,
    ClusterLabel,
    ClusterMember,
    Country,
    LabelLevel,
    LabelState,
    Region,
    Sector,
    ValueChainEntry,
)
from .permissions import ClusterPermission, clusters_visible_to

# What a PATCH may change: the profile fields managers edit, except the logo (an upload).
WRITABLE_FIELDS = tuple(name for name in services.PROFILE_FIELDS if name != "logo")
# The profile fields the detail shows beyond the list's (the logo and sectors have their own).
DETAIL_PROFILE_FIELDS = tuple(
    name for name in services.PROFILE_FIELDS
    if name not in ("logo", "sectors", "region", "name", "acronym", "management_entity",
                    "website")
)


# --- Reference data ---------------------------------------------------------------------------

class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name_ro", "name_en"]
        read_only_fields = fields


class ClusterRegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["slug", "code", "name_ro", "name_en"]
        read_only_fields = fields


class RegionSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                           help_text=_("ISO code of the region's country."))

    class Meta:
        model = Region
        fields = ["slug", "code", "name_ro", "name_en", "country"]
        read_only_fields = fields


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["slug", "name_ro", "name_en"]
        read_only_fields = fields


class RegionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The development regions clusters belong to: `region` filter values are their slugs."""

    permission_classes = [AllowAny]
    serializer_class = RegionSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Region.objects.select_related("country")


class SectorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Smart-specialisation domains and sectors: `sector` filter values are their slugs."""

    permission_classes = [AllowAny]
    serializer_class = SectorSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Sector.objects.all()


# --- Clusters: reading --------------------------------------------------------------------------

@extend_schema_field({"type": "string", "enum": LabelLevel.values}, component_name="LabelLevelEnum")
class LabelLevelField(serializers.ChoiceField):
    """A label level. One schema component for every field that carries one (the current
    label, the label history): drf-spectacular would otherwise name the same choices twice."""

    def __init__(self, **kwargs):
        super().__init__(choices=LabelLevel.choices, **kwargs)


class ClusterListSerializer(serializers.ModelSerializer):
    """A cluster as the directory lists it. Expects the directory's annotations
    (`current_label_level`, `member_count`) on each cluster."""

    url = serializers.SerializerMethodField(help_text=_("The cluster's public profile page."))
    region = ClusterRegionSerializer(read_only=True)
    country = CountrySerializer(source="region.country", read_only=True)
    sectors = SectorSerializer(many=True, read_only=True)
    current_label = LabelLevelField(
        source="current_label_level", allow_null=True,
        read_only=True, help_text=_("The level of the current ESCA or EUCLES label, if any."),
    )
    member_count = serializers.IntegerField(
        allow_null=True, read_only=True,
        help_text=_("The declared total, else the members on record; null when not known."),
    )

    class Meta:
        model = Cluster
        fields = ["slug", "name", "acronym", "url", "region", "country", "sectors",
                  "current_label", "member_count", "management_entity", "website",
                  "is_published"]
        read_only_fields = fields

    def get_url(self, cluster) -> str:
        return self.context["request"].build_absolute_uri(cluster.get_absolute_url())


class LabelSerializer(serializers.ModelSerializer):
    level = LabelLevelField(read_only=True)
    state = serializers.ChoiceField(choices=LabelState.choices, read_only=True)

    class Meta:
        model = ClusterLabel
        fields = ["level", "issuer", "awarded_on", "valid_until", "score", "state",
                  "evidence_url"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    country = serializers.CharField(read_only=True, help_text=_("ISO code."))

    class Meta:
        model = ClusterMember
        fields = ["organisation", "helix", "is_sme", "country", "city", "website"]
        read_only_fields = fields


class ValueChainEntrySerializer(serializers.ModelSerializer):
    sectors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = ValueChainEntry
        fields = ["kind", "title", "description", "sectors", "keywords"]
        read_only_fields = fields


class ClusterDetailSerializer(ClusterListSerializer):
    """A cluster's profile: the list's fields, the rest of the profile, its label history,
    members, offers and gaps. Expects a cluster from selectors.cluster_profile()."""

    logo = serializers.SerializerMethodField()
    labels = LabelSerializer(many=True, read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    offers_and_gaps = ValueChainEntrySerializer(source="value_chain", many=True, read_only=True)

    class Meta(ClusterListSerializer.Meta):
        fields = [*ClusterListSerializer.Meta.fields, *DETAIL_PROFILE_FIELDS, "logo", "labels",
                  "members", "offers_and_gaps"]
        read_only_fields = fields

    def get_logo(self, cluster) -> str | None:
        if not cluster.logo:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("clusters:logo", args=[cluster.slug]))


# --- Clusters: editing --------------------------------------------------------------------------

class ClusterUpdateSerializer(serializers.ModelSerializer):
    """The profile fields a cluster's managers may change; send only those you change.
    Any other field (slug, publication, managers, labels...) is refused."""

    region = serializers.SlugRelatedField(slug_field="slug", queryset=Region.objects.all())
    sectors = serializers.SlugRelatedField(slug_field="slug", queryset=Sector.objects.all(),
                                           many=True)

    class Meta:
        model = Cluster
        fields = list(WRITABLE_FIELDS)

    def to_internal_value(self, data):
        # Refuse rather than ignore: a client sending `is_published` or `slug` must learn
        # that it was not applied.
        if isinstance(data, Mapping):
            refused = sorted(set(data) - set(self.fields))
            if refused:
                raise serializers.ValidationError(
                    {name: [_("This field cannot be changed here.")] for name in refused})
        return super().to_internal_value(data)


def drf_errors(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF's 400 body: field errors by field name, the rest under
    non_field_errors."""
    if hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
                for name, messages in exc.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


# --- Clusters: the endpoints --------------------------------------------------------------------

class DirectoryFilterBackend(DjangoFilterBackend):
    """Documents the directory's filters (ClusterFilter) in the schema. The filtering itself
    is done by selectors.cluster_directory(), as on the directory page."""

    def filter_queryset(self, request, queryset, view):
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="The cluster directory",
        description="Published clusters (and, for staff and managers, the unpublished ones "
                    "they may see), with the directory page's filters.",
        responses={200: ClusterListSerializer(many=True),
                   400: OpenApiResponse(description="An unknown filter value.")},
    ),
    retrieve=extend_schema(summary="A cluster's profile"),
    partial_update=extend_schema(
        summary="Change a cluster's profile (its managers and staff)",
        request=ClusterUpdateSerializer,
        responses={200: ClusterDetailSerializer,
                   400: OpenApiResponse(description="Invalid values or refused fields.")},
    ),
)
class ClusterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Clusters: anyone reads the directory and the published profiles; a cluster's managers
    and staff change its profile with PATCH."""

    permission_classes = [ClusterPermission]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [DirectoryFilterBackend]
    filterset_class = ClusterFilter

    def get_queryset(self):
        return clusters_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return ClusterListSerializer
        if self.action == "partial_update":
            return ClusterUpdateSerializer
        return ClusterDetailSerializer

    def get_object(self):
        try:
            cluster = selectors.cluster_profile(self.request.user, self.kwargs["slug"])
        except Cluster.DoesNotExist as exc:
            raise NotFound from exc
        self.check_object_permissions(self.request, cluster)
        # What the directory annotates, from the prefetched rows: the web profile's current
        # label, and the declared total of members or else the members on record.
        current = selectors.current_label(cluster)
        cluster.current_label_level = current.level if current else None
        cluster.member_count = (cluster.members_total if cluster.members_total is not None
                                else len(cluster.members.all()) or None)
        return cluster

    def list(self, request, *args, **kwargs):
        filterset, queryset = selectors.cluster_directory(request.user, request.query_params)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        # The page's ids first, then only those rows with their annotations (see
        # selectors.directory_page).
        ids = self.paginate_queryset(queryset.values_list("pk", flat=True))
        rows = {cluster.pk: cluster for cluster in queryset.filter(pk__in=ids)}
        page = [rows[pk] for pk in ids]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def partial_update(self, request, *args, **kwargs):
        cluster = self.get_object()
        serializer = ClusterUpdateSerializer(cluster, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.cluster_update(cluster=cluster, user=request.user,
                                    data=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(drf_errors(exc)) from exc
        updated = self.get_object()
        return Response(ClusterDetailSerializer(updated,
                                                context=self.get_serializer_context()).data)
