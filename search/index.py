"""Building the search index: one function per kind turns an object into the values of its
SearchEntry (or None when the object must not be found at all: an unpublished cluster, a
document in the trash …). `reindex(kind, pk)` writes or removes one entry;
`rebuild(kinds)` rebuilds whole kinds in batches (the `rebuild_search_index` command).

Who finds an entry is decided here, once, from the owning app's rules: `is_public` rows are for
everyone, the others only for the members of `working_group` (search.selectors filters)."""

import re
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from core.text import fold

from .models import Kind, SearchEntry

# What the vector and the snippets look at: a long extracted text is cut (a tsvector holds at
# most 1 MB, and the positions stop at 16,383 anyway).
BODY_MAX = 200_000
TITLE_MAX = 500
BATCH = 500

# PostgreSQL's parser drops whatever looks like an HTML tag ("<b>", "<script>…"): the angle
# brackets become spaces so that no word of a title or a text is lost.
VECTOR_SQL = """
UPDATE search_searchentry SET vector =
    setweight(to_tsvector('ro_unaccent'::regconfig, translate(title, '<>', '  ')), 'A')
    || setweight(to_tsvector('ro_unaccent'::regconfig, translate(body, '<>', '  ')), 'B')
    || setweight(to_tsvector('en_unaccent'::regconfig, translate(title, '<>', '  ')), 'A')
    || setweight(to_tsvector('en_unaccent'::regconfig, translate(body, '<>', '  ')), 'B')
"""


def _join(*parts) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def _language(code: str) -> str:
    return code if code in ("ro", "en") else ""


def _year(value):
    return value.year if value else None


# --- One function per kind ----------------------------------------------------------------------

def _cluster_entries(ids=None):
    from clusters.models import Cluster

    qs = Cluster.objects.filter(is_published=True).select_related("region").prefetch_related(
        "sectors")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for c in qs.iterator(chunk_size=BATCH):
        yield c.pk, {
            "title": str(c),
            "body": _join(c.management_entity, c.city, c.region.name_ro if c.region_id else "",
                          ", ".join(s.name_ro for s in c.sectors.all()), c.s3_priority_areas,
                          c.technology_fields, c.description),
            "url": c.get_absolute_url(), "language": "", "year": _year(c.date_established),
            "working_group_id": None, "is_public": True,
        }


def _document_entries(ids=None):
    from documents.models import Document, DocumentVersion

    qs = Document.objects.filter(trashed_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for chunk in _chunks(qs.order_by("pk"), BATCH):
        # The public entry shows the published version's text; a draft its newest version's.
        published = {d.published_version_id for d in chunk if d.published_version_id}
        texts = dict(DocumentVersion.objects.filter(pk__in=published).values_list("pk", "text"))
        newest = {}
        for doc_id, text in (DocumentVersion.objects
                             .filter(document__in=[d.pk for d in chunk if
                                                   not d.published_version_id])
                             .order_by("document_id", "-number")
                             .values_list("document_id", "text")):
            newest.setdefault(doc_id, text)
        for d in chunk:
            text = texts.get(d.published_version_id) if d.published_version_id else newest.get(
                d.pk)
            yield d.pk, {
                "title": d.title, "body": _join(d.description, d.tags, text),
                "url": d.get_absolute_url(), "language": _language(d.language),
                "year": _year(d.published_at or d.created_at),
                "working_group_id": d.group_id, "is_public": d.published_version_id is not None,
            }


def _event_entries(ids=None):
    from events.models import Event

    qs = Event.objects.all()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for e in qs.iterator(chunk_size=BATCH):
        public = e.visibility == Event.Visibility.PUBLIC
        if not public and e.working_group_id is None:
            continue  # nobody but staff could see it: not searchable
        yield e.pk, {
            "title": e.title,
            "body": _join(e.get_kind_display(), e.organiser, e.venue, e.city, e.description),
            "url": e.get_absolute_url(), "language": "", "year": _year(e.start),
            "working_group_id": e.working_group_id, "is_public": public,
        }


def _project_entries(ids=None):
    from projects.models import Project

    qs = Project.objects.select_related("competition", "cluster", "region", "domain")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for p in qs.iterator(chunk_size=BATCH):
        yield p.pk, {
            "title": f"{p.acronym}: {p.title}",
            "body": _join(p.label, p.coordinator, p.director, p.cluster.name,
                          p.region.name_ro, p.domain.name_ro, p.competition.name, p.objectives),
            "url": p.get_absolute_url(), "language": "ro", "year": _year(p.start_date),
            "working_group_id": None, "is_public": True,
        }


def _report_entries(ids=None):
    from projects.models import StatusReport

    # Only accepted reports are public; the others are for their submitters and the
    # programme officers, whom the search does not serve: they are not indexed.
    qs = StatusReport.objects.accepted().select_related("project")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for r in qs.iterator(chunk_size=BATCH):
        yield r.pk, {
            "title": f"{r.project.acronym}: {r.as_of:%d.%m.%Y}",
            "body": _join(r.project.title, r.results, r.ongoing_activities),
            "url": r.get_absolute_url(), "language": "ro", "year": _year(r.as_of),
            "working_group_id": None, "is_public": True,
        }


def _model(label: str):
    """A model another helper may not have written yet: None until it exists."""
    app_label, name = label.split(".")
    if not apps.is_installed(app_label):
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _institution_entries(ids=None):
    Institution = _model("institutions.Institution")
    if Institution is None:
        return
    qs = Institution.objects.filter(is_published=True).select_related("country")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for i in qs.iterator(chunk_size=BATCH):
        title = f"{i.name} ({i.acronym})" if i.acronym else i.name
        yield i.pk, {
            "title": title,
            "body": _join(i.get_kind_display(), i.city, i.country.name_ro, i.description),
            "url": i.get_absolute_url(), "language": "", "year": None,
            "working_group_id": None, "is_public": True,
        }


def _goodpractice_entries(ids=None):
    GoodPractice = _model("goodpractices.GoodPractice")
    if GoodPractice is None:
        return
    qs = GoodPractice.objects.select_related("country")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for g in qs.iterator(chunk_size=BATCH):
        published = g.state == "published"
        yield g.pk, {
            "title": g.title,
            "body": _join(g.get_theme_display(), g.country.name_ro, g.practice, g.context,
                          g.benefits, g.lessons_learned, g.success_factors, g.risk_factors,
                          g.transferability_notes),
            "url": g.get_absolute_url(), "language": _language(g.language),
            "year": _year(g.published_at or g.created_at),
            # A draft: its working group's members only.
            "working_group_id": g.working_group_id, "is_public": published,
        }


BUILDERS: dict[str, Callable] = {
    Kind.CLUSTERS: _cluster_entries,
    Kind.DOCUMENTS: _document_entries,
    Kind.EVENTS: _event_entries,
    Kind.PROJECTS: _project_entries,
    Kind.REPORTS: _report_entries,
    Kind.INSTITUTIONS: _institution_entries,
    Kind.GOODPRACTICES: _goodpractice_entries,
}


def _chunks(queryset, size: int):
    """Lists of at most `size` objects, by primary key (no server-side cursor needed)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


# --- Writing ------------------------------------------------------------------------------------

# Control characters (extracted text has some) go: the snippets' highlight delimiters are
# control characters, which must come from ts_headline only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _entry(kind: str, object_id: int, values: dict) -> SearchEntry:
    title = _CONTROL.sub(" ", values["title"][:TITLE_MAX])
    body = _CONTROL.sub(" ", values["body"][:BODY_MAX])
    return SearchEntry(kind=kind, object_id=object_id, title=title, body=body,
                       url=values["url"], language=values["language"], year=values["year"],
                       working_group_id=values["working_group_id"],
                       is_public=values["is_public"], folded_title=fold(title),
                       folded=fold(f"{title}\n{body}"))


UPDATE_FIELDS = ["title", "body", "url", "language", "year", "working_group", "is_public",
                 "folded_title", "folded", "updated_at"]


def update_vectors(ids: Iterable[int] | None = None) -> None:
    """Compute the tsvectors in SQL (PostgreSQL only): of these entries, or of all."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(VECTOR_SQL)
        else:
            cursor.execute(VECTOR_SQL + " WHERE id = ANY(%s)", [list(ids)])


def _write(kind: str, entries: list[SearchEntry]) -> list[int]:
    if not entries:
        return []
    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["kind", "object_id"],
        update_fields=UPDATE_FIELDS, batch_size=BATCH)
    ids = list(SearchEntry.objects.filter(
        kind=kind, object_id__in=[e.object_id for e in entries]).values_list("pk", flat=True))
    update_vectors(ids)
    return ids


@transaction.atomic
def reindex(kind: str, object_id: int) -> None:
    """Write the entry of one object, or remove it when the object is gone or must not be
    found (unpublished, in the trash, a report not accepted …)."""
    found = list(BUILDERS[kind]([object_id]) or [])
    if not found:
        SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()
        return
    _write(kind, [_entry(kind, pk, values) for pk, values in found])


def rebuild(kinds: Iterable[str] | None = None, batch: int = BATCH) -> dict[str, int]:
    """Rebuild whole kinds (default: all): every entry written again, stale ones removed.
    Returns the number of entries per kind."""
    counts = {}
    for kind in kinds or Kind.values:
        with transaction.atomic():
            started = timezone.now()
            kept: list[int] = []
            pending: list[SearchEntry] = []
            for pk, values in BUILDERS[kind]() or []:
                pending.append(_entry(kind, pk, values))
                if len(pending) >= batch:
                    kept += _write(kind, pending)
                    pending = []
            kept += _write(kind, pending)
            # Whatever was not written again is stale (its object is gone or hidden now).
            SearchEntry.objects.filter(kind=kind, updated_at__lt=started).delete()
        counts[kind] = len(kept)
    return counts
