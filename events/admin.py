from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import CalendarFeedToken, Event, EventMessage, EventSeries, Registration


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to staff, changed only through the portal (the services keep the invariants:
    seats and the waiting list, SEQUENCE, the attendees' e-mails)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields
                if f.name not in getattr(self, "hidden_fields", ())]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegistrationInline(admin.TabularInline):
    """Who registered, who waits, who cancelled: the waiting list's order is the services'."""

    model = Registration
    extra = 0
    can_delete = False
    fields = ["user", "status", "created_at", "promoted_at", "cancelled_at", "reminder_sent_at"]
    readonly_fields = fields
    ordering = ["status", "created_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "event")  # row titles


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Read-only: events are created and edited by their organisers on the portal (a series,
    a moved occurrence and the attendees' e-mails need the services). Staff may cancel events
    here, which tells the attendees like the portal does; nothing is deleted."""

    list_display = ["title", "kind", "start", "city", "visibility", "working_group", "status"]
    list_filter = ["kind", "status", "visibility", "working_group", "all_day",
                   "takes_registrations", "start"]
    search_fields = ["title", "description", "venue", "city", "organiser"]
    list_select_related = ["working_group"]
    date_hierarchy = "start"
    inlines = [RegistrationInline]
    actions = ["cancel_events"]
    hidden_fields = ("search_text",)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "clusters"]

    def has_change_permission(self, request, obj=None):
        return False  # a view-only page: a save would touch nothing but DTSTAMP

    def has_cancel_permission(self, request):
        """Staff who may change events (the model permission) may cancel them here."""
        return super().has_change_permission(request)

    @admin.action(description=_("Cancel the selected events (the attendees are e-mailed)"),
                  permissions=["cancel"])
    def cancel_events(self, request, queryset):
        cancelled = 0
        for event in queryset.filter(status=Event.Status.SCHEDULED):
            services.event_cancel(event=event, by=request.user)
            cancelled += 1
        self.message_user(request, ngettext("%d event cancelled.", "%d events cancelled.",
                                            cancelled) % cancelled, messages.SUCCESS)


@admin.register(EventSeries)
class EventSeriesAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "time_zone", "created_at"]
    list_filter = ["frequency"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["event", "user", "status", "created_at", "promoted_at", "cancelled_at",
                    "reminder_sent_at"]
    list_filter = ["status", "event__kind"]
    search_fields = ["event__title", "user__email", "user__full_name"]
    list_select_related = ["event", "user"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EventMessage)
class EventMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "event", "sender", "recipients", "created_at"]
    search_fields = ["subject", "body", "event__title"]
    list_select_related = ["event", "sender"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ReadOnlyAdmin):
    """The token is a secret (it opens a personal feed): never shown. Deleting one retires
    that feed's URL; the user gets a new one on their next visit."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    exclude = ["token"]
    hidden_fields = ("token",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return True
