"""The directory's filters, shared by the page, the exports and the API."""

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Cluster, Country, LabelLevel, Region, Sector, fold

ANY_LABEL = "any"


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Unknown values (no member count, no founding date) sort last in both directions, on
    PostgreSQL as on SQLite."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


class ClusterFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Text"), method="filter_search",
        help_text=_("Name, acronym, management entity or description; accents do not matter."),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"), field_name="region__country", to_field_name="code",
        queryset=Country.objects.all(), empty_label=_("All countries"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), to_field_name="slug", queryset=Region.objects.all(),
        empty_label=_("All regions"),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"), field_name="sectors", to_field_name="slug",
        queryset=Sector.objects.all(), empty_label=_("All sectors"),
    )
    label = django_filters.ChoiceFilter(
        label=_("ESCA label"), method="filter_label", empty_label=_("With or without a label"),
        choices=[(ANY_LABEL, _("Any current label")), *LabelLevel.choices],
    )
    ordering = NullsLastOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("member_count", "members"),
            ("label_rank", "label"),
            ("date_established", "established"),
        ),
        field_labels={
            "name": _("Name"),
            "-name": _("Name (Z to A)"),
            "member_count": _("Fewest members"),
            "-member_count": _("Most members"),
            "label_rank": _("Lowest label"),
            "-label_rank": _("Highest label"),
            "date_established": _("Oldest"),
            "-date_established": _("Newest"),
        },
        empty_label=_("Name"),
    )

    class Meta:
        model = Cluster
        fields = ["search", "country", "region", "sector", "label"]

    def filter_search(self, queryset, name, value):
        for word in fold(value).split()[:10]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_label(self, queryset, name, value):
        if value == ANY_LABEL:
            return queryset.filter(current_label_level__isnull=False)
        return queryset.filter(current_label_level=value)


# The filters that show how many clusters each of their options would leave.
FACETS = ["country", "region", "sector", "label"]


def facet_lookup(facet: str) -> str:
    return {"country": "region__country__code", "region": "region__slug",
            "sector": "sectors__slug", "label": "current_label_level"}[facet]

