"""The projects admin: pages that load in the same number of queries for few or many rows;
status reports are read-only there (their state changes only through the portal's services),
and an accepted report cannot be deleted, not even with its project."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services
from projects.models import Competition, Project, ReviewEntry, StatusReport
from projects.models import StatusReportAttachment as Attachment

from .conftest import accepted_report, make_project

pytestmark = pytest.mark.django_db

State = StatusReport.State
PDF = b"%PDF-1.4\n% Raport de activitate\n%%EOF\n"


@pytest.fixture
def admin_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def attach(report, name="Prezentare ședință.pdf", content=PDF):
    digest = hashlib.sha256(content).hexdigest()
    path = f"projects/reports/{digest}.pdf"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    return Attachment.objects.create(report=report, file=path, original_filename=name,
                                     size=len(content), content_type="application/pdf",
                                     sha256=digest)


def full_report(project, as_of, *, submitter=None, officer=None, n=0):
    """An accepted report with two attachments and a review trail."""
    report = accepted_report(project, as_of=as_of, submitted_by=submitter, reviewer=officer)
    attach(report, name=f"Anexa {n}.pdf", content=PDF + bytes([n % 256, 1]))
    attach(report, name=f"Prezentare {n}.pdf", content=PDF + bytes([n % 256, 2]))
    for action in (ReviewEntry.Action.SUBMITTED, ReviewEntry.Action.ACCEPTED):
        ReviewEntry.objects.create(report=report, action=action,
                                   user=officer if action == "accepted" else submitter,
                                   comment="Mulțumim, raportul e complet.")
    return report


def add_projects(competition, clusters, first, last, submitter, officer):
    for n in range(first, last):
        project = make_project(competition, clusters[n % 2], number=f"{n} CLS",
                               acronym=f"P{n}", director_account=submitter)
        full_report(project, date(2019, 12, 31), submitter=submitter, officer=officer, n=n)


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("name", ["competition", "project", "statusreport"])
def test_changelists_load_in_a_fixed_number_of_queries(admin_client, competition, trec,
                                                       indagro_cluster, manager, officer, name):
    url = reverse(f"admin:projects_{name}_changelist")
    clusters = [trec, indagro_cluster]
    add_projects(competition, clusters, 1, 3, manager, officer)
    admin_client.get(url)  # warm up the session
    few, _sql = queries(admin_client, url)
    add_projects(competition, clusters, 3, 13, manager, officer)
    Competition.objects.create(slug="cluster-inovativ-2020", name="Cluster Inovativ",
                               years="2020-2021")
    many, sql = queries(admin_client, url)
    assert many == few, sql
    page = admin_client.get(url).content.decode()
    if name == "project":
        assert "P12" in page
        assert "Transylvania Energy" in page
    if name == "statusreport":
        assert "Programme officers" in page  # where the officers are managed


def test_project_page_lists_its_reports_in_a_fixed_number_of_queries(admin_client, project,
                                                                     manager, officer):
    url = reverse("admin:projects_project_change", args=[project.pk])
    full_report(project, date(2019, 6, 30), submitter=manager, officer=officer)
    admin_client.get(url)
    few, _sql = queries(admin_client, url)
    for month in range(1, 10):
        full_report(project, date(2019, 6, 30) - timedelta(days=31 * month),
                    submitter=manager, officer=officer, n=month)
    many, sql = queries(admin_client, url)
    assert many == few, sql
    page = admin_client.get(url).content.decode()
    for report in project.reports.all():  # each report opens its own read-only page
        assert reverse("admin:projects_statusreport_change", args=[report.pk]) in page
    assert 'name="reports-0-state"' not in page  # the inline is read-only
    # The cluster and the director's account are picked by search, not a select of everyone.
    assert 'data-field-name="cluster"' in page
    assert 'data-field-name="director_account"' in page


def test_saving_a_project_keeps_its_reports(admin_client, project, manager, officer, director):
    report = full_report(project, date(2019, 12, 31), submitter=manager, officer=officer)
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = admin_client.post(url, {
        "competition": project.competition_id, "number": "1 CLS", "acronym": "INOV-TREC",
        "title": "Creșterea capacității inovative (titlu corectat)",
        "start_date": "2018-06-01", "end_date": "2020-05-31",
        "coordinator": project.coordinator, "director": "Adrian Bot",
        "director_account": "", "cluster": project.cluster_id, "members_count": "32",
        "region": project.region_id, "domain": project.domain_id, "website": "",
        "objectives": project.objectives,
        "reports-TOTAL_FORMS": "1", "reports-INITIAL_FORMS": "1",
        "reports-MIN_NUM_FORMS": "0", "reports-MAX_NUM_FORMS": "0",
        "reports-0-id": report.pk, "reports-0-project": project.pk,
        "reports-0-state": State.DRAFT,  # a read-only inline: ignored
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.title == "Creșterea capacității inovative (titlu corectat)"
    assert project.director_account is None
    report.refresh_from_db()
    assert report.state == State.ACCEPTED


def test_report_page_loads_in_a_fixed_number_of_queries(admin_client, project, manager,
                                                        officer):
    report = full_report(project, date(2019, 12, 31), submitter=manager, officer=officer)
    url = reverse("admin:projects_statusreport_change", args=[report.pk])
    admin_client.get(url)
    few, _sql = queries(admin_client, url)
    for n in range(3, 12):
        attach(report, name=f"Fișa {n}.pdf", content=PDF + bytes([n, 9]))
        ReviewEntry.objects.create(report=report, action=ReviewEntry.Action.SUBMITTED,
                                   user=manager, comment="Din nou.")
    many, sql = queries(admin_client, url)
    assert many == few, sql
    page = admin_client.get(url).content.decode()
    assert "Fișa 11.pdf" in page
    assert "Mulțumim, raportul e complet." in page
    # Files link to the portal's download view (which checks permissions), not to storage.
    attachment = report.attachments.first()
    download = reverse("projects:attachment_download",
                       args=[project.slug, report.pk, attachment.pk])
    assert download in page
    assert default_storage.url(attachment.file.name) not in page
    assert "Programme officers" in page


def test_a_report_state_cannot_be_changed_in_the_admin(admin_client, project, manager):
    report = services.report_create(project=project, user=manager, as_of=date(2019, 12, 31),
                                    results="- agenda strategică")
    report = services.report_submit(report=report, user=manager)
    url = reverse("admin:projects_statusreport_change", args=[report.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="state"' not in page  # shown, not editable
    assert 'name="results"' not in page
    assert 'name="_save"' not in page
    response = admin_client.post(url, {"state": State.ACCEPTED, "results": "altceva",
                                       "as_of": "2019-12-31", "project": project.pk})
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.state, report.results, report.accepted_at) == (
        State.SUBMITTED, "- agenda strategică", None)
    assert admin_client.get(reverse("admin:projects_statusreport_add")).status_code == 403


def test_accepted_reports_cannot_be_deleted(admin_client, project):
    report = accepted_report(project)
    attachment = attach(report)
    url = reverse("admin:projects_statusreport_delete", args=[report.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    # Nor in bulk, mixed with a draft.
    draft = StatusReport.objects.create(project=project, as_of=date(2020, 3, 31))
    response = admin_client.post(reverse("admin:projects_statusreport_changelist"), {
        "action": "delete_selected", "_selected_action": [report.pk, draft.pk], "post": "yes"})
    assert response.status_code == 403
    assert StatusReport.objects.filter(pk__in=[report.pk, draft.pk]).count() == 2
    # Nor with their project.
    response = admin_client.post(reverse("admin:projects_project_delete", args=[project.pk]),
                                 {"post": "yes"})
    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()
    assert StatusReport.objects.filter(pk=report.pk, state=State.ACCEPTED).exists()
    assert default_storage.exists(attachment.file.name)


def test_a_draft_can_be_deleted_and_its_unused_files_go(admin_client, project,
                                                        django_capture_on_commit_callbacks):
    published = accepted_report(project)
    shared = attach(published, content=PDF)
    draft = StatusReport.objects.create(project=project, as_of=date(2020, 3, 31))
    own = attach(draft, name="Ciornă.pdf", content=PDF + b"ciorna")
    attach(draft, name="Aceeași prezentare.pdf", content=PDF)  # the same file as `shared`
    url = reverse("admin:projects_statusreport_delete", args=[draft.pk])
    assert admin_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not StatusReport.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(own.file.name)
    assert default_storage.exists(shared.file.name)  # still used by the accepted report


def test_a_project_without_accepted_reports_can_be_deleted(admin_client, other_project):
    StatusReport.objects.create(project=other_project, as_of=date(2019, 12, 31))
    response = admin_client.post(
        reverse("admin:projects_project_delete", args=[other_project.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=other_project.pk).exists()


def test_add_pages_render_and_reserved_slugs_are_refused(admin_client, competition, trec,
                                                         nord_vest, energie):
    assert admin_client.get(reverse("admin:projects_competition_add")).status_code == 200
    url = reverse("admin:projects_project_add")
    assert admin_client.get(url).status_code == 200
    data = {"competition": competition.pk, "number": "13 CLS", "acronym": "NOU",
            "slug": "review", "title": "Proiect nou de cercetare", "start_date": "2020-01-01",
            "end_date": "2021-12-31", "coordinator": "Asociația Clusterului",
            "director": "Ana Pop", "cluster": trec.pk, "region": nord_vest.pk,
            "domain": energie.pk, "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "reserved address" in response.content.decode()
    assert not Project.objects.filter(number="13 CLS").exists()
    response = admin_client.post(url, {**data, "slug": "proiect-nou"})
    assert response.status_code == 302
    assert Project.objects.get(number="13 CLS").sequence == 13


def test_project_status_filter(admin_client, project, competition, trec):
    make_project(competition, trec, number="3 CLS", acronym="VIITOR",
                 start_date=date(2099, 1, 1), end_date=date(2100, 1, 1))
    url = reverse("admin:projects_project_changelist")
    page = admin_client.get(url, {"status": "planned"}).content.decode()
    assert "VIITOR" in page
    assert "INOV-TREC" not in page
