"""The calendar's filters (kind, working group, country, status, text), shared by the list,
month and week views. The queryset they narrow is always permissions.events_visible_to(user):
a filter can only hide events, never reveal one.

An invalid value (an unknown kind, a group code that does not exist…) becomes a form error and
is ignored; the other filters still apply."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.countries import countries
from core.text import fold
from workinggroups.models import WorkingGroup

from .models import Event

# The words of a text query that are matched (each must appear somewhere).
MAX_WORDS = 10


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Text"), method="filter_text", max_length=200,
        help_text=_("Title, description, venue, city or organiser; accents do not matter."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Event.Kind.choices, empty_label=_("All kinds"),
    )
    working_group = django_filters.ModelChoiceFilter(
        label=_("Working group"), to_field_name="code", queryset=WorkingGroup.objects.all(),
        empty_label=_("All working groups"),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=[], empty_label=_("All countries"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Event.Status.choices, empty_label=_("Any status"),
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "working_group", "country", "status"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Offer the countries the visible events take place in (one query), and keep a valid
        # chosen country even when no event is there any more (a bookmarked filter).
        codes = set(queryset.exclude(country="").order_by()
                    .values_list("country", flat=True).distinct())
        chosen = (data or {}).get("country")
        if chosen in dict(countries):
            codes.add(chosen)
        names = dict(countries)
        self.filters["country"].extra["choices"] = sorted(
            ((code, names.get(code, code)) for code in codes), key=lambda pair: fold(pair[1]))

    def filter_text(self, queryset, name, value):
        for word in fold(value).split()[:MAX_WORDS]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    @property
    def active(self) -> bool:
        """Whether any valid filter narrows the events."""
        if not self.is_bound:
            return False
        cleaned = getattr(self.form, "cleaned_data", {})
        return any(value not in (None, "") for value in cleaned.values())
