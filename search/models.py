"""One row per searchable thing (a cluster, a document, an event …): what the search box looks
through. The rows are derived from the other apps' models by search/index.py and kept current by
the receivers in search/signals.py; `rebuild_search_index` rebuilds them all."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CLUSTERS = "clusters", _("Clusters")
    DOCUMENTS = "documents", _("Documents")
    EVENTS = "events", _("Events")
    PROJECTS = "projects", _("Projects")
    REPORTS = "reports", _("Status reports")
    INSTITUTIONS = "institutions", _("Institutions")
    GOODPRACTICES = "goodpractices", _("Good practices")


class Language(models.TextChoices):
    RO = "ro", _("Romanian")
    EN = "en", _("English")


class SearchEntry(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    title = models.CharField(_("title"), max_length=500)
    # Description, tags, the text extracted from a document's file, a report's text …
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    working_group = models.ForeignKey("workinggroups.WorkingGroup", verbose_name=_("working group"),
                                      null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="+")
    # Public rows are found by everyone; the others only by the members of working_group.
    is_public = models.BooleanField(_("public"), default=False)
    # core.text.fold() of the title and of title + body: the SQLite fallback matches these.
    folded_title = models.TextField(editable=False, blank=True)
    folded = models.TextField(editable=False, blank=True)
    # PostgreSQL only (computed in SQL by search.index): weighted title (A) and body (B) in the
    # Romanian and English unaccented configurations. A plain column type name on SQLite.
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"],
                                               name="search_entry_unique_object")]
        indexes = [models.Index(fields=["kind", "is_public"])]

    def __str__(self):
        return f"{self.kind}:{self.object_id} {self.title}"
