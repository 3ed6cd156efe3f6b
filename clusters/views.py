import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from core.text import csv_safe
from core.uploads import file_response
from documents.uploads import UploadTooLarge, drain_refused_body, limit_uploads
from events.selectors import past_for, upcoming_for
from institutions.selectors import institutions_linked_to

from . import forms, selectors, services
from .forms import (
    ClusterLabelForm,
    ClusterMemberForm,
    ClusterMemberFormSet,
    ClusterProfileForm,
    ValueChainEntryForm,
    ValueChainEntryFormSet,
)
from .models import Cluster, ClusterLabel, ClusterMember, LabelLevel, ValueChainEntry
from .permissions import can_edit_cluster, clusters_visible_to

PAGE_SIZE = 25
# The events the cluster takes part in, on its profile: the next ones, then the latest past.
PROFILE_EVENTS, PROFILE_PAST_EVENTS = 5, 3
EXPORT_COLUMNS = ["name", "acronym", "url", "country", "region", "sectors", "label",
                  "management_entity", "members", "established", "website"]


def directory(request):
    filterset, clusters = selectors.cluster_directory(request.user, request.GET)
    page = selectors.directory_page(clusters, request.GET.get("page"), PAGE_SIZE)
    facets = selectors.directory_facets(request.user, request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "clusters/cluster_list.html", {
        "filter": filterset,
        "page_obj": page,
        "facets": facets.options,
        "query": query.urlencode(),
        "charts": _charts(facets.options),
        "label_names": dict(LabelLevel.choices),
    })


def _charts(options):
    """Bar charts of the filtered clusters per region, sector and label level."""
    charts = []
    for facet, title in (("region", _("Clusters per region")),
                         ("sector", _("Clusters per sector")),
                         ("label", _("Clusters per current ESCA label"))):
        bars = [o for o in options.get(facet, []) if o.value != "any"]
        if facet == "label":
            names = dict(LabelLevel.choices)
            for bar in bars:
                bar.label = names.get(bar.value, bar.value)
        bars = sorted(bars, key=lambda o: -o.count)[:12]
        top = max((b.count for b in bars), default=0)
        charts.append({
            "facet": facet, "title": title, "height": 28 * len(bars) + 4,
            "bars": [{"label": b.label, "count": b.count, "value": b.value,
                      "width": round(100 * b.count / top, 1) if top else 0,
                      "y": 28 * i + 2} for i, b in enumerate(bars)],
        })
    return charts


def _export_rows(request):
    _filter, clusters = selectors.cluster_directory(request.user, request.GET)
    names = dict(LabelLevel.choices)
    for cluster in clusters:
        yield {
            "name": cluster.name,
            "acronym": cluster.acronym,
            "url": request.build_absolute_uri(cluster.get_absolute_url()),
            "country": cluster.region.country.name,
            "region": cluster.region.name,
            "sectors": "; ".join(s.name for s in cluster.sectors.all()),
            "label": str(names.get(cluster.current_label_level, "")),
            "management_entity": cluster.management_entity,
            "members": cluster.member_count,
            "established": cluster.date_established.isoformat()
            if cluster.date_established else "",
            "website": cluster.website,
        }


class _Echo:
    def write(self, value):
        return value



def export(request, fmt):
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)  # BOM: Excel reads UTF-8
            for row in _export_rows(request):
                yield writer.writerow([csv_safe(row[c]) for c in EXPORT_COLUMNS])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="clusters.csv"'
        return response
    if fmt == "json":
        body = json.dumps({"clusters": list(_export_rows(request))}, ensure_ascii=False,
                          indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="clusters.json"'
        return response
    raise Http404


def _visible_cluster(request, slug) -> Cluster:
    try:
        return selectors.cluster_profile(request.user, slug)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc


def _editable_cluster(request, slug) -> Cluster:
    cluster = _visible_cluster(request, slug)
    if not can_edit_cluster(request.user, cluster):
        raise PermissionDenied
    return cluster


def detail(request, slug):
    cluster = _visible_cluster(request, slug)
    entries = list(cluster.value_chain.all())
    return render(request, "clusters/cluster_detail.html", {
        "cluster": cluster,
        "current_label": selectors.current_label(cluster),
        "members_by_helix": selectors.members_by_helix(cluster),
        "offers": [e for e in entries if e.kind == "offer"],
        "gaps": [e for e in entries if e.kind == "gap"],
        "can_edit": can_edit_cluster(request.user, cluster),
        "upcoming_events": upcoming_for(request.user, cluster=cluster, limit=PROFILE_EVENTS),
        "past_events": past_for(request.user, cluster=cluster, limit=PROFILE_PAST_EVENTS),
        # Its UEFISCDI projects (public, one query), newest first.
        "projects": list(cluster.projects.order_by("-start_date", "sequence", "pk")),
        # The institutions linked to it (those this user may see; one query).
        "institutions": institutions_linked_to(request.user, cluster=cluster),
    })


def logo(request, slug):
    cluster = get_object_or_404(clusters_visible_to(request.user), slug=slug)
    if not cluster.logo:
        raise Http404
    response = file_response(cluster.logo.open("rb"), as_attachment=False)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def certificate(request, slug, pk):
    cluster = get_object_or_404(clusters_visible_to(request.user), slug=slug)
    label = get_object_or_404(ClusterLabel, pk=pk, cluster=cluster)
    if not label.evidence_file:
        raise Http404
    return file_response(label.evidence_file.open("rb"),
                         filename=f"{cluster.slug}-{label.level}-label"
                         f"{label.evidence_file.name[label.evidence_file.name.rfind('.'):]}")


# The logo and certificate uploads follow documents.views: csrf_exempt on the outside so the
# size-limiting upload handler is installed (after the permission check) before anything reads
# the body, csrf_protect on the inside. A file over the limit is refused while it streams: 413,
# the form again with the error, nothing stored.

@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    cluster = _editable_cluster(request, slug)
    limit_uploads(request, forms.LOGO_MAX_BYTES)  # before anything reads the body
    try:
        return _edit(request, cluster)
    except UploadTooLarge:
        drain_refused_body(request)
        return render(request, "clusters/cluster_form.html", {
            "cluster": cluster, "form": ClusterProfileForm(instance=cluster),
            "upload_error": forms.logo_too_large()}, status=413)


@csrf_protect
def _edit(request, cluster):
    form = ClusterProfileForm(request.POST or None, request.FILES or None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_update(
                cluster=cluster, user=request.user,
                data={name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect(cluster)
    return render(request, "clusters/cluster_form.html", {"cluster": cluster, "form": form})


def _save_formset(request, cluster, formset, *, save, delete, row: str, fields):
    """Apply a formset through the services, all or nothing. `row` names the services'
    keyword for the existing row ("member" or "entry")."""
    with transaction.atomic():
        for form in formset.forms:
            existing = form.instance if form.instance.pk else None
            if form.cleaned_data.get("DELETE"):
                if existing:
                    delete(cluster=cluster, user=request.user, **{row: existing})
            elif form.has_changed():
                data = {name: form.cleaned_data[name] for name in fields}
                save(cluster=cluster, user=request.user, data=data, **{row: existing})


@login_required
def members(request, slug):
    cluster = _editable_cluster(request, slug)
    formset = ClusterMemberFormSet(request.POST or None, queryset=cluster.members.all(),
                                   prefix="members", form_kwargs={})
    if request.method == "POST" and formset.is_valid():
        try:
            _save_formset(request, cluster, formset, save=services.member_save,
                          delete=services.member_delete, row="member",
                          fields=ClusterMemberForm.Meta.fields)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The members have been saved."))
            return redirect(cluster)
    return render(request, "clusters/cluster_members_form.html",
                  {"cluster": cluster, "formset": formset})


@login_required
def value_chain(request, slug):
    cluster = _editable_cluster(request, slug)
    formset = ValueChainEntryFormSet(request.POST or None, queryset=cluster.value_chain.all(),
                                     prefix="entries", form_kwargs={"cluster": cluster})
    if request.method == "POST" and formset.is_valid():
        try:
            _save_formset(request, cluster, formset, save=services.entry_save,
                          delete=services.entry_delete, row="entry",
                          fields=ValueChainEntryForm.Meta.fields)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The offers and gaps have been saved."))
            return redirect(cluster)
    return render(request, "clusters/cluster_value_chain_form.html",
                  {"cluster": cluster, "formset": formset})


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def label_add(request, slug):
    cluster = _editable_cluster(request, slug)
    limit_uploads(request, forms.CERTIFICATE_MAX_BYTES)  # before anything reads the body
    try:
        return _label_add(request, cluster)
    except UploadTooLarge:
        drain_refused_body(request)
        return render(request, "clusters/cluster_label_form.html", {
            "cluster": cluster, "form": ClusterLabelForm(),
            "upload_error": forms.certificate_too_large()}, status=413)


@csrf_protect
def _label_add(request, cluster):
    form = ClusterLabelForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.label_record(
                cluster=cluster, user=request.user,
                data={name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The label has been recorded."))
            return redirect(cluster)
    return render(request, "clusters/cluster_label_form.html", {"cluster": cluster,
                                                                "form": form})


@login_required
def history(request, slug):
    cluster = _editable_cluster(request, slug)
    changes = cluster.changes.select_related("user")
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    field_names = {}
    for model in (ValueChainEntry, ClusterMember, ClusterLabel, Cluster):
        field_names.update({f.name: f.verbose_name for f in model._meta.get_fields()
                            if hasattr(f, "verbose_name")})
    for change in page:
        change.rows = [(field_names.get(name, name), old, new)
                       for name, (old, new) in change.changes.items()]
    return render(request, "clusters/cluster_history.html", {"cluster": cluster,
                                                             "page_obj": page})


def partners(request, slug):
    cluster = _visible_cluster(request, slug)
    return render(request, "clusters/cluster_partners.html", {
        "cluster": cluster, "matches": selectors.partner_candidates(cluster),
    })
