from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.countries import PortalCountries
from core.timezones import validate_timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        # The whole address is compared case-insensitively, so store it lower-cased.
        return (email or "").strip().lower()

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The e-mail address must be set")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """An operator's account: staff, approved, and its address counts as verified."""
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("full_name", email.split("@")[0])
        extra_fields["status"] = User.Status.APPROVED
        extra_fields.setdefault("status_changed_at", timezone.now())
        user = self._create_user(email, password, **extra_fields)
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login; there is no username.

    A new account is *pending* until staff approve it; only approved users can log in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class RequestedRole(models.TextChoices):
        CLUSTER_MANAGER = "cluster_manager", _("Cluster manager")
        POLICYMAKER = "policymaker", _("Policymaker")
        WORKING_GROUP_MEMBER = "wg_member", _("Working-group member")
        OTHER = "other", _("Other")

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True, countries=PortalCountries)
    requested_role = models.CharField(
        _("requested role"), max_length=20, choices=RequestedRole.choices,
        default=RequestedRole.OTHER,
    )
    motivation = models.TextField(_("motivation"), max_length=2000, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the e-mails the platform sends you."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE,
        validators=[validate_timezone],
        help_text=_("Dates and times are shown to you in this time zone."),
    )

    status = models.CharField(
        _("moderation status"), max_length=10, choices=Status.choices, default=Status.PENDING,
    )
    status_changed_by = models.ForeignKey(
        "self", verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    status_changed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), max_length=2000, blank=True)

    is_staff = models.BooleanField(
        _("staff status"), default=False,
        help_text=_("Staff moderate sign-ups and can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["-date_joined"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["status", "-date_joined"])]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class ModerationDecision(models.Model):
    """The audit trail of every moderation decision (the user row keeps only the latest)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="moderation_decisions"
    )
    status = models.CharField(_("decision"), max_length=10, choices=User.Status.choices)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.user} → {self.status}"
