from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User

from . import services
from .forms import clean_certificate_field, clean_logo_field
from .models import (
    Cluster,
    ClusterChange,
    ClusterLabel,
    ClusterMember,
    Country,
    Region,
    Sector,
    ValueChainEntry,
)
from .permissions import cluster_managers


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ro", "name_en"]
    search_fields = ["code", "name_ro", "name_en"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ro", "name_en", "country"]
    list_filter = ["country"]
    search_fields = ["code", "name_ro", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name_ro", "name_en", "slug"]
    search_fields = ["name_ro", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class ClusterAdminForm(forms.ModelForm):
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"), required=False,
        queryset=User.objects.filter(status=User.Status.APPROVED, is_active=True),
        widget=admin.widgets.FilteredSelectMultiple(_("managers"), is_stacked=False),
        help_text=_("Approved users who edit this cluster's profile."),
    )

    class Meta:
        model = Cluster
        fields = ["name", "slug", "is_published", *services.PROFILE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["managers"].initial = list(cluster_managers(self.instance))

    def clean_logo(self):
        # The checks of the managers' profile form: size, format, no SVG, web page or polyglot.
        return clean_logo_field(self)


class LabelAdminForm(forms.ModelForm):
    """Should a label's certificate ever be uploaded here, it passes the checks of the
    "Record a label" form."""

    class Meta:
        model = ClusterLabel
        fields = services.LABEL_FIELDS

    def clean_evidence_file(self):
        return clean_certificate_field(self)


class LabelInline(admin.TabularInline):
    """Labels are history: shown here, recorded with the profile's "Record a label" form."""

    model = ClusterLabel
    form = LabelAdminForm
    extra = 0
    can_delete = False
    fields = ["level", "issuer", "awarded_on", "valid_until", "score", "evidence_file",
              "evidence_url", "source_note", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = ClusterMember
    extra = 0


class ValueChainInline(admin.TabularInline):
    model = ValueChainEntry
    extra = 0
    fields = ["kind", "title", "keywords", "sectors", "member"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    """Staff create clusters, publish them and assign managers; edits go through the services,
    so they are kept in the cluster's history like the managers' own."""

    form = ClusterAdminForm
    list_display = ["name", "acronym", "region", "is_published", "updated_at"]
    list_filter = ["is_published", "region__country", "region", "sectors"]
    search_fields = ["name", "acronym", "management_entity"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sectors"]
    inlines = [LabelInline, MemberInline, ValueChainInline]
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # the address stays stable once created

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data
                if name in services.PROFILE_FIELDS and name != "sectors"}
        if not change:
            services.cluster_create(user=request.user, slug=obj.slug, name=obj.name,
                                    region=obj.region, **{k: v for k, v in data.items()
                                                           if k not in ("name", "region")})
            obj.pk = Cluster.objects.get(slug=obj.slug).pk
        elif data:
            services.cluster_update(cluster=obj, user=request.user, data=data)
        if "is_published" in form.changed_data or (not change and obj.is_published):
            services.cluster_set_published(cluster=obj, user=request.user,
                                           published=form.cleaned_data["is_published"])
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        cluster = form.instance
        if "sectors" in form.changed_data:
            services.cluster_update(cluster=cluster, user=request.user,
                                    data={"sectors": form.cleaned_data["sectors"]})
        for formset in formsets:
            self._save_inline(request, cluster, formset)
        wanted = set(form.cleaned_data.get("managers") or [])
        current = set(cluster_managers(cluster))
        for user in wanted - current:
            services.cluster_manager_add(cluster=cluster, manager=user, by=request.user)
        for user in current - wanted:
            services.cluster_manager_remove(cluster=cluster, manager=user, by=request.user)

    def _save_inline(self, request, cluster, formset):
        """Members and offers/gaps change through the services, so the history has them."""
        # What ModelAdmin's change message reads from a saved formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is ClusterMember:
            save, delete, row = services.member_save, services.member_delete, "member"
            fields = services.MEMBER_FIELDS
        elif formset.model is ValueChainEntry:
            save, delete, row = services.entry_save, services.entry_delete, "entry"
            fields = services.ENTRY_FIELDS
        else:
            return  # labels are read-only here
        for inline_form in formset.forms:
            if not hasattr(inline_form, "cleaned_data"):
                continue
            existing = inline_form.instance if inline_form.instance.pk else None
            if inline_form.cleaned_data.get("DELETE"):
                if existing:
                    delete(cluster=cluster, user=request.user, **{row: existing})
            elif inline_form.has_changed():
                data = {name: inline_form.cleaned_data[name] for name in fields
                        if name in inline_form.cleaned_data}
                save(cluster=cluster, user=request.user, data=data, **{row: existing})

    @admin.action(description=_("Publish the selected clusters"))
    def publish(self, request, queryset):
        self._publish(request, queryset, True)

    @admin.action(description=_("Unpublish the selected clusters"))
    def unpublish(self, request, queryset):
        self._publish(request, queryset, False)

    def _publish(self, request, queryset, published):
        changed = 0
        for cluster in queryset:
            try:
                if services.cluster_set_published(cluster=cluster, user=request.user,
                                                  published=published):
                    changed += 1
            except ValidationError as exc:
                self.message_user(request, f"{cluster}: {' '.join(exc.messages)}",
                                  messages.ERROR)
        self.message_user(request, ngettext("%d cluster changed.", "%d clusters changed.",
                                            changed) % changed)


@admin.register(ClusterChange)
class ClusterChangeAdmin(admin.ModelAdmin):
    list_display = ["cluster", "action", "subject", "user", "at"]
    list_filter = ["action", "at"]
    search_fields = ["cluster__name", "subject"]
    list_select_related = ["cluster", "user"]
    readonly_fields = ["cluster", "user", "at", "action", "subject", "changes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
