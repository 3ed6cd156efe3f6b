from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clusters.permissions import clusters_managed_by
from events.selectors import upcoming_for

from . import selectors

HOME_EVENTS = 5
HOME_DOCUMENTS = 5


class HomeView(TemplateView):
    """The public front door: what the platform is for, what it holds now (live figures), the
    latest publications and the next events, and where each audience starts."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            figures=selectors.home_figures(),
            latest_documents=selectors.latest_documents(HOME_DOCUMENTS),
            next_events=upcoming_for(user, limit=HOME_EVENTS),
            # A cluster manager's shortcut to the profile they keep (the first, by name).
            managed_cluster=(clusters_managed_by(user).order_by("name").first()
                             if user.is_authenticated else None),
            **kwargs)


class OpenDataView(TemplateView):
    """Every public export, feed and API endpoint in one place, for re-users of the data."""

    template_name = "core/open_data.html"

    def get_context_data(self, **kwargs):
        from projects.selectors import current_competition
        from workinggroups.models import WorkingGroup

        return super().get_context_data(
            competition=current_competition(),
            groups=list(WorkingGroup.objects.order_by("code")),
            institutions_exports=_institutions_exports(),
            api_endpoints=_api_endpoints(),
            **kwargs)


# (route name under the "api" namespace, what it lists[, an example query]). Endpoints of apps
# still being built appear once their routes exist.
API_ENDPOINTS = [
    ("api:cluster-list", _("Clusters: the directory's published profiles, with filters")),
    ("api:region-list", _("Development regions")),
    ("api:sector-list", _("Sectors and smart-specialisation domains")),
    ("api:working-group-list", _("Working groups")),
    ("api:document-list", _("Published documents")),
    ("api:event-list", _("Public events")),
    ("api:competition-list", _("Funding competitions")),
    ("api:project-list", _("Funded cluster projects")),
    ("api:institution-list", _("Institutions")),
    ("api:good-practice-list", _("Good practices")),
    ("api:search", _("Search over everything public (q, kind)"), "?q=cluster"),
]


def _api_endpoints() -> list[tuple[str, str]]:
    endpoints = []
    for name, description, *example in API_ENDPOINTS:
        try:
            endpoints.append((reverse(name) + "".join(example), description))
        except NoReverseMatch:
            continue
    return endpoints


def _institutions_exports() -> bool:
    """Whether the institutions database offers its CSV/JSON exports (built alongside)."""
    try:
        reverse("institutions:export", args=["csv"])
    except NoReverseMatch:
        return False
    return True


class SectionView(TemplateView):
    """A public section's landing page while the section's own pages are being built."""

    template_name = "core/section.html"
    title = ""
    intro = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, intro=self.intro, **kwargs)
