from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.countries import PortalCountries
from core.text import fold
from core.uploads import hashed_name


def cluster_logo_path(instance, filename):
    return hashed_name(instance.logo, "clusters/logos", filename)


def label_certificate_path(instance, filename):
    return hashed_name(instance.evidence_file, "clusters/labels", filename)


class BilingualName(models.Model):
    """Reference data named in Romanian and English; shown in the interface's language."""

    name_ro = models.CharField(_("name (Romanian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_ro if translation.get_language() == "ro" else self.name_en


class Country(BilingualName):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]


class Region(BilingualName):
    """A development region (NUTS 2 in Romania) of a country."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT,
                                related_name="regions")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["country__name_en", "name_ro"]


class Sector(BilingualName):
    """A smart-specialisation (S3) domain or economic sector."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name_ro"]


class IndustrialEcosystem(models.TextChoices):
    """The 14 industrial ecosystems of the EU Industrial Strategy."""

    AEROSPACE_DEFENCE = "aerospace-defence", _("Aerospace and defence")
    AGRI_FOOD = "agri-food", _("Agri-food")
    CONSTRUCTION = "construction", _("Construction")
    CULTURAL_CREATIVE = "cultural-creative", _("Cultural and creative industries")
    DIGITAL = "digital", _("Digital")
    ELECTRONICS = "electronics", _("Electronics")
    ENERGY_INTENSIVE = "energy-intensive", _("Energy-intensive industries")
    RENEWABLE_ENERGY = "renewable-energy", _("Renewable energy")
    HEALTH = "health", _("Health")
    MOBILITY = "mobility", _("Mobility, transport and automotive")
    PROXIMITY = "proximity", _("Proximity, social economy and civil security")
    RETAIL = "retail", _("Retail")
    TEXTILE = "textile", _("Textile")
    TOURISM = "tourism", _("Tourism")


class Cluster(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True,
                            help_text=_("The cluster's stable address: never change it."))
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    management_entity = models.CharField(
        _("cluster management entity"), max_length=250, blank=True,
        help_text=_("The organisation that runs the cluster, e.g. an association."),
    )
    date_established = models.DateField(_("date established"), null=True, blank=True)
    management_team_size = models.PositiveSmallIntegerField(
        _("management team size"), null=True, blank=True,
        validators=[MaxValueValidator(1000)],
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="clusters")
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True,
                                     related_name="clusters")
    s3_priority_areas = models.TextField(_("S3 priority areas"), max_length=2000, blank=True)
    industrial_ecosystem = models.CharField(
        _("industrial ecosystem"), max_length=30, choices=IndustrialEcosystem.choices, blank=True,
    )
    technology_fields = models.CharField(
        _("technology fields"), max_length=500, blank=True,
        help_text=_("Separated by commas, e.g. biomass, solar energy, smart grids."),
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    description = models.TextField(_("strategy and description"), max_length=10000, blank=True)
    other_networks = models.TextField(
        _("other networks"), max_length=2000, blank=True,
        help_text=_("Networks and associations the cluster belongs to, e.g. CLUSTERO."),
    )
    logo = models.ImageField(_("logo"), upload_to=cluster_logo_path, blank=True)

    # Composition as the cluster declares it (reports give totals; the member list may be
    # partial). Empty means "not known", never zero.
    members_total = models.PositiveIntegerField(_("members in total"), null=True, blank=True)
    members_smes = models.PositiveIntegerField(_("SMEs"), null=True, blank=True)
    members_large = models.PositiveIntegerField(_("large companies"), null=True, blank=True)
    members_research = models.PositiveIntegerField(
        _("research organisations, universities, technology centres"), null=True, blank=True)
    members_public = models.PositiveIntegerField(_("public bodies"), null=True, blank=True)
    members_other = models.PositiveIntegerField(_("other members"), null=True, blank=True)

    is_published = models.BooleanField(_("published"), default=False)
    # Folded name, acronym, management entity and description: what the text search matches.
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        permissions = [("manage_cluster", _("Can manage the cluster's profile"))]
        indexes = [
            models.Index(fields=["is_published", "name"]),
            models.Index(fields=["region", "is_published"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join(
            [self.name, self.acronym, self.management_entity, self.city, self.description]
        ))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clusters:detail", args=[self.slug])

    @property
    def technology_field_list(self) -> list[str]:
        return [t.strip() for t in self.technology_fields.split(",") if t.strip()]

    @property
    def composition(self) -> list[tuple[str, int | None]]:
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in ("members_smes", "members_large", "members_research",
                         "members_public", "members_other")
        ]


class ClusterUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Cluster, on_delete=models.CASCADE)


class ClusterGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Cluster, on_delete=models.CASCADE)


class LabelLevel(models.TextChoices):
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
    BRONZE = "bronze", _("Bronze")


LABEL_RANK = {LabelLevel.GOLD: 3, LabelLevel.SILVER: 2, LabelLevel.BRONZE: 1}


class LabelState(models.TextChoices):
    VALID = "valid", _("Valid")
    RENEWABLE = "renewable", _("Expired, still renewable")
    LAPSED = "lapsed", _("Lapsed")
    UNKNOWN = "unknown", _("Validity not recorded")


# A label that expired less than this long ago can still be renewed.
RENEWAL_WINDOW = timedelta(days=365)


class ClusterLabelQuerySet(models.QuerySet):
    def current(self, today: date | None = None):
        """Labels that count as a cluster's current label on `today`: valid ones, and those
        whose validity was never recorded (the sources name them without dates)."""
        today = today or timezone.localdate()
        return self.filter(
            Q(valid_until__gte=today) | Q(valid_until__isnull=True),
            Q(awarded_on__lte=today) | Q(awarded_on__isnull=True),
        )


class ClusterLabel(models.Model):
    """A cluster-management excellence label (ESCA or EUCLES): a history, at most one current."""

    class Issuer(models.TextChoices):
        ESCA = "esca", _("ESCA (European Secretariat for Cluster Analysis)")
        EUCLES = "eucles", _("EUCLES (European Cluster Excellence Scoreboard)")

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE,
                                related_name="labels")
    level = models.CharField(_("level"), max_length=10, choices=LabelLevel.choices)
    issuer = models.CharField(_("issuer"), max_length=10, choices=Issuer.choices,
                              default=Issuer.ESCA)
    awarded_on = models.DateField(_("assessed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True,
                                blank=True, validators=[MinValueValidator(0),
                                                        MaxValueValidator(100)])
    evidence_file = models.FileField(_("certificate"), upload_to=label_certificate_path, blank=True)
    evidence_url = models.URLField(_("link to the evidence"), max_length=500, blank=True)
    source_note = models.CharField(
        _("source"), max_length=300, blank=True,
        help_text=_("Where the label is documented, when there is no certificate."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ClusterLabelQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster label")
        verbose_name_plural = _("cluster labels")
        ordering = [F("awarded_on").desc(nulls_last=True), "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(awarded_on__isnull=True)
                | Q(valid_until__gt=F("awarded_on")),
                name="clusters_label_valid_after_award",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "valid_until"])]

    def __str__(self):
        return f"{self.get_level_display()} ({self.get_issuer_display()})"

    def clean(self):
        super().clean()
        if self.awarded_on and self.valid_until and self.valid_until <= self.awarded_on:
            raise ValidationError(
                {"valid_until": _("A label is valid until a date after it was awarded.")})

    def state(self, today: date | None = None) -> str:
        """Valid; expired but renewable within a year; lapsed; or validity not recorded."""
        today = today or timezone.localdate()
        if self.valid_until is None:
            return LabelState.UNKNOWN
        if self.valid_until >= today:
            return LabelState.VALID
        if today - self.valid_until <= RENEWAL_WINDOW:
            return LabelState.RENEWABLE
        return LabelState.LAPSED

    def get_state_display(self) -> str:
        return LabelState(self.state()).label

    @property
    def rank(self) -> int:
        return LABEL_RANK[self.level]


class ClusterMember(models.Model):
    class Helix(models.TextChoices):
        INDUSTRY = "industry", _("Industry")
        RESEARCH = "research", _("Research, universities and technology centres")
        PUBLIC = "public", _("Public administration")
        CATALYST = "catalyst", _("Catalysts: NGOs, associations, consultants")
        FINANCE = "finance", _("Finance")

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE,
                                related_name="members")
    organisation = models.CharField(_("organisation"), max_length=250)
    helix = models.CharField(_("quadruple-helix type"), max_length=10, choices=Helix.choices)
    is_sme = models.BooleanField(_("SME"), null=True, blank=True)
    country = CountryField(_("country"), default="RO", countries=PortalCountries)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cluster member")
        verbose_name_plural = _("cluster members")
        ordering = ["helix", "organisation"]
        indexes = [models.Index(fields=["cluster", "helix"])]

    def __str__(self):
        return self.organisation


class ValueChainEntry(models.Model):
    """What a cluster offers, or a gap in its value chain it wants partners for."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("Offer")
        GAP = "gap", _("Value-chain gap")

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE,
                                related_name="value_chain")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True,
                                     related_name="value_chain_entries")
    keywords = models.CharField(_("keywords"), max_length=300, blank=True,
                                help_text=_("Separated by commas."))
    member = models.ForeignKey(ClusterMember, verbose_name=_("offered by member"), null=True,
                               blank=True, on_delete=models.SET_NULL,
                               related_name="value_chain")

    class Meta:
        verbose_name = _("offer or gap")
        verbose_name_plural = _("offers and gaps")
        ordering = ["kind", "title"]
        indexes = [models.Index(fields=["kind", "cluster"])]

    def __str__(self):
        return self.title

    @property
    def keyword_set(self) -> set[str]:
        return {fold(k.strip()) for k in self.keywords.split(",") if k.strip()}


class ClusterChange(models.Model):
    """The history of a cluster's profile: who changed what, from which value to which."""

    class Action(models.TextChoices):
        CREATED = "created", _("Cluster created")
        PROFILE = "profile", _("Profile edited")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        MANAGER_ADDED = "manager_added", _("Manager assigned")
        MANAGER_REMOVED = "manager_removed", _("Manager removed")
        MEMBER_ADDED = "member_added", _("Member added")
        MEMBER_CHANGED = "member_changed", _("Member edited")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        ENTRY_ADDED = "entry_added", _("Offer or gap added")
        ENTRY_CHANGED = "entry_changed", _("Offer or gap edited")
        ENTRY_REMOVED = "entry_removed", _("Offer or gap removed")
        LABEL_RECORDED = "label_recorded", _("Label recorded")

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE,
                                related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("about"), max_length=250, blank=True)
    # {field name: [old, new]}, values as shown to people; names shown in the reader's language.
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("cluster change")
        verbose_name_plural = _("cluster changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["cluster", "-at"])]

    def __str__(self):
        return f"{self.cluster}: {self.get_action_display()} {self.subject}".strip()
