"""The programme table's filters: region, domain, status and a text search. The queryset they
narrow is always one competition's projects annotated with their status
(selectors.programme_projects), and the selects offer only the regions, domains and statuses
that occur among them.

An invalid value (a region slug that does not exist…) becomes a form error and is ignored; the
other filters still apply."""

import django_filters
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clusters.models import Region, Sector
from core.text import fold

from .models import Project

MAX_WORDS = 10


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Text"), method="filter_text", max_length=200,
        help_text=_("Number, acronym, title, coordinator or project director; accents do not "
                    "matter."),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), to_field_name="slug", queryset=Region.objects.none(),
        empty_label=_("All regions"),
    )
    domain = django_filters.ModelChoiceFilter(
        label=_("Domain"), to_field_name="slug", queryset=Sector.objects.none(),
        empty_label=_("All domains"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Project.Status.choices, method="filter_status",
        empty_label=_("Any status"),
    )

    class Meta:
        model = Project
        fields = ["q", "region", "domain", "status"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Offer only what the competition's projects use, named and sorted in the interface's
        # language (one query per select when the form is shown or validated).
        name = "name_ro" if translation.get_language() == "ro" else "name_en"
        present = queryset.order_by()
        self.filters["region"].queryset = Region.objects.filter(
            pk__in=present.values("region")).order_by(name, "pk")
        self.filters["domain"].queryset = Sector.objects.filter(
            pk__in=present.values("domain")).order_by(name, "pk")
        # The statuses the projects have today (one query); a valid chosen status stays on
        # offer even when no project has it any more (a bookmarked filter).
        if "status" not in present.query.annotations:
            present = present.with_status()
        statuses = set(present.values_list("status", flat=True).distinct())
        chosen = (data or {}).get("status")
        if chosen in Project.Status.values:
            statuses.add(chosen)
        self.filters["status"].extra["choices"] = [
            (value, label) for value, label in Project.Status.choices if value in statuses]

    def filter_status(self, queryset, name, value):
        return queryset.filter_status(value)

    def filter_text(self, queryset, name, value):
        """Every word must appear in the number, acronym, title, coordinator or director,
        whatever the accents and case. A competition has tens of projects, so the folding is
        done here, in one query, on both databases alike."""
        words = fold(value).split()[:MAX_WORDS]
        if not words:
            return queryset
        rows = queryset.order_by().values_list("pk", "number", "acronym", "title",
                                               "coordinator", "director")
        matching = [row[0] for row in rows
                    if all(word in fold(" ".join(row[1:])) for word in words)]
        return queryset.filter(pk__in=matching)

    @property
    def active(self) -> bool:
        """Whether any valid filter narrows the projects."""
        if not self.is_bound:
            return False
        cleaned = getattr(self.form, "cleaned_data", {})
        return any(value not in (None, "") for value in cleaned.values())
