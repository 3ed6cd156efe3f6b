"""The index follows the objects: published, unpublished, trashed, edited, deleted; reports
only once accepted; institutions and good practices; the rebuild command."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from documents import services as document_services
from search.models import SearchEntry
from search.selectors import search_for

from .conftest import make_cluster, make_document, make_practice, txt

pytestmark = pytest.mark.django_db


def found(user, q) -> list[str]:
    return [hit.title for hit in search_for(user, q=q).hits(0, 50)]


def test_a_document_follows_its_life(wg1, member1, coordinator1, capture_commits):
    with capture_commits():
        document = make_document(wg1, member1, title="Analiza turismului balnear")
    entry = SearchEntry.objects.get(kind="documents", object_id=document.pk)
    assert (entry.is_public, entry.working_group_id) == (False, wg1.pk)
    assert found(AnonymousUser(), "balnear") == []
    with capture_commits():
        document_services.document_set_status(document=document, user=coordinator1,
                                              status="final")
        document_services.document_publish(document=document, user=coordinator1)
    assert found(AnonymousUser(), "balnear") == ["Analiza turismului balnear"]
    with capture_commits():
        document_services.document_update_details(document=document, user=coordinator1,
                                                  title="Analiza turismului montan")
    # The new title is found; so is the old one, which the file's text still says.
    assert found(AnonymousUser(), "balnear") == ["Analiza turismului montan"]
    assert found(AnonymousUser(), "montan") == ["Analiza turismului montan"]
    with capture_commits():
        document_services.document_unpublish(document=document, user=coordinator1)
    assert found(AnonymousUser(), "montan") == []
    assert found(member1, "montan") == ["Analiza turismului montan"]
    with capture_commits():
        document_services.document_trash(document=document, user=coordinator1)
    assert found(member1, "montan") == []
    assert not SearchEntry.objects.filter(kind="documents", object_id=document.pk).exists()


def test_a_new_version_text_is_searchable_by_members(wg1, member1, capture_commits):
    with capture_commits():
        document = make_document(wg1, member1, title="Notă")
    with capture_commits():
        document_services.version_add(document=document, user=member1,
                                      upload=txt("Cuvântul rar: xilofonistic.\n"))
    assert found(member1, "xilofonistic") == ["Notă"]


def test_the_extraction_task_reindexes(wg1, member1, capture_commits):
    """The task stores the text with an update (no signal): it reindexes itself."""
    from documents.models import DocumentVersion
    from documents.tasks import extract_version_text

    with capture_commits():
        document = make_document(wg1, member1, title="Notă", upload=txt("Ornitologie.\n"))
    version = document.versions.get()
    DocumentVersion.objects.filter(pk=version.pk).update(text="")
    call_command("rebuild_search_index", "documents", stdout=None)
    assert found(member1, "ornitologie") == []
    with capture_commits():
        extract_version_text(version.pk)
    assert found(member1, "ornitologie") == ["Notă"]


def test_clusters_published_only(capture_commits, staff_user):
    with capture_commits():
        cluster = make_cluster(name="Clusterul apicol", published=False)
    assert found(staff_user, "apicol") == []
    with capture_commits():
        cluster.is_published = True
        cluster.save()
    assert found(AnonymousUser(), "apicol") == ["Clusterul apicol"]
    with capture_commits():
        cluster.delete()
    assert found(AnonymousUser(), "apicol") == []


def test_reports_once_accepted(capture_commits):
    from clusters.models import Sector
    from projects.models import Competition, Project, StatusReport

    cluster = make_cluster(name="Clusterul TREC")
    sector = Sector.objects.create(slug="energie", name_ro="Energie", name_en="Energy")
    competition = Competition.objects.create(slug="ci-2018", name="Cluster Inovativ")
    with capture_commits():
        project = Project.objects.create(
            competition=competition, cluster=cluster, number="1 CLS", acronym="INOV-TREC",
            slug="inov-trec", title="Capacitatea inovativă a firmelor", director="Adrian Bot",
            start_date=date(2018, 6, 1), end_date=date(2020, 5, 31), region=cluster.region,
            domain=sector)
        report = StatusReport.objects.create(project=project, as_of=date(2019, 12, 31),
                                             results="Platformă de geotermie realizată.")
    assert found(AnonymousUser(), "capacitatea inovativa") == [
        "INOV-TREC: Capacitatea inovativă a firmelor"]
    assert found(AnonymousUser(), "geotermie") == []  # a draft report
    with capture_commits():
        report.state, report.accepted_at = StatusReport.State.ACCEPTED, timezone.now()
        report.save()
    assert found(AnonymousUser(), "geotermie") == ["INOV-TREC: 31.12.2019"]
    entry = SearchEntry.objects.get(kind="reports")
    assert (entry.year, entry.url) == (2019, report.get_absolute_url())


def test_institutions_published_only(romania, capture_commits):
    from institutions.models import Institution

    with capture_commits():
        Institution.objects.create(name="Agenția pentru Dezvoltare Regională Centru",
                                   acronym="ADR Centru", slug="adr-centru",
                                   kind="regional_agency", country=romania, city="Alba Iulia")
        Institution.objects.create(name="Agenția ascunsă", slug="ascunsa", kind="other",
                                   country=romania, is_published=False)
    assert found(AnonymousUser(), "agentia") == [
        "Agenția pentru Dezvoltare Regională Centru (ADR Centru)"]


def test_practices_follow_their_state(wg1, member1, member2, romania, capture_commits):
    with capture_commits():
        practice = make_practice(wg1, romania, title="Mentorat pentru start-up-uri")
    assert found(member1, "mentorat") == ["Mentorat pentru start-up-uri"]
    assert found(member2, "mentorat") == []
    with capture_commits():
        practice.state = "published"
        practice.save()
    assert found(member2, "mentorat") == ["Mentorat pentru start-up-uri"]


def test_rebuild_command(wg1, member1, coordinator1, capture_commits, capsys):
    with capture_commits():
        make_document(wg1, member1, title="Raport de sinteză", publish_by=coordinator1)
        make_cluster(name="Clusterul de sinteză")
    SearchEntry.objects.create(kind="events", object_id=999, title="Stale", url="/x",
                               is_public=True, folded="stale")
    SearchEntry.objects.filter(kind="documents").delete()
    call_command("rebuild_search_index", "--batch", "1")
    assert set(SearchEntry.objects.values_list("kind", "title")) == {
        ("documents", "Raport de sinteză"), ("clusters", "Clusterul de sinteză")}
    assert "Search index rebuilt: 2 entries." in capsys.readouterr().out
    assert sorted(found(AnonymousUser(), "sinteza")) == ["Clusterul de sinteză",
                                                         "Raport de sinteză"]


def test_rebuild_refuses_unknown_kinds():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "nothing")
