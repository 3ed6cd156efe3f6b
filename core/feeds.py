"""The Atom feed of the public archive: newly published documents and good practices, newest
first, public ones only (two queries)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.selectors import public_archive

from .sitemaps import _model_ready

FEED_ITEMS = 30


def _published_good_practices(limit: int) -> list:
    if not _model_ready("goodpractices.models", "GoodPractice"):
        return []
    from goodpractices.models import GoodPractice

    return list(GoodPractice.objects.filter(state="published", published_at__isnull=False)
                .select_related("working_group").order_by("-published_at", "-pk")[:limit])


class LatestPublicationsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Cluster Policy Platform: latest publications")
    subtitle = gettext_lazy("Documents and good practices newly published by the working "
                            "groups.")

    def link(self):
        return reverse("documents:index")

    def items(self):
        items = [*public_archive()[:FEED_ITEMS], *_published_good_practices(FEED_ITEMS)]
        items.sort(key=lambda item: item.published_at, reverse=True)
        return items[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        text = item.description if hasattr(item, "description") else item.practice
        return Truncator(text).chars(500)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_categories(self, item):
        group = getattr(item, "group", None) or getattr(item, "working_group", None)
        kind = _("Good practice") if hasattr(item, "practice") else _("Document")
        return [kind, group.code] if group else [kind]
