"""Reads for the public pages of the core app: the home page's figures and lists. Each runs a
fixed number of queries whatever the number of rows."""

from dataclasses import dataclass

from django.db.models import QuerySet

from clusters.models import Cluster, ClusterLabel
from documents.models import Document
from documents.selectors import public_archive
from events.permissions import public_events
from projects.models import Project
from workinggroups.models import WorkingGroup


@dataclass(frozen=True)
class HomeFigures:
    clusters: int
    labelled_clusters: int
    working_groups: int
    documents: int
    upcoming_events: int
    projects: int


def home_figures() -> HomeFigures:
    """What the public section holds now, counted only over what a visitor may see: published
    clusters (and those of them with a current label), published documents, upcoming public
    events. Six COUNT queries, not cached: a change shows at once."""
    published = Cluster.objects.filter(is_published=True)
    return HomeFigures(
        clusters=published.count(),
        labelled_clusters=published.filter(
            pk__in=ClusterLabel.objects.current().values("cluster")).count(),
        working_groups=WorkingGroup.objects.count(),
        documents=public_archive().count(),
        upcoming_events=public_events().scheduled().upcoming().count(),
        projects=Project.objects.count(),
    )


def latest_documents(limit: int = 5) -> QuerySet[Document]:
    """The newest publications of the public archive: one query."""
    return public_archive()[:limit]
