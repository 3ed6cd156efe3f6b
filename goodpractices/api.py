"""REST API of the good-practice archive (open data): GET /api/v1/good-practices/ and
/api/v1/good-practices/<slug>/.

**Published practices only**, for everyone, logged in or not: drafts are working material of
their groups and stay on the portal's pages (a draft's slug answers 404 here, like an unknown
one). Filters: `working_group` (a group code, WG1…WG6), `country` (ISO 3166-1 alpha-2 code),
`theme`, `q` (words in the title or any section, accents ignored). The linked documents listed
are those the caller may see (for a visitor, the published ones)."""

import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from clusters.models import Country
from documents.permissions import documents_visible_to
from workinggroups.models import WorkingGroup

from .filters import GoodPracticeFilter
from .models import GoodPractice, Theme, Transferability


@extend_schema_field({"type": "string", "enum": [value for value, _label in Theme.choices]},
                     component_name="GoodPracticeThemeEnum")
class ThemeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Theme.choices, **kwargs)


@extend_schema_field({"type": "string",
                      "enum": [value for value, _label in Transferability.choices]},
                     component_name="GoodPracticeTransferabilityEnum")
class TransferabilityField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Transferability.choices, **kwargs)


class LinkedDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:document-detail", args=[document.pk]))


class GoodPracticeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:good-practice-detail",
                                               lookup_field="slug")
    page_url = serializers.SerializerMethodField()
    working_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    theme = ThemeField(read_only=True)
    transferability = TransferabilityField(read_only=True)
    documents = LinkedDocumentSerializer(source="visible_documents", many=True, read_only=True)

    class Meta:
        model = GoodPractice
        fields = ["url", "page_url", "slug", "title", "working_group", "country", "region",
                  "theme", "language", "practice", "context", "benefits", "lessons_learned",
                  "success_factors", "risk_factors", "transferability",
                  "transferability_notes", "documents", "published_at", "updated_at"]
        read_only_fields = fields

    def get_page_url(self, practice) -> str:
        return self.context["request"].build_absolute_uri(practice.get_absolute_url())


class GoodPracticeAPIFilter(django_filters.rest_framework.FilterSet):
    """The page's filters with plain choices (any group code, any ISO country code)."""

    q = django_filters.CharFilter(method="filter_text", max_length=200,
                                  help_text="Words in the title or any section; accents "
                                            "do not matter.")
    working_group = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=WorkingGroup.objects.all(),
        help_text="A working group's code: WG1 … WG6.")
    country = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=Country.objects.all(),
        help_text="ISO 3166-1 alpha-2 code, e.g. RO.")
    theme = django_filters.ChoiceFilter(choices=Theme.choices)

    class Meta:
        model = GoodPractice
        fields = ["q", "working_group", "country", "theme"]

    def filter_text(self, queryset, name, value):
        return GoodPracticeFilter.filter_text(self, queryset, name, value)


@extend_schema(tags=["good practices"])
class GoodPracticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Published good practices (open data): the same records as the public archive."""

    permission_classes = [AllowAny]
    serializer_class = GoodPracticeSerializer
    filterset_class = GoodPracticeAPIFilter
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        documents = documents_visible_to(self.request.user).order_by("title", "pk")
        return (GoodPractice.objects.published()
                .select_related("working_group", "country", "region")
                .prefetch_related(Prefetch("documents", queryset=documents,
                                           to_attr="visible_documents"))
                .order_by("-published_at", "-pk"))


def register(router) -> None:
    router.register("good-practices", GoodPracticeViewSet, basename="good-practice")


# Plain API paths (non-viewset endpoints), added under /api/v1/.
urlpatterns = []
