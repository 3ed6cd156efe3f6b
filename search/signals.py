"""Keeping the index current: after a change to a searchable object commits, its entry is
written again (search.index.reindex, cheap and synchronous). Registered in SearchConfig.ready.

Bulk updates (QuerySet.update) send no signal: the code doing them calls
`schedule_reindex` itself (documents.tasks after a text extraction), or the nightly
`rebuild_search_index` catches up."""

from contextlib import suppress

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Kind


def schedule_reindex(kind: str, object_id: int) -> None:
    """Reindex one object once the current transaction commits (at once outside one)."""
    from .index import reindex

    transaction.on_commit(lambda: reindex(kind, object_id))


def _receiver(kind: str, id_of=lambda instance: instance.pk):
    def receive(sender, instance, **kwargs):
        object_id = id_of(instance)
        if object_id is not None:
            schedule_reindex(kind, object_id)
    return receive


def _reports_of_project(sender, instance, **kwargs):
    # A report's entry shows its project's acronym and title.
    for report_id in instance.reports.accepted().values_list("pk", flat=True):
        schedule_reindex(Kind.REPORTS, report_id)


def _cluster_sectors_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        from clusters.models import Cluster

        if isinstance(instance, Cluster):
            schedule_reindex(Kind.CLUSTERS, instance.pk)


def _connect(signal, sender, receiver):
    # weak=False: the receivers are closures, which a weak reference would let die at once.
    signal.connect(receiver, sender=sender, weak=False)


def connect() -> None:
    from django.apps import apps

    from clusters.models import Cluster
    from documents.models import Document, DocumentVersion
    from events.models import Event
    from projects.models import Project, StatusReport

    simple = [(Cluster, Kind.CLUSTERS), (Document, Kind.DOCUMENTS), (Event, Kind.EVENTS),
              (Project, Kind.PROJECTS), (StatusReport, Kind.REPORTS)]
    for label, kind in (("institutions.Institution", Kind.INSTITUTIONS),
                        ("goodpractices.GoodPractice", Kind.GOODPRACTICES)):
        app_label, name = label.split(".")
        with suppress(LookupError):  # not written yet
            simple.append((apps.get_model(app_label, name), kind))
    for model, kind in simple:
        receiver = _receiver(kind)
        _connect(post_save, model, receiver)
        _connect(post_delete, model, receiver)
    # A new version changes a draft's text; its extraction is hooked in documents.tasks.
    _connect(post_save, DocumentVersion, _receiver(Kind.DOCUMENTS, lambda v: v.document_id))
    _connect(post_save, Project, _reports_of_project)
    _connect(m2m_changed, Cluster.sectors.through, _cluster_sectors_changed)
