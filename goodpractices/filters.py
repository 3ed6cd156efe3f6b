"""The archive's filters: working group, country, theme and text. The queryset they narrow is
always permissions.practices_visible_to(user): a filter can only hide practices, never reveal
one. An invalid value (a group code or country that does not exist…) becomes a form error and
is ignored; the other filters still apply. The page and the API share this FilterSet."""

import django_filters
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clusters.models import Country
from core.text import fold
from workinggroups.models import WorkingGroup

from .models import GoodPractice, Theme

# The words of a text query that are matched (each must appear somewhere).
MAX_WORDS = 10


class GoodPracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Text"), method="filter_text", max_length=200,
        help_text=_("Title or any section of the description; accents do not matter."),
    )
    working_group = django_filters.ModelChoiceFilter(
        label=_("Working group"), to_field_name="code", queryset=WorkingGroup.objects.all(),
        empty_label=_("All working groups"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"), to_field_name="code", queryset=Country.objects.none(),
        empty_label=_("All countries"),
    )
    theme = django_filters.ChoiceFilter(
        label=_("Theme"), choices=Theme.choices, empty_label=_("All themes"),
    )

    class Meta:
        model = GoodPractice
        fields = ["q", "working_group", "country", "theme"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Offer the countries of the visible practices (the query runs when the form is shown
        # or validated); a valid code that no practice has any more is simply an empty result.
        name = "name_ro" if translation.get_language() == "ro" else "name_en"
        present = queryset.order_by().values("country")
        chosen = (data or {}).get("country") or ""
        self.filters["country"].queryset = Country.objects.filter(
            Q(pk__in=present) | Q(code=chosen[:2])).order_by(name, "pk")

    def filter_text(self, queryset, name, value):
        for word in fold(value).split()[:MAX_WORDS]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    @property
    def active(self) -> bool:
        """Whether any valid filter narrows the practices."""
        if not self.is_bound:
            return False
        cleaned = getattr(self.form, "cleaned_data", {})
        return any(value not in (None, "") for value in cleaned.values())
