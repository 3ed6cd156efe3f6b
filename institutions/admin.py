from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    """Staff maintain the institutions database here (no front-end editing): kind, place,
    website, description, and the clusters and projects each institution is linked to."""

    list_display = ["name", "acronym", "kind", "country", "region", "is_published",
                    "updated_at"]
    list_display_links = ["name", "acronym"]
    list_filter = ["is_published", "kind", "country", "region"]
    search_fields = ["name", "acronym", "city", "description"]
    list_select_related = ["country", "region"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "region", "clusters", "projects"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "is_published"]}),
        (_("Place"), {"fields": ["country", "region", "city"]}),
        (_("About"), {"fields": ["website", "description"]}),
        (_("Links"), {"fields": ["clusters", "projects"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The public address stays stable once created.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    @admin.action(description=_("Publish the selected institutions"),
                  permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish the selected institutions"),
                  permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool):
        # One row at a time through save(): updated_at moves (the sitemap's lastmod).
        changed = 0
        for institution in queryset.exclude(is_published=published):
            institution.is_published = published
            institution.save(update_fields=["is_published"])
            changed += 1
        self.message_user(request, ngettext("%(count)d institution changed.",
                                            "%(count)d institutions changed.", changed)
                          % {"count": changed}, messages.SUCCESS)
