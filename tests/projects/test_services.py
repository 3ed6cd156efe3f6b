"""The status-report workflow as the services enforce it, whoever calls them (views, API,
shell): who may do each step, from which state, and what is recorded and e-mailed."""

import os
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from documents.uploads import UploadRefused
from notifications.models import OutboxEmail
from projects import permissions, services
from projects.models import ReviewEntry, StatusReport, StatusReportAttachment
from tests.factories import UserFactory

from .conftest import accepted_report

pytestmark = pytest.mark.django_db

State = StatusReport.State
AS_OF = date(2019, 12, 31)


def draft(project, user, **fields):
    values = {"as_of": AS_OF, "results": "- agenda strategică;\n  - planul de implementare",
              "ongoing_activities": "- platforma online", **fields}
    return services.report_create(project=project, user=user, **values)


def submitted(project, user, **fields):
    return services.report_submit(report=draft(project, user, **fields), user=user)


def emails_to(user):
    return list(OutboxEmail.objects.filter(to=user.email).order_by("pk"))


def test_full_workflow_records_and_emails_every_step(project, manager, officer):
    report = draft(project, manager)
    assert report.state == State.DRAFT
    assert emails_to(manager) == []

    report = services.report_submit(report=report, user=manager)
    assert report.state == State.SUBMITTED
    assert report.submitted_by == manager
    [to_officer] = emails_to(officer)
    assert "To review" in to_officer.subject
    assert "1 CLS/INOV-TREC" in to_officer.subject

    report = services.report_request_changes(report=report, user=officer,
                                             comment="Adăugați rezultatele etapei a doua.")
    assert report.state == State.CHANGES_REQUESTED
    assert report.reviewer == officer

    report = services.report_update(report=report, user=manager,
                                    results="- agenda strategică;\n- etapa a doua")
    report = services.report_submit(report=report, user=manager)
    report = services.report_accept(report=report, user=officer, comment="Mulțumim.")
    assert report.state == State.ACCEPTED
    assert report.accepted_at is not None

    actions = list(report.review_entries.values_list("action", flat=True))
    assert actions == ["submitted", "changes_requested", "submitted", "accepted"]
    subjects = [m.subject for m in emails_to(manager)]
    assert len(subjects) == 4
    assert "submitted" in subjects[0].lower()
    assert "Changes requested" in subjects[1]
    assert "accepted" in subjects[3].lower()
    changes = emails_to(manager)[1]
    assert "Adăugați rezultatele etapei a doua." in changes.body


def test_only_submitters_write_reports(project, director, manager, other_manager, officer,
                                       staff_user, pending_user, user):
    assert draft(project, director).created_by == director
    assert draft(project, manager, as_of=AS_OF - timedelta(days=1)).created_by == manager
    for outsider in (other_manager, officer, staff_user, pending_user, user):
        with pytest.raises(PermissionDenied):
            draft(project, outsider)


def test_only_programme_officers_review(project, manager, director, staff_user, officer):
    report = submitted(project, manager)
    for not_officer in (manager, director, staff_user):
        with pytest.raises(PermissionDenied):
            services.report_accept(report=report, user=not_officer)
        with pytest.raises(PermissionDenied):
            services.report_request_changes(report=report, user=not_officer, comment="x")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_a_superuser_is_a_programme_officer(project, manager):
    admin = UserFactory(staff=True, is_superuser=True)
    report = submitted(project, manager)
    assert services.report_accept(report=report, user=admin).state == State.ACCEPTED


def test_steps_only_from_their_states(project, manager, officer):
    report = draft(project, manager)
    with pytest.raises(PermissionDenied):  # a draft is not reviewed
        services.report_accept(report=report, user=officer)
    report = services.report_submit(report=report, user=manager)
    with pytest.raises(PermissionDenied):  # submitted: no edits until sent back
        services.report_update(report=report, user=manager, results="- alt text")
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, user=manager)
    report = services.report_accept(report=report, user=officer)
    for step in (
        lambda: services.report_update(report=report, user=manager, results="- schimbat"),
        lambda: services.report_submit(report=report, user=manager),
        lambda: services.report_accept(report=report, user=officer),
        lambda: services.report_request_changes(report=report, user=officer, comment="x"),
    ):
        with pytest.raises(PermissionDenied):
            step()
    report.refresh_from_db()
    assert report.results == "- agenda strategică;\n  - planul de implementare"


def test_asking_for_changes_needs_a_comment(project, manager, officer):
    report = submitted(project, manager)
    with pytest.raises(ValidationError) as error:
        services.report_request_changes(report=report, user=officer, comment="   ")
    assert "comment" in error.value.message_dict


def test_submitting_needs_results(project, manager):
    report = draft(project, manager, results="")
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, user=manager)
    assert "results" in error.value.message_dict


@pytest.mark.parametrize("as_of", [date(2018, 5, 31), None])
def test_as_of_between_project_start_and_today(project, manager, as_of):
    as_of = as_of or timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        draft(project, manager, as_of=as_of)
    assert "as_of" in error.value.message_dict
    assert not StatusReport.objects.exists()


def test_one_accepted_report_per_date(project, manager, officer):
    accepted_report(project, as_of=AS_OF)
    report = draft(project, manager)  # a draft may share the date …
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.report_submit(report=report, user=manager)  # … but cannot be submitted
    assert "already accepted" in error.value.message_dict["as_of"][0]
    with pytest.raises(ValidationError) as error, translation.override("ro"):
        services.report_submit(report=report, user=manager)
    assert "31.12.2019" in error.value.message_dict["as_of"][0]
    assert "already" not in error.value.message_dict["as_of"][0]


def test_accepting_updates_the_projects_member_count(project, manager, officer):
    assert project.members_count == 32
    report = submitted(project, manager, members_count=35)
    services.report_accept(report=report, user=officer)
    project.refresh_from_db()
    assert project.members_count == 35
    # An older report accepted later does not overwrite the newer count.
    older = submitted(project, manager, as_of=date(2019, 6, 30), members_count=30)
    services.report_accept(report=older, user=officer)
    project.refresh_from_db()
    assert project.members_count == 35


def test_structured_text_is_normalised(project, manager):
    report = draft(project, manager, results="•\tprimul;\r\n\r\n\r\n*  al doilea; ştiinţă")
    assert report.results == "- primul;\n\n- al doilea; știință"


def test_visibility_of_reports(project, other_project, director, manager, other_manager,
                               officer, staff_user, pending_user):
    public = accepted_report(project, as_of=date(2019, 6, 30))
    mine = draft(project, manager)
    theirs = draft(other_project, other_manager)
    assert set(permissions.reports_visible_to(None)) == {public}
    assert set(permissions.reports_visible_to(pending_user)) == {public}
    assert set(permissions.reports_visible_to(staff_user)) == {public}
    assert set(permissions.reports_visible_to(director)) == {public, mine}
    assert set(permissions.reports_visible_to(manager)) == {public, mine}
    assert set(permissions.reports_visible_to(other_manager)) == {public, theirs}
    assert set(permissions.reports_visible_to(officer)) == {public, mine, theirs}
    assert set(permissions.reports_visible_to(officer, project)) == {public, mine}


def test_model_wide_permissions_grant_nothing(project, user):
    """Holding clusters.manage_cluster on the model (not the object) does not make a submitter."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="manage_cluster"))
    assert not permissions.can_submit(user, project)


def test_attachment_stored_and_removed(project, manager, django_capture_on_commit_callbacks):
    report = draft(project, manager)
    upload = SimpleUploadedFile("Prezentare stadiu proiect ș ț.pdf", b"%PDF-1.4\n% raport\n")
    attachment = services.attachment_add(report=report, user=manager, upload=upload)
    assert attachment.original_filename == "Prezentare stadiu proiect ș ț.pdf"
    path = attachment.file.path
    with open(path, "rb") as stored:
        assert stored.read() == b"%PDF-1.4\n% raport\n"
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=attachment, user=manager)
    assert not StatusReportAttachment.objects.exists()
    assert not os.path.exists(path)


def test_refused_attachment_leaves_nothing(project, manager, settings):
    report = draft(project, manager)
    fake = SimpleUploadedFile("raport.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(UploadRefused):
        services.attachment_add(report=report, user=manager, upload=fake)
    media = settings.MEDIA_ROOT
    stored = [f for _root, _dirs, files in os.walk(media) for f in files]
    assert stored == []


def test_attachments_frozen_once_submitted(project, manager, officer):
    report = submitted(project, manager)
    with pytest.raises(PermissionDenied):
        services.attachment_add(report=report, user=manager,
                                upload=SimpleUploadedFile("a.txt", b"text"))


def test_review_entries_keep_the_comment(project, manager, officer):
    report = submitted(project, manager)
    services.report_request_changes(report=report, user=officer, comment="  Detaliați.  ")
    entry = ReviewEntry.objects.get(action=ReviewEntry.Action.CHANGES_REQUESTED)
    assert entry.comment == "Detaliați."
    assert entry.user == officer
