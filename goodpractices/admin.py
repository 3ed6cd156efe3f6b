from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import GoodPractice


@admin.register(GoodPractice)
class GoodPracticeAdmin(admin.ModelAdmin):
    """Read-only: practices are written and corrected on the portal, where the services check
    the linked documents and the sections (staff may edit any practice there). Staff publish
    or take back practices here through the same services."""

    list_display = ["title", "working_group", "country", "theme", "transferability", "state",
                    "published_at"]
    list_filter = ["state", "theme", "transferability", "working_group", "country", "language"]
    search_fields = ["title", "slug", "practice", "context"]
    list_select_related = ["working_group", "country"]
    date_hierarchy = "created_at"
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields
                if field.name != "search_text"] + ["documents"]

    def get_exclude(self, request, obj=None):
        return ["search_text"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, service) -> int:
        done = 0
        for practice in queryset.select_related("working_group"):
            try:
                service(good_practice=practice, by=request.user)
            except ValidationError as exc:
                messages.error(request, f"{practice.title}: {' '.join(exc.messages)}")
            except PermissionDenied:
                messages.error(request, _("%(title)s: you may not do this.")
                               % {"title": practice.title})
            else:
                done += 1
        return done

    @admin.action(description=_("Publish the selected good practices"))
    def publish(self, request, queryset):
        done = self._apply(request, queryset.filter(state=GoodPractice.State.DRAFT),
                           services.practice_publish)
        if done:
            messages.success(request, ngettext("%(count)s practice published.",
                                               "%(count)s practices published.", done)
                             % {"count": done})

    @admin.action(description=_("Take the selected good practices back to drafts"))
    def unpublish(self, request, queryset):
        done = self._apply(request, queryset.filter(state=GoodPractice.State.PUBLISHED),
                           services.practice_unpublish)
        if done:
            messages.success(request, ngettext("%(count)s practice taken back to a draft.",
                                               "%(count)s practices taken back to drafts.",
                                               done) % {"count": done})
