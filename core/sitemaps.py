"""sitemap.xml: the public pages and every public object, each section one query (plus the
paginator's count). Objects are chosen by the apps' own permission functions for an
anonymous visitor, so a sitemap never lists what a visitor cannot open."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clusters.permissions import clusters_visible_to
from documents.permissions import documents_visible_to
from events.permissions import public_events
from projects.models import Competition, Project

ANONYMOUS = AnonymousUser()


class PublicPagesSitemap(Sitemap):
    """The public section's entry pages."""

    priority = 0.8
    changefreq = "daily"
    url_names = ["core:home", "core:open-data", "clusters:index", "documents:index",
                 "events:index", "events:past", "projects:index", "institutions:index",
                 "goodpractices:index"]

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


class ClusterSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (clusters_visible_to(ANONYMOUS).only("slug", "updated_at")
                .order_by("name", "pk"))

    def lastmod(self, cluster):
        return cluster.updated_at


class DocumentSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (documents_visible_to(ANONYMOUS).only("pk", "published_at")
                .order_by("-published_at", "-pk"))

    def lastmod(self, document):
        return document.published_at


class EventSitemap(Sitemap):
    """Public events, upcoming and past (group-only events are for members)."""

    changefreq = "weekly"

    def items(self):
        return public_events().only("pk", "updated_at").order_by("-start", "-pk")

    def lastmod(self, event):
        return event.updated_at


class CompetitionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Competition.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, competition):
        return competition.updated_at


class ProjectSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Project.objects.only("slug", "updated_at").order_by("sequence", "number", "pk")

    def lastmod(self, project):
        return project.updated_at


class InstitutionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        from institutions.permissions import institutions_visible_to

        return (institutions_visible_to(ANONYMOUS).only("slug", "updated_at")
                .order_by("name", "pk"))

    def lastmod(self, institution):
        return institution.updated_at


class GoodPracticeSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        from goodpractices.permissions import practices_visible_to

        return (practices_visible_to(ANONYMOUS)
                .only("slug", "updated_at").order_by("-published_at", "-pk"))

    def lastmod(self, practice):
        return practice.updated_at


def _model_ready(module: str, name: str) -> bool:
    """Whether an app's model exists yet (the institutions and good-practice apps are built
    alongside this one): a section appears once its model does."""
    try:
        models = __import__(module, fromlist=[name])
    except ImportError:
        return False
    return hasattr(models, name)


def sitemaps() -> dict[str, type[Sitemap]]:
    sections = {
        "pages": PublicPagesSitemap,
        "clusters": ClusterSitemap,
        "documents": DocumentSitemap,
        "events": EventSitemap,
        "competitions": CompetitionSitemap,
        "projects": ProjectSitemap,
    }
    if _model_ready("institutions.models", "Institution"):
        sections["institutions"] = InstitutionSitemap
    if _model_ready("goodpractices.models", "GoodPractice"):
        sections["good-practices"] = GoodPracticeSitemap
    return sections
