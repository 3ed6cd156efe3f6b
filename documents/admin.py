from django.contrib import admin

from .models import Document, DocumentEvent, DocumentVersion


class VersionInline(admin.TabularInline):
    """Versions are immutable: listed, never edited or deleted here."""

    model = DocumentVersion
    fk_name = "document"
    extra = 0
    can_delete = False
    fields = ["number", "original_filename", "size", "content_type", "sha256", "note",
              "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only for staff: documents change through the group spaces (the services keep the
    invariants and the audit trail)."""

    list_display = ["title", "group", "category", "status", "published_at", "trashed_at",
                    "activity_at"]
    list_filter = ["group", "status", "category", "language", "published_at", "trashed_at"]
    search_fields = ["title", "description", "tags"]
    list_select_related = ["group"]
    inlines = [VersionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Document._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentEvent)
class DocumentEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "document", "version", "detail"]
    list_filter = ["action", "document__group", "at"]
    search_fields = ["document__title", "user__email"]
    list_select_related = ["user", "document", "version"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in DocumentEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
