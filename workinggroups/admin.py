from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User

from . import services
from .models import JoinRequest, Membership, WorkingGroup


class ApprovedUserMixin:
    """Only approved, active accounts can be chosen as members."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(status=User.Status.APPROVED,
                                                     is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(ApprovedUserMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "notify", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["user"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    """The six groups come from a data migration; staff edit their names and descriptions
    and their members here (or with `manage.py add_group_member`)."""

    list_display = ["code", "name_en", "name_ro"]
    search_fields = ["code", "name_en", "name_ro"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a group's documents and history belong to it


@admin.register(Membership)
class MembershipAdmin(ApprovedUserMixin, admin.ModelAdmin):
    list_display = ["user", "email", "group", "role", "notify", "joined_at"]
    list_filter = ["group", "role", "notify"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "group"]
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Requests are decided here in bulk or in the group's "Members and requests" page;
    either way the applicant is e-mailed."""

    list_display = ["user", "group", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "group"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "group", "decided_by"]
    readonly_fields = ["group", "user", "message", "status", "created_at", "decided_by",
                       "decided_at", "reason"]
    actions = ["accept_selected", "decline_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Accept the selected requests"))
    def accept_selected(self, request, queryset):
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Decline the selected requests"))
    def decline_selected(self, request, queryset):
        self._decide(request, queryset, accept=False)

    def _decide(self, request, queryset, *, accept):
        decided = 0
        for join_request in queryset.filter(status=JoinRequest.Status.PENDING):
            try:
                services.join_request_decide(join_request=join_request, by=request.user,
                                             accept=accept)
            except (ValidationError, PermissionDenied) as exc:
                text = " ".join(getattr(exc, "messages", [])) or str(_("Not allowed."))
                self.message_user(request, f"{join_request}: {text}", messages.ERROR)
            else:
                decided += 1
        self.message_user(request, ngettext("%d request decided.", "%d requests decided.",
                                            decided) % decided)
