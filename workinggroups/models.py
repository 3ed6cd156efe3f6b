from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class WorkingGroup(models.Model):
    """One of the six ClusterPoliSEE working groups (created by migration 0002)."""

    code = models.CharField(_("code"), max_length=10, unique=True)  # WG1 … WG6
    name_ro = models.CharField(_("name (Romanian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ro = models.TextField(_("description (Romanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def get_absolute_url(self):
        return reverse("workinggroups:detail", args=[self.code])

    @property
    def name(self) -> str:
        return self.name_ro if translation.get_language() == "ro" else self.name_en

    @property
    def description(self) -> str:
        return self.description_ro if translation.get_language() == "ro" else self.description_en


class Membership(models.Model):
    """The one source of who belongs to a group and who coordinates it."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")

    class Notify(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        DAILY = "daily", _("Daily digest")
        NONE = "none", _("No e-mails")

    group = models.ForeignKey(WorkingGroup, verbose_name=_("working group"),
                              on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    notify = models.CharField(_("e-mail notifications"), max_length=12, choices=Notify.choices,
                              default=Notify.IMMEDIATELY)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    # The daily digest covers activity after this moment.
    digest_sent_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "role", "user__full_name"]  # "coordinator" sorts first
        constraints = [models.UniqueConstraint(fields=["group", "user"],
                                               name="workinggroups_one_membership")]
        indexes = [models.Index(fields=["user", "group"])]

    def __str__(self):
        return f"{self.user} · {self.group.code} ({self.get_role_display()})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey(WorkingGroup, verbose_name=_("working group"),
                              on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(
            fields=["group", "user"], condition=Q(status="pending"),
            name="workinggroups_one_pending_request")]

    def __str__(self):
        return f"{self.user} → {self.group.code} ({self.get_status_display()})"
