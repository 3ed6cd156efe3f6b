"""A public section built like the demo (seed_demo's own functions for the clusters, the 2014
events and the UEFISCDI projects) plus what the demo only makes with demo accounts: published
documents, an upcoming event, and, once their apps exist, an institution and a published good
practice. Shared by the home, sitemap, feed and public-pages tests (and the browser tests)."""

import importlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils import timezone

from clusters.demo import seed_clusters, seed_reference_data
from clusters.models import Cluster, Country
from events.demo import seed_events
from events.models import Event
from projects.demo import seed_projects
from projects.models import Competition, Project
from tests.documents.web_helpers import create_document, member_of, publish
from tests.events.conftest import make_event
from workinggroups.models import Membership, WorkingGroup

BUCHAREST = ZoneInfo("Europe/Bucharest")


def model_or_none(module: str, name: str):
    """The model of an app still being built, or None while it does not exist."""
    try:
        return getattr(__import__(module, fromlist=[name]), name, None)
    except ImportError:
        return None


def upcoming_public_event(title="Conferința clusterelor din Iași", days=12) -> Event:
    day = (timezone.now() + timedelta(days=days)).astimezone(BUCHAREST).date()
    return make_event(title=title, start=datetime(day.year, day.month, day.day, 10, 0,
                                                  tzinfo=BUCHAREST))


def published_document(group: WorkingGroup, title: str, coordinator=None, **fields):
    coordinator = coordinator or member_of(group, Membership.Role.COORDINATOR)
    document = create_document(group, coordinator, title=title, **fields)
    publish(document, coordinator)
    document.refresh_from_db()
    return document


def ensure_six_groups() -> None:
    """The groups come from a data migration, which a transactional (browser) test's flush
    removes: put them back the way the migration does."""
    if not WorkingGroup.objects.exists():
        importlib.import_module("workinggroups.migrations.0002_the_six_groups").create_groups(
            apps, None)


def build_public_site() -> dict:
    """The demo's public facts and one of each public object; returns them by name."""
    ensure_six_groups()
    seed_reference_data()
    seed_clusters()
    seed_events()
    seed_projects()
    wg5 = WorkingGroup.objects.get(code="WG5")
    coordinator = member_of(wg5, Membership.Role.COORDINATOR, full_name="Ana Popescu")
    site = {
        "cluster": Cluster.objects.filter(is_published=True).order_by("name").first(),
        "document": published_document(
            wg5, "Verigi lipsă în lanțul valoric al clusterelor din Regiunea Nord-Est",
            coordinator, description="Analiza ADR Nord-Est a lanțurilor valorice."),
        "draft": create_document(wg5, coordinator, title="Ciornă: strategia regională"),
        "event": upcoming_public_event(),
        "past_event": Event.objects.filter(visibility=Event.Visibility.PUBLIC)
        .order_by("start").first(),
        "competition": Competition.objects.get(),
        "project": Project.objects.order_by("sequence").first(),
        "group": wg5,
        "coordinator": coordinator,
    }
    site.update(_institution(site) or {})
    site.update(_good_practice(site) or {})
    return site


def _institution(site):
    Institution = model_or_none("institutions.models", "Institution")
    if Institution is None:
        return None
    institution = Institution.objects.create(
        name="Unitatea Executivă pentru Finanțarea Învățământului Superior, a Cercetării, "
             "Dezvoltării și Inovării", acronym="UEFISCDI", slug="uefiscdi",
        kind="funding_agency", country=Country.objects.get(code="RO"), city="București",
        website="https://uefiscdi.gov.ro",
        description="Agenția care a finanțat competiția „Cluster inovativ”.")
    institution.projects.add(site["project"])
    return {"institution": institution}


def _good_practice(site):
    GoodPractice = model_or_none("goodpractices.models", "GoodPractice")
    if GoodPractice is None:
        return None
    theme = GoodPractice._meta.get_field("theme").choices[0][0]
    practice = GoodPractice.objects.create(
        title="Evenimente B2B și cluster-to-cluster în Regiunea Nord-Est",
        slug="b2b-cluster-to-cluster-nord-est", working_group=site["group"],
        country=Country.objects.get(code="RO"), theme=theme,
        practice="Întâlniri între clusterele regiunii pentru a completa lanțurile valorice.",
        context="Clusterele din Nord-Est au verigi lipsă în lanțul valoric.",
        benefits="Parteneri noi.", lessons_learned="Pregătirea contează.",
        success_factors="Agenția de dezvoltare regională.", risk_factors="Participare slabă.",
        transferability="high", language="ro", state="published",
        author=site["coordinator"], published_by=site["coordinator"],
        published_at=timezone.now())
    return {"good_practice": practice}
