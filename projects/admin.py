"""The projects admin. Staff keep the programme's records here (competitions, projects and the
link between a project and its director's account); status reports are only *looked at* here:
they are written, submitted and reviewed on the portal, where the services check who may do
each step, record the review trail and e-mail the people concerned.

**Programme officers** (who review status reports) are the approved staff users in the auth
group "Programme officers" (Authentication and authorisation → Groups): add a user to that
group to make them an officer. The group needs no model permissions; the role is checked by
name (projects.permissions.is_programme_officer)."""

from django import forms
from django.contrib import admin
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import (
    PROGRAMME_OFFICERS_GROUP,
    Competition,
    Project,
    ReviewEntry,
    StatusReport,
    StatusReportAttachment,
)
from .urls import RESERVED_SLUGS

OFFICERS_NOTE = format_lazy(
    _("Reviewed on the portal by the programme officers: staff in the group “{group}”"),
    group=PROGRAMME_OFFICERS_GROUP,
)
OFFICERS_HELP = format_lazy(
    _("Status reports are reviewed on the portal (“Status reports to review”) by programme "
      "officers: approved staff users in the group “{group}” (Authentication and "
      "authorisation → Groups). Add a user to that group to make them an officer; the group "
      "needs no permissions. Reports cannot be edited here: their submitters change them on "
      "the portal while they are drafts or sent back for changes, and an accepted report is "
      "never changed."),
    group=PROGRAMME_OFFICERS_GROUP,
)


def _delete_unused_files_on_commit(names) -> None:
    """After the rows are gone, delete the stored files no other attachment uses (names are
    content-addressed, so two reports may share one file)."""
    names = {name for name in names if name}
    if not names:
        return

    def delete_unused():
        used = set(StatusReportAttachment.objects.filter(file__in=names)
                   .values_list("file", flat=True))
        for name in names - used:
            default_storage.delete(name)

    transaction.on_commit(delete_unused)


def _attachment_files(**lookup) -> list[str]:
    return list(StatusReportAttachment.objects.filter(**lookup).values_list("file", flat=True))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Competitions -------------------------------------------------------------------------------

@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["name", "years", "funder", "subprogramme_code", "proposals_submitted",
                    "projects_funded", "total_budget", "currency", "projects_on_record"]
    search_fields = ["name", "slug", "programme", "subprogramme", "years"]
    list_filter = ["funder", "years"]
    prepopulated_fields = {"slug": ["name", "years"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(projects_on_record_count=Count("projects"))

    @admin.display(description=_("projects on record"), ordering="projects_on_record_count")
    def projects_on_record(self, competition):
        return competition.projects_on_record_count


# --- Projects -----------------------------------------------------------------------------------

class ProjectStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Project.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Project.Status.values:
            return queryset.filter_status(self.value())
        return queryset


PROJECT_FIELDSETS = [
    (None, {"fields": ["competition", "number", "acronym", "slug", "title", "start_date",
                       "end_date"]}),
    (_("People and cluster"), {"fields": ["coordinator", "director", "director_account",
                                          "cluster", "members_count"]}),
    (_("Region and domain"), {"fields": ["region", "domain"]}),
    (_("Description"), {"fields": ["website", "objectives"]}),
]


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [name for section in PROJECT_FIELDSETS for name in section[1]["fields"]]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("“%(slug)s” is a reserved address; choose another slug."),
                code="reserved", params={"slug": slug})
        return slug


class StatusReportInline(ReadOnlyInline):
    """The project's reports, newest first; each opens its own (read-only) page."""

    model = StatusReport
    fields = ["as_of", "state", "source", "submitted_by", "submitted_at", "reviewer",
              "accepted_at"]
    ordering = ["-as_of", "-pk"]
    show_change_link = True
    verbose_name_plural = _("status reports (newest first)")

    def get_queryset(self, request):
        # The row titles name the project.
        return super().get_queryset(request).select_related("project", "submitted_by",
                                                            "reviewer")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """A project's record as the funder's report gives it, and its director's portal account.
    Its status reports are listed read-only (see the status reports' page for why)."""

    form = ProjectAdminForm
    list_display = ["number", "acronym", "cluster", "region", "domain", "start_date",
                    "end_date"]
    list_display_links = ["number", "acronym"]
    list_filter = ["competition", ProjectStatusFilter, "region", "domain"]
    search_fields = ["number", "acronym", "title", "coordinator", "director", "cluster__name",
                     "cluster__acronym"]
    list_select_related = ["cluster", "region", "domain"]
    ordering = ["competition", "sequence", "number"]
    autocomplete_fields = ["cluster", "director_account"]
    prepopulated_fields = {"slug": ["acronym"]}
    inlines = [StatusReportInline]
    fieldsets = PROJECT_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # the page's address stays stable once created

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def delete_model(self, request, obj):
        # Only reached when none of its reports is accepted (see StatusReportAdmin).
        names = _attachment_files(report__project=obj)
        super().delete_model(request, obj)
        _delete_unused_files_on_commit(names)

    def delete_queryset(self, request, queryset):
        names = _attachment_files(report__project__in=queryset)
        super().delete_queryset(request, queryset)
        _delete_unused_files_on_commit(names)


# --- Status reports -----------------------------------------------------------------------------

class AttachmentInline(ReadOnlyInline):
    model = StatusReportAttachment
    fields = ["download", "size", "content_type", "sha256", "uploaded_by", "uploaded_at"]

    def get_queryset(self, request):
        # The rows' report and project name them and their download link.
        return super().get_queryset(request).select_related("uploaded_by", "report__project")

    @admin.display(description=_("file"))
    def download(self, attachment):
        # Through the portal's download view (it checks who may read the file), never the
        # storage's own address.
        report = attachment.report
        return format_html('<a href="{}">{}</a>', reverse(
            "projects:attachment_download", args=[report.project.slug, report.pk,
                                                  attachment.pk]),
            attachment.original_filename)


class ReviewEntryInline(ReadOnlyInline):
    """The review trail: who submitted, asked for changes (and why) or accepted."""

    model = ReviewEntry
    fields = ["at", "action", "user", "comment"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "report__project")


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    """Read-only. The workflow (submit, ask for changes, accept) goes through the services on
    the portal, so every step is checked, recorded and e-mailed; nothing here changes a
    report's state. A report that is not accepted may be deleted (e.g. an abandoned draft);
    an accepted report is public record and cannot be deleted, nor can its project."""

    list_display = ["project", "as_of", "state", "source", "submitted_by", "submitted_at",
                    "reviewer", "accepted_at"]
    list_filter = ["state", "source", "project__competition", "as_of"]
    search_fields = ["project__number", "project__acronym", "project__title", "results",
                     "ongoing_activities"]
    list_select_related = ["project", "submitted_by", "reviewer"]
    date_hierarchy = "as_of"
    ordering = ["-as_of", "project__sequence", "pk"]
    inlines = [AttachmentInline, ReviewEntryInline]
    fieldsets = [
        (None, {"fields": ["project", "as_of", "members_count", "results",
                           "ongoing_activities"],
                "description": OFFICERS_HELP}),
        (_("Workflow"), {"fields": ["state", "source", "created_by", "created_at",
                                    "submitted_by", "submitted_at", "reviewer", "reviewed_at",
                                    "accepted_at", "updated_at"]}),
    ]
    readonly_fields = ["project", "as_of", "members_count", "results", "ongoing_activities",
                       "state", "source", "created_by", "created_at", "submitted_by",
                       "submitted_at", "reviewer", "reviewed_at", "accepted_at", "updated_at"]

    def get_queryset(self, request):
        # For the change page's read-only people too (the changelist then skips
        # list_select_related, which this covers).
        return super().get_queryset(request).select_related(
            "project", "created_by", "submitted_by", "reviewer")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"subtitle": OFFICERS_NOTE,
                                                 **(extra_context or {})})

    def has_add_permission(self, request):
        return False  # reports are written on the portal, by the project's submitters

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state == StatusReport.State.ACCEPTED:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        names = _attachment_files(report=obj)
        super().delete_model(request, obj)
        _delete_unused_files_on_commit(names)

    def delete_queryset(self, request, queryset):
        # The bulk action reaches this only when no selected report is accepted: the admin
        # asks has_delete_permission() of each row first.
        names = _attachment_files(report__in=queryset)
        super().delete_queryset(request, queryset)
        _delete_unused_files_on_commit(names)
