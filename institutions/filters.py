"""The institutions list's filters, shared by the page, the exports and the API. The queryset
they narrow is always permissions.institutions_visible_to(user): a filter only hides rows."""

import django_filters
from django.utils.translation import gettext_lazy as _

from clusters.models import Country, Region
from core.text import fold

from .models import Institution

# The words of a text query that are matched (each must appear somewhere).
MAX_WORDS = 10


class InstitutionFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Text"), method="filter_search", max_length=200,
        help_text=_("Name, acronym, city or description; accents do not matter."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Institution.Kind.choices, empty_label=_("All kinds"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"), to_field_name="code", queryset=Country.objects.all(),
        empty_label=_("All countries"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), to_field_name="slug",
        queryset=Region.objects.all(), empty_label=_("All regions"),
    )

    class Meta:
        model = Institution
        fields = ["search", "kind", "country", "region"]

    def filter_search(self, queryset, name, value):
        for word in fold(value).split()[:MAX_WORDS]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset
