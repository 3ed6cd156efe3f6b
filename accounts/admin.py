import functools

from allauth.core import ratelimit
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ModerationDecision, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ModerationDecisionInline(admin.TabularInline):
    model = ModerationDecision
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["status", "decided_by", "decided_at", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["-date_joined"]
    list_display = ["email", "full_name", "organisation", "country", "requested_role", "status",
                    "is_staff", "date_joined"]
    list_filter = ["status", "requested_role", "is_staff", "is_active", "country", "language"]
    search_fields = ["email", "full_name", "organisation"]
    list_select_related = ["status_changed_by"]
    readonly_fields = ["status", "status_changed_by", "status_changed_at", "status_reason",
                       "date_joined", "last_login"]
    inlines = [ModerationDecisionInline]
    actions = ["approve_selected", "reject_selected"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "organisation", "country", "language",
                                   "requested_role", "motivation")}),
        (_("Moderation"), {"fields": ("status", "status_changed_by", "status_changed_at",
                                      "status_reason")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )

    def _moderate(self, request, queryset, decision_status):
        changed = 0
        for user in queryset:
            try:
                if services.user_moderate(user=user, status=decision_status,
                                          decided_by=request.user):
                    changed += 1
            except ValidationError as exc:
                self.message_user(request, f"{user.email}: {' '.join(exc.messages)}",
                                  messages.ERROR)
        return changed

    @admin.action(description=_("Approve the selected sign-ups (e-mails each user)"))
    def approve_selected(self, request, queryset):
        n = self._moderate(request, queryset, User.Status.APPROVED)
        self.message_user(request, ngettext("%d account approved.", "%d accounts approved.", n) % n)

    @admin.action(description=_("Reject the selected sign-ups (e-mails each user)"))
    def reject_selected(self, request, queryset):
        n = self._moderate(request, queryset, User.Status.REJECTED)
        self.message_user(request, ngettext("%d account rejected.", "%d accounts rejected.", n) % n)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "decided_by", "decided_at"]
    list_filter = ["status", "decided_at"]
    search_fields = ["user__email", "reason"]
    list_select_related = ["user", "decided_by"]
    readonly_fields = ["user", "status", "decided_by", "decided_at", "reason"]

    def has_add_permission(self, request):
        return False


def rate_limited_admin_login(login):
    """Django's admin login, rate limited like allauth's login: every attempt (POST) counts
    against the client's address and against the account named in the form, by the
    "admin_login" entry of ACCOUNT_RATE_LIMITS (counters in the shared cache); beyond the
    limit the answer is 429 before any password is checked."""

    @functools.wraps(login)
    def wrapper(request, extra_context=None):
        if request.method == "POST":
            account = request.POST.get("username", "").strip().lower()
            if not ratelimit.consume(request, action="admin_login", key=account):
                return ratelimit.respond_429(request)
        return login(request, extra_context)

    return wrapper


# The default site's URLs are built (config/urls.py) after the apps' admin modules are loaded.
admin.site.login = rate_limited_admin_login(admin.site.login)
