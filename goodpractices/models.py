"""The good-practice archive: structured descriptions of cluster-policy practices, as the
ClusterPoliSEE benchmarking report presents them (seed 002: "descrieri de bune practici,
precum și de beneficiile acestora, lecțiile învățate, factorii de succes și de risc", and how
transferable each one is). A practice belongs to a working group: its members draft it, its
coordinators publish it (rules in permissions.py, writes in services.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import fold

# The text the archive's text filter looks in (folded: accents and case do not matter).
SEARCHED_FIELDS = ("title", "practice", "context", "benefits", "lessons_learned",
                   "success_factors", "risk_factors", "transferability_notes")


class Theme(models.TextChoices):
    """Cluster-policy themes, close to the six working groups' areas (seed 002: C&DI,
    sustainability, international cooperation, financing, smart specialisation, new jobs and
    skills) plus cluster management itself."""

    INNOVATION = "innovation", _("Innovation and R&D")
    SUSTAINABILITY = "sustainability", _("Sustainability and eco-innovation")
    INTERNATIONALISATION = "internationalisation", _("Internationalisation and networking")
    FINANCING = "financing", _("Cluster financing")
    SPECIALISATION = "specialisation", _("Regional specialisation (S3)")
    SKILLS = "skills", _("Skills and jobs")
    MANAGEMENT = "management", _("Cluster management")
    OTHER = "other", _("Other")


class Transferability(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Language(models.TextChoices):
    RO = "ro", _("Romanian")
    EN = "en", _("English")


class GoodPracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=GoodPractice.State.PUBLISHED)


class GoodPractice(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # Re-exported so callers can write GoodPractice.Theme.INNOVATION.
    Theme = Theme
    Transferability = Transferability
    Language = Language

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, editable=False)
    working_group = models.ForeignKey(
        "workinggroups.WorkingGroup", verbose_name=_("working group"),
        on_delete=models.PROTECT, related_name="good_practices")
    country = models.ForeignKey("clusters.Country", verbose_name=_("country"),
                                on_delete=models.PROTECT, related_name="good_practices")
    region = models.ForeignKey("clusters.Region", verbose_name=_("region"), null=True,
                               blank=True, on_delete=models.PROTECT,
                               related_name="good_practices")
    theme = models.CharField(_("theme"), max_length=24, choices=Theme.choices)
    practice = models.TextField(
        _("the practice"), max_length=10000,
        help_text=_("What was done, by whom, for whom and how."))
    context = models.TextField(
        _("region and policy context"), max_length=10000, blank=True,
        help_text=_("The region, the policy or programme it belongs to, the problem it answers."))
    benefits = models.TextField(_("benefits"), max_length=10000, blank=True)
    lessons_learned = models.TextField(_("lessons learned"), max_length=10000, blank=True)
    success_factors = models.TextField(_("success factors"), max_length=10000, blank=True)
    risk_factors = models.TextField(_("risk factors"), max_length=10000, blank=True)
    transferability = models.CharField(_("transferability"), max_length=8,
                                       choices=Transferability.choices)
    transferability_notes = models.TextField(
        _("how to transfer it"), max_length=5000, blank=True,
        help_text=_("What another region would need to do the same, and what would not carry "
                    "over."))
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents behind it"), blank=True,
        related_name="good_practices")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                default=Language.RO)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.DRAFT, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               blank=True, on_delete=models.SET_NULL,
                               related_name="good_practices", editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True,
                                        editable=False)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GoodPracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "-published_at"]),
                   models.Index(fields=["working_group", "state"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join(getattr(self, name) or "" for name in SEARCHED_FIELDS))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("goodpractices:detail", args=[self.slug])

    def clean(self):
        if (self.region_id is not None and self.country_id is not None
                and self.region.country_id != self.country_id):
            raise ValidationError({"region": _("This region is not in the chosen country.")})

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def missing_sections(self) -> list[str]:
        """The sections still empty (a practice is published only once all are written)."""
        return [str(self._meta.get_field(name).verbose_name) for name in REQUIRED_TO_PUBLISH
                if not (getattr(self, name) or "").strip()]


# Seed 002: the benchmarking report gives, for each practice, its description, benefits,
# lessons learned, success and risk factors; the context says where and why it happened.
REQUIRED_TO_PUBLISH = ("practice", "context", "benefits", "lessons_learned", "success_factors",
                       "risk_factors")
