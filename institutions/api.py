"""REST API of the institutions database: `register(router)` adds its viewset to /api/v1/
(config/api_urls.py). Public and read-only: anyone lists and reads the institutions that
permissions.institutions_visible_to() shows them; staff maintain them in the admin.

GET /api/v1/institutions/ takes the list page's filters (kind, country as an ISO code, region
as a slug, search); an unknown value answers 400, like the cluster directory."""

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

from clusters.api import ClusterRegionSerializer, CountrySerializer

from . import selectors
from .filters import InstitutionFilter
from .models import Institution
from .permissions import InstitutionPermission


@extend_schema_field({"type": "string", "enum": Institution.Kind.values},
                     component_name="InstitutionKindEnum")
class InstitutionKindField(serializers.ChoiceField):
    """An institution's kind. One named schema component (other resources have a "kind" with
    other choices: drf-spectacular would otherwise give this one a hashed name)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Institution.Kind.choices, **kwargs)


class InstitutionListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The institution's public page."))
    country = CountrySerializer(read_only=True, help_text=_(
        'European bodies and programmes have the code "EU".'))
    region = ClusterRegionSerializer(read_only=True, allow_null=True)
    kind = InstitutionKindField(read_only=True)

    class Meta:
        model = Institution
        fields = ["slug", "name", "acronym", "kind", "url", "country", "region", "city",
                  "website", "is_published"]
        read_only_fields = fields

    def get_url(self, institution) -> str:
        return self.context["request"].build_absolute_uri(institution.get_absolute_url())


class LinkedSerializer(serializers.Serializer):
    """A linked cluster or project: its slug, name, public page and API resource."""

    api_name = ""  # the router's basename of the linked resource
    api_lookup = "slug"  # the attribute its API address is built from

    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Its public page."))
    api_url = serializers.SerializerMethodField(help_text=_("Its API resource."))

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_api_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse(f"api:{self.api_name}-detail", args=[getattr(obj, self.api_lookup)]))


class LinkedClusterSerializer(LinkedSerializer):
    api_name = "cluster"


class LinkedProjectSerializer(LinkedSerializer):
    api_name = "project"
    api_lookup = "pk"  # the projects' API addresses them by id

    name = serializers.CharField(source="label", read_only=True,
                                 help_text=_('Its number and acronym, e.g. "1 CLS/INOV-TREC".'))


class InstitutionDetailSerializer(InstitutionListSerializer):
    """An institution with its description and the clusters (those the reader may see) and
    projects it is linked to."""

    clusters = LinkedClusterSerializer(many=True, read_only=True)
    projects = LinkedProjectSerializer(many=True, read_only=True)

    class Meta(InstitutionListSerializer.Meta):
        fields = [*InstitutionListSerializer.Meta.fields, "description", "clusters",
                  "projects", "created_at", "updated_at"]
        read_only_fields = fields


class ListFilterBackend(DjangoFilterBackend):
    """Documents InstitutionFilter in the schema; the filtering itself is done by
    selectors.institution_list(), as on the list page."""

    def filter_queryset(self, request, queryset, view):
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="The institutions database",
        description="Published institutions (staff also see unpublished ones), filtered by "
                    "kind, country (ISO code), region (slug) and text.",
        responses={200: InstitutionListSerializer(many=True),
                   400: OpenApiResponse(description="An unknown filter value.")},
    ),
    retrieve=extend_schema(summary="An institution, with its linked clusters and projects"),
)
class InstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    permission_classes = [InstitutionPermission]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [ListFilterBackend]
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return selectors.institution_list(self.request.user, {})[1]

    def get_serializer_class(self):
        if self.action == "list":
            return InstitutionListSerializer
        return InstitutionDetailSerializer

    def get_object(self):
        try:
            return selectors.institution_detail(self.request.user, self.kwargs["slug"])
        except Institution.DoesNotExist as exc:
            raise NotFound from exc

    def list(self, request, *args, **kwargs):
        filterset, queryset = selectors.institution_list(request.user, request.query_params)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def register(router) -> None:
    router.register("institutions", InstitutionViewSet, basename="institution")


# Plain API paths (non-viewset endpoints), added under /api/v1/.
urlpatterns = []
