"""The database of institutions relevant to cluster policy: ministries, regional development
agencies, funding agencies, universities, research institutes, cluster associations, EU bodies
and programmes. Staff maintain it in the admin; the public browses the published ones."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Country, Region
from core.text import fold
from projects.models import Project


class Institution(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        REGIONAL_AGENCY = "regional_agency", _("Regional authority or development agency")
        FUNDING_AGENCY = "funding_agency", _("Funding agency")
        UNIVERSITY = "university", _("University")
        RESEARCH_INSTITUTE = "research_institute", _("Research institute")
        CLUSTER_ASSOCIATION = "cluster_association", _("Cluster association")
        EU_BODY = "eu_body", _("EU body")
        EU_PROGRAMME = "eu_programme", _("EU programme or project")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True,
                            help_text=_("The institution's stable address: never change it."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # European bodies and programmes use the "EU" entry (see institutions.demo).
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT,
                                related_name="institutions")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="institutions")
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters"), blank=True,
                                      related_name="institutions")
    projects = models.ManyToManyField(Project, verbose_name=_("projects"), blank=True,
                                      related_name="institutions")
    is_published = models.BooleanField(_("published"), default=True)
    # Folded name, acronym, city and description: what the text filter matches (SQLite too).
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["is_published", "name"]),
            models.Index(fields=["kind", "is_published"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join(
            [self.name, self.acronym, self.city, self.description]
        ))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("institutions:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.region_id and self.country_id and self.region.country_id != self.country_id:
            raise ValidationError(
                {"region": _("This region is not in the institution's country.")})
