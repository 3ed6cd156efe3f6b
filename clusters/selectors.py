"""Reads for clusters: querysets already filtered for the user and annotated for display."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .filters import ANY_LABEL, FACETS, ClusterFilter, facet_lookup
from .models import (
    LABEL_RANK,
    Cluster,
    ClusterLabel,
    ClusterMember,
    Country,
    LabelLevel,
    Region,
    Sector,
    ValueChainEntry,
    fold,
)
from .permissions import clusters_visible_to


def _current_labels(today=None):
    """A cluster's current labels, best first: dated valid labels before those whose validity
    was never recorded, then the most recently awarded, then the highest."""
    return (
        ClusterLabel.objects.current(today)
        .filter(cluster=OuterRef("pk"))
        .annotate(rank=Case(*[When(level=k, then=Value(v)) for k, v in LABEL_RANK.items()],
                            output_field=IntegerField()))
        .order_by(Case(When(valid_until__isnull=True, then=Value(1)), default=Value(0),
                       output_field=IntegerField()),
                  F("awarded_on").desc(nulls_last=True), F("rank").desc())
    )


def annotate_directory(queryset: QuerySet[Cluster]) -> QuerySet[Cluster]:
    member_records = (
        ClusterMember.objects.filter(cluster=OuterRef("pk")).order_by()
        .values("cluster").annotate(n=Count("pk")).values("n")
    )
    current = _current_labels()
    return queryset.annotate(
        current_label_level=Subquery(current.values("level")[:1]),
        label_rank=Coalesce(Subquery(current.values("rank")[:1]), Value(0)),
        # Declared total, else the members on record; NULL when neither is known.
        member_count=Coalesce(F("members_total"), Subquery(member_records)),
    )


def directory_page(clusters: QuerySet[Cluster], number, per_page: int):
    """One page of the directory. The page's ids are found first, then only those rows are
    annotated and loaded: a deep page no longer computes the annotations of every row it
    skips (two queries instead of one, both short)."""
    page = Paginator(clusters.values_list("pk", flat=True), per_page).get_page(number)
    rows = {cluster.pk: cluster for cluster in clusters.filter(pk__in=list(page.object_list))}
    page.object_list = [rows[pk] for pk in page.object_list]
    return page


def cluster_directory(user, params) -> tuple[ClusterFilter, QuerySet[Cluster]]:
    """The directory's filter form and its clusters, for this user (a fixed number of queries
    whatever the rows: one for the page, one for the count, one for the sectors)."""
    base = annotate_directory(clusters_visible_to(user))
    filterset = ClusterFilter(params, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    # The chosen order, then name and id: ties never make a row repeat or vanish across pages.
    queryset = queryset.order_by(*queryset.query.order_by, "name", "pk")
    queryset = queryset.select_related("region__country").prefetch_related(
        Prefetch("sectors", queryset=Sector.objects.order_by("name_ro")))
    return filterset, queryset


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facets:
    options: dict[str, list[FacetOption]] = field(default_factory=dict)


def directory_facets(user, params) -> Facets:
    """For each facet, how many clusters each option leaves given the other filters:
    one query per facet."""
    base = annotate_directory(clusters_visible_to(user))
    names = {
        "country": {c.code: c.name for c in Country.objects.all()},
        "region": {r.slug: r.name for r in Region.objects.all()},
        "sector": {s.slug: s.name for s in Sector.objects.all()},
        "label": dict(LabelLevel.choices),
    }
    facets = Facets()
    for facet in FACETS:
        others = params.copy()
        others.pop(facet, None)
        others.pop("ordering", None)
        filterset = ClusterFilter(others, queryset=base)
        if not filterset.is_valid():
            facets.options[facet] = []
            continue
        lookup = facet_lookup(facet)
        # A plain COUNT, not COUNT(DISTINCT): every filter is single-valued (one sector, one
        # region …), so a cluster is one row per facet value, and each cluster–sector pair is
        # unique. DISTINCT made PostgreSQL sort every row (bench/production.py, issue 8).
        clusters = filterset.qs
        if facet == "label":
            # Only clusters with a current label have a level to count: the per-cluster label
            # subquery then runs for those alone, not for every cluster.
            clusters = clusters.filter(pk__in=ClusterLabel.objects.current().values("cluster"))
        counts = {
            row[lookup]: row["n"]
            for row in clusters.order_by().values(lookup).annotate(n=Count("pk"))
            if row[lookup] is not None
        }
        chosen = params.get(facet, "")
        options = [FacetOption(value, names[facet].get(value, value), n, value == chosen)
                   for value, n in counts.items()]
        if facet == "label":
            any_count = sum(counts.values())
            options = sorted(options, key=lambda o: -LABEL_RANK[o.value])
            options.insert(0, FacetOption(ANY_LABEL, "", any_count, chosen == ANY_LABEL))
        else:
            options.sort(key=lambda o: fold(o.label))
        facets.options[facet] = options
    return facets


def cluster_profile(user, slug) -> Cluster:
    """A cluster this user may see, with everything its profile shows loaded up front."""
    queryset = (
        clusters_visible_to(user)
        .select_related("region__country")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.order_by("name_ro")),
            Prefetch("labels", queryset=ClusterLabel.objects.select_related("recorded_by")),
            Prefetch("members", queryset=ClusterMember.objects.order_by("helix",
                                                                        "organisation")),
            Prefetch("value_chain", queryset=ValueChainEntry.objects.prefetch_related(
                "sectors").select_related("member")),
        )
    )
    return queryset.get(slug=slug)


def current_label(cluster: Cluster, today=None) -> ClusterLabel | None:
    """The cluster's current label from its (prefetched) label history."""
    today = today or timezone.localdate()
    candidates = [label for label in cluster.labels.all()
                  if label.state(today) in ("valid", "unknown")
                  and (label.awarded_on is None or label.awarded_on <= today)]
    candidates.sort(key=lambda label: (label.valid_until is not None,
                                       label.awarded_on or timezone.datetime.min.date(),
                                       label.rank), reverse=True)
    return candidates[0] if candidates else None


def members_by_helix(cluster: Cluster) -> list[tuple[str, list[ClusterMember]]]:
    groups = defaultdict(list)
    for member in cluster.members.all():
        groups[member.helix].append(member)
    return [(label, groups[value]) for value, label in ClusterMember.Helix.choices
            if groups[value]]


@dataclass
class PartnerMatch:
    gap: ValueChainEntry
    cluster: Cluster
    offer: ValueChainEntry | None
    reasons: list[str]


def partner_candidates(cluster: Cluster) -> list[PartnerMatch]:
    """For each of the cluster's gaps: other published clusters whose offers share a sector or
    a keyword with it (each match says which), then clusters active in the gap's sectors."""
    from django.utils.translation import gettext as _

    gaps = [e for e in cluster.value_chain.all() if e.kind == ValueChainEntry.Kind.GAP]
    if not gaps:
        return []
    offers = list(
        ValueChainEntry.objects.filter(kind=ValueChainEntry.Kind.OFFER,
                                       cluster__is_published=True)
        .exclude(cluster=cluster)
        .select_related("cluster", "member").prefetch_related("sectors")
    )
    gap_sector_ids = {s.pk for gap in gaps for s in gap.sectors.all()}
    sector_clusters = list(
        Cluster.objects.filter(is_published=True, sectors__in=gap_sector_ids)
        .exclude(pk=cluster.pk).distinct().prefetch_related("sectors")
    )
    matches = []
    for gap in gaps:
        gap_sectors = {s.pk: s for s in gap.sectors.all()}
        gap_words = gap.keyword_set | set(fold(gap.title).split())
        offered = set()
        for offer in offers:
            reasons = []
            shared = [gap_sectors[s.pk].name for s in offer.sectors.all() if s.pk in gap_sectors]
            if shared:
                reasons.append(_("same sector: %s") % ", ".join(shared))
            words = sorted(gap.keyword_set & offer.keyword_set) or sorted(
                (gap_words & (offer.keyword_set | set(fold(offer.title).split())))
                - STOP_WORDS)
            if words:
                reasons.append(_("shared keywords: %s") % ", ".join(words))
            if reasons:
                matches.append(PartnerMatch(gap, offer.cluster, offer, reasons))
                offered.add(offer.cluster_id)
        for other in sector_clusters:
            shared = [gap_sectors[s.pk].name for s in other.sectors.all() if s.pk in gap_sectors]
            if shared and other.pk not in offered:
                matches.append(PartnerMatch(
                    gap, other, None, [_("active in the sector: %s") % ", ".join(shared)]))
    return matches


# Words too common to count as a shared keyword when titles are compared.
STOP_WORDS = {"si", "de", "in", "la", "cu", "pentru", "and", "of", "the", "for", "a", "din",
              "pe", "sau", "or", "to", "un", "o", "noi", "new", "nou", "noua"}
