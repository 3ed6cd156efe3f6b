"""The status-report workflow through its pages: write a draft, edit it, submit it, have it sent
back with a comment, submit it again, have it accepted (public and frozen from then on); the
e-mails at each step; the permission matrix of every workflow URL; CSRF; attachments (names with
diacritics, the size limit while streaming, refused types, nothing left in storage); the service
rules shown on the form's fields; the user menu; fixed query counts of the two lists."""

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import OutboxEmail
from projects import services
from projects.models import ReviewEntry, StatusReport, StatusReportAttachment
from tests.factories import UserFactory

from .conftest import accepted_report, client_for, make_project

pytestmark = pytest.mark.django_db

State = StatusReport.State
LOGIN, DONE = "login", "done"  # a redirect to the login page / the action was carried out

RESULTS = ("În etapa a doua s-au realizat:\n"
           "- agenda strategică de cercetare-dezvoltare și inovare;\n"
           "  - versiunea în limba română;\n"
           "  - versiunea în limba engleză;\n"
           "- 3 ateliere de lucru cu membrii clusterului.")
ACTIVITIES = "- Se realizează platforma online de colaborare a membrilor."
COMMENT = "Precizați numărul de participanți la fiecare atelier de lucru."
PDF = b"%PDF-1.4\n% Raport de activitate\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PDF_NAME = "Raport științific – etapa a II-a, ăîâșț.pdf"


def _form(**overrides) -> dict:
    data = {"as_of": "2019-12-31", "members_count": "34", "results": RESULTS,
            "ongoing_activities": ACTIVITIES, **overrides}
    return {key: value for key, value in data.items() if value is not None}


def _url(name, report, *args) -> str:
    return reverse(f"projects:{name}", args=[report.project.slug, report.pk, *args])


def _text(response) -> str:
    return response.content.decode()


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _outbox(to: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(to=to).order_by("pk"))


def _draft(project, user, **fields) -> StatusReport:
    values = {"as_of": date(2019, 12, 31), "results": RESULTS, "ongoing_activities": ACTIVITIES,
              **fields}
    return services.report_create(project=project, user=user, **values)


def _submitted(project, user, **fields) -> StatusReport:
    return services.report_submit(report=_draft(project, user, **fields), user=user)


def _pdf(name=PDF_NAME, content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def _attach(report, user, name="Prezentare.pdf", content=PDF) -> StatusReportAttachment:
    return services.attachment_add(report=report, user=user, upload=_pdf(name, content))


# --- the whole journey ----------------------------------------------------------------------------

def test_the_full_workflow_through_the_pages(project, manager, director, officer,
                                             capture_commits, mailoutbox):
    writer, reviewer = client_for(manager), client_for(officer)

    # The form.
    response = writer.get(reverse("projects:report_create", args=[project.slug]))
    assert response.status_code == 200
    body = _text(response)
    assert 'type="date"' in body
    assert 'name="as_of"' in body
    assert '<textarea name="results"' in body
    assert '<textarea name="ongoing_activities"' in body
    assert "two spaces" in body
    assert "“- ”" in body
    assert 'value="32"' in body  # the members as the project last reported them
    assert 'name="save"' in body
    assert 'name="submit"' in body

    # 1. A draft.
    response = writer.post(reverse("projects:report_create", args=[project.slug]),
                           _form(results="- primul rezultat"))
    report = StatusReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert (report.state, report.created_by, report.as_of, report.members_count) == (
        State.DRAFT, manager, date(2019, 12, 31), 34)
    assert report.results == "- primul rezultat"
    assert not OutboxEmail.objects.exists()

    # 2. Edited, still a draft.
    response = writer.get(_url("report_edit", report))
    assert response.status_code == 200
    assert "- primul rezultat</textarea>" in _text(response)
    assert writer.post(_url("report_edit", report), _form(save="1")).status_code == 302
    report.refresh_from_db()
    assert (report.state, report.results) == (State.DRAFT, RESULTS)

    # 3. Submitted: the submitter and the officers are told.
    with capture_commits():
        response = writer.post(_url("report_edit", report), _form(submit="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.submitted_by) == (State.SUBMITTED, manager)
    [submitted] = _outbox(manager.email)
    assert submitted.subject.endswith("Status report submitted: 1 CLS/INOV-TREC as of 31.12.2019")
    [to_review] = _outbox(officer.email)
    assert "To review: status report 1 CLS/INOV-TREC as of 31.12.2019" in to_review.subject
    assert {m.to[0] for m in mailoutbox} == {manager.email, officer.email}
    # Submitted: no longer editable by its writer.
    assert writer.get(_url("report_edit", report)).status_code == 403

    # 4. Asking for changes needs a comment; with one, the report goes back.
    page = reviewer.get(report.get_absolute_url())
    assert 'value="accept"' in _text(page)
    assert 'value="request_changes"' in _text(page)
    response = reviewer.post(_url("report_review", report), {"action": "request_changes",
                                                             "comment": "  "})
    assert response.status_code == 400
    assert "Say what should change" in _text(response)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    response = reviewer.post(_url("report_review", report), {"action": "request_changes",
                                                             "comment": COMMENT})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.reviewer) == (State.CHANGES_REQUESTED, officer)
    changes = _outbox(manager.email)[-1]
    assert "Changes requested: status report 1 CLS/INOV-TREC" in changes.subject
    assert COMMENT in changes.body

    # 5. The writer sees the comment while editing, and submits again.
    response = writer.get(_url("report_edit", report))
    assert COMMENT in _text(response)
    assert writer.post(_url("report_edit", report),
                       _form(results=RESULTS + "\n- 45 de participanți la ateliere.",
                             submit="1")).status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert len(_outbox(officer.email)) == 2

    # 6. Accepted: public, e-mailed, frozen.
    response = reviewer.post(_url("report_review", report), {"action": "accept", "comment": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.ACCEPTED
    assert report.accepted_at is not None
    assert "Status report accepted: 1 CLS/INOV-TREC as of 31.12.2019" in (
        _outbox(manager.email)[-1].subject)
    assert [m.subject.split(": ")[0].split("] ")[-1] for m in _outbox(manager.email)] == [
        "Status report submitted", "Changes requested", "Status report submitted",
        "Status report accepted"]
    assert list(report.review_entries.values_list("action", flat=True)) == [
        "submitted", "changes_requested", "submitted", "accepted"]
    project.refresh_from_db()
    assert project.members_count == 34

    anonymous = client_for(None)
    response = anonymous.get(report.get_absolute_url())
    assert response.status_code == 200
    body = _text(response)
    assert "45 de participanți la ateliere." in body
    assert "<li>versiunea în limba română;</li>" in body  # a nested bullet
    assert COMMENT not in body  # the review trail is not public
    assert "Accepted" in body
    project_page = anonymous.get(project.get_absolute_url())
    assert project_page.status_code == 200
    assert "45 de participanți la ateliere." in _text(project_page)

    for who in (manager, director):
        client = client_for(who)
        assert client.get(_url("report_edit", report)).status_code == 403
        assert client.post(_url("report_edit", report), _form(results="x")).status_code == 403
        assert client.post(_url("report_submit", report)).status_code == 403
        assert client.post(_url("attachment_add", report), {"file": _pdf()}).status_code == 403
    report.refresh_from_db()
    assert report.results.endswith("45 de participanți la ateliere.")
    assert not report.attachments.exists()


def test_save_and_submit_at_once(project, director, officer):
    response = client_for(director).post(reverse("projects:report_create", args=[project.slug]),
                                         _form(submit="1"))
    report = StatusReport.objects.get()
    assert response.status_code == 302
    assert (report.state, report.submitted_by, report.created_by) == (
        State.SUBMITTED, director, director)
    assert next(e.subject for e in _outbox(director.email)).endswith(
        "Status report submitted: 1 CLS/INOV-TREC as of 31.12.2019")
    assert len(_outbox(officer.email)) == 1


def test_submitting_from_the_report_page(project, manager):
    report = _draft(project, manager)
    client = client_for(manager)
    page = _text(client.get(report.get_absolute_url()))
    assert _url("report_submit", report) in page
    response = client.post(_url("report_submit", report), follow=True)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert "has been submitted for review" in _text(response)


def test_submitting_without_results_is_refused_with_the_reason(project, manager):
    report = _draft(project, manager, results="")
    client = client_for(manager)
    response = client.post(_url("report_submit", report), follow=True)
    assert "Describe the main results before submitting." in _text(response)
    report.refresh_from_db()
    assert report.state == State.DRAFT
    # From the form: the draft is saved, the reason shows on the field, the text stays.
    response = client.post(_url("report_edit", report),
                           _form(results="", ongoing_activities="- încă ceva", submit="1"))
    assert response.status_code == 400
    body = _text(response)
    assert re.search(r'id="id_results_errors"[^>]*>\s*<div>Describe the main results', body)
    assert "- încă ceva</textarea>" in body
    assert "Your draft has been saved, but it has not been submitted yet" in body
    report.refresh_from_db()
    assert (report.state, report.ongoing_activities) == (State.DRAFT, "- încă ceva")


def test_the_officer_is_told_when_a_report_no_longer_awaits_review(project, manager, officer):
    report = _draft(project, manager)
    response = client_for(officer).post(_url("report_review", report), {"action": "accept"},
                                        follow=True)
    assert "This report is not awaiting review" in _text(response)
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_an_unknown_review_action_is_refused(project, manager, officer):
    report = _submitted(project, manager)
    response = client_for(officer).post(_url("report_review", report), {"action": "delete"})
    assert response.status_code == 400
    assert "Choose whether to accept the report or ask for changes." in _text(response)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


# --- the service's rules on the form's fields -----------------------------------------------------

def _field_errors(body: str, field: str) -> str:
    match = re.search(rf'<div id="id_{field}_errors"[^>]*>(.*?)</div>\s*</div>', body, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def test_an_as_of_date_in_the_future(project, manager):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(manager).post(reverse("projects:report_create", args=[project.slug]),
                                        _form(as_of=tomorrow.isoformat()))
    assert response.status_code == 400
    body = _text(response)
    assert "The as-of date cannot be in the future." in _field_errors(body, "as_of")
    assert 'aria-invalid="true"' in body
    # Nothing typed is lost.
    assert f'value="{tomorrow.isoformat()}"' in body
    assert "  - versiunea în limba română;" in body
    assert not StatusReport.objects.exists()


def test_an_as_of_date_before_the_project_started(project, manager):
    report = _draft(project, manager)
    response = client_for(manager).post(_url("report_edit", report), _form(as_of="2018-05-31"))
    assert response.status_code == 400
    assert ("The as-of date cannot be before the project started (01.06.2018)."
            in _field_errors(_text(response), "as_of"))
    report.refresh_from_db()
    assert report.as_of == date(2019, 12, 31)


def test_form_checks(project, manager):
    response = client_for(manager).post(reverse("projects:report_create", args=[project.slug]),
                                        _form(as_of="31 decembrie", members_count="-3",
                                              results="r" * 50_001))
    assert response.status_code == 400
    body = _text(response)
    assert "Enter a valid date." in _field_errors(body, "as_of")
    assert _field_errors(body, "members_count")
    assert "at most 50000 characters" in _field_errors(body, "results")
    assert not StatusReport.objects.exists()


def test_a_second_accepted_report_on_the_same_date_is_refused(project, manager, officer):
    accepted_report(project, as_of=date(2019, 12, 31))
    response = client_for(manager).post(reverse("projects:report_create", args=[project.slug]),
                                        _form(submit="1"))
    assert response.status_code == 400
    body = _text(response)
    assert ("A report as of 31.12.2019 is already accepted for this project."
            in _field_errors(body, "as_of"))
    # The draft was saved; the form now edits it (a second post does not make a second draft).
    draft = StatusReport.objects.get(state=State.DRAFT)
    assert f'action="{_url("report_edit", draft)}"' in body
    assert client_for(manager).post(_url("report_edit", draft),
                                    _form(as_of="2020-03-31", submit="1")).status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_accepting_a_second_report_on_the_same_date_is_refused(project, manager, officer):
    first, second = _submitted(project, manager), _submitted(project, manager)
    reviewer = client_for(officer)
    assert reviewer.post(_url("report_review", first), {"action": "accept"}).status_code == 302
    response = reviewer.post(_url("report_review", second), {"action": "accept",
                                                             "comment": "Bun."})
    assert response.status_code == 400
    assert "A report as of 31.12.2019 is already accepted for this project." in _text(response)
    assert 'name="comment"' in _text(response)
    assert "Bun.</textarea>" in _text(response)
    second.refresh_from_db()
    assert second.state == State.SUBMITTED


# --- the permission matrix ------------------------------------------------------------------------

ROLES = ["anonymous", "pending", "outsider", "other_manager", "manager", "director", "officer",
         "staff"]

#                         anonymous pending outsider other_m manager director officer staff
MATRIX = {
    ("create", "get"):        [LOGIN, LOGIN, 403, 403, 200, 200, 403, 403],
    ("create", "post"):       [LOGIN, LOGIN, 403, 403, DONE, DONE, 403, 403],
    ("detail", "draft"):      [404, LOGIN, 404, 404, 200, 200, 200, 404],
    ("detail", "submitted"):  [404, LOGIN, 404, 404, 200, 200, 200, 404],
    ("detail", "accepted"):   [200, LOGIN, 200, 200, 200, 200, 200, 200],
    ("edit", "draft"):        [LOGIN, LOGIN, 404, 404, 200, 200, 403, 404],
    ("edit_post", "draft"):   [LOGIN, LOGIN, 404, 404, DONE, DONE, 403, 404],
    ("edit", "submitted"):    [LOGIN, LOGIN, 404, 404, 403, 403, 403, 404],
    ("edit", "accepted"):     [LOGIN, LOGIN, 403, 403, 403, 403, 403, 403],
    ("submit", "draft"):      [LOGIN, LOGIN, 404, 404, DONE, DONE, 403, 404],
    ("submit", "accepted"):   [LOGIN, LOGIN, 403, 403, 403, 403, 403, 403],
    ("review", "submitted"):  [LOGIN, LOGIN, 404, 404, 403, 403, DONE, 404],
    ("review", "accepted"):   [LOGIN, LOGIN, 403, 403, 403, 403, DONE, 403],
    ("attach", "draft"):      [LOGIN, LOGIN, 404, 404, DONE, DONE, 403, 404],
    ("attach", "accepted"):   [LOGIN, LOGIN, 403, 403, 403, 403, 403, 403],
    ("download", "draft"):    [404, LOGIN, 404, 404, 200, 200, 200, 404],
    ("download", "accepted"): [200, LOGIN, 200, 200, 200, 200, 200, 200],
    ("remove", "draft"):      [LOGIN, LOGIN, 404, 404, DONE, DONE, 403, 404],
    ("remove", "accepted"):   [LOGIN, LOGIN, 403, 403, 403, 403, 403, 403],
    ("queue", "-"):           [LOGIN, LOGIN, 403, 403, 403, 403, 200, 403],
    ("mine", "-"):            [LOGIN, LOGIN, 200, 200, 200, 200, 200, 200],
}
CASES = [(view, state, role, outcome) for (view, state), outcomes in MATRIX.items()
         for role, outcome in zip(ROLES, outcomes, strict=True)]


@pytest.fixture
def people(project, manager, director, other_manager, officer):
    return {
        "anonymous": None,
        "pending": UserFactory(pending=True),
        "outsider": UserFactory(),
        "other_manager": other_manager,
        "manager": manager,
        "director": director,
        "officer": officer,
        "staff": UserFactory(staff=True),
    }


def _report_in(state, project, writer, officer) -> StatusReport:
    report = _draft(project, writer, as_of=date(2019, 6, 30))
    _attach(report, writer)
    if state in ("submitted", "accepted"):
        services.report_submit(report=report, user=writer)
    if state == "accepted":
        services.report_accept(report=report, user=officer)
    return StatusReport.objects.get(pk=report.pk)


def _request(view, report, client, project):
    attachment = report.attachments.first() if report else None
    if view == "create":
        return client.get(reverse("projects:report_create", args=[project.slug]))
    if view == "detail":
        return client.get(report.get_absolute_url())
    if view == "edit":
        return client.get(_url("report_edit", report))
    if view == "edit_post":
        return client.post(_url("report_edit", report), _form(as_of="2019-06-30"))
    if view == "submit":
        return client.post(_url("report_submit", report))
    if view == "review":
        return client.post(_url("report_review", report), {"action": "request_changes",
                                                           "comment": COMMENT})
    if view == "attach":
        return client.post(_url("attachment_add", report), {"file": _pdf("Anexa 2.pdf")})
    if view == "download":
        return client.get(_url("attachment_download", report, attachment.pk))
    if view == "remove":
        return client.post(_url("attachment_remove", report, attachment.pk))
    return client.get(reverse({"queue": "projects:review_queue", "mine": "projects:mine"}[view]))


def _outcome(response):
    if response.status_code == 302:
        return LOGIN if response["Location"].startswith("/accounts/login/") else DONE
    return response.status_code


@pytest.mark.parametrize(("view", "state", "role", "expected"), CASES,
                         ids=[f"{v}-{s}-{r}" for v, s, r, _e in CASES])
def test_permission_matrix(view, state, role, expected, people, project, manager, officer):
    report = None if state == "-" else _report_in(state, project, manager, officer)
    before = None if report is None else (report.state, report.updated_at,
                                          report.attachments.count())
    client = client_for(people[role])
    if (view, state) == ("create", "post"):
        response = client.post(reverse("projects:report_create", args=[project.slug]), _form())
    else:
        response = _request(view, report, client, project)
    assert _outcome(response) == expected
    if (isinstance(expected, int) and expected >= 400) or expected == LOGIN:
        # Refused: nothing changed, nothing created.
        if report is not None:
            report.refresh_from_db()
            assert (report.state, report.updated_at, report.attachments.count()) == before
        else:
            assert not StatusReport.objects.exists()
    if expected == 404 and report is not None:
        assert "INOV-TREC" not in _text(response).split("<main", 1)[-1]


def test_a_report_of_another_project_under_this_slug_is_404(project, other_project, manager,
                                                            officer):
    report = _report_in("accepted", project, manager, officer)
    wrong = reverse("projects:report_detail", args=[other_project.slug, report.pk])
    assert client_for(officer).get(wrong).status_code == 404
    attachment = report.attachments.get()
    wrong = reverse("projects:attachment_download",
                    args=[project.slug, report.pk, attachment.pk + 1000])
    assert client_for(officer).get(wrong).status_code == 404


def test_an_attachment_of_another_report_is_404(project, manager, officer):
    public = _report_in("accepted", project, manager, officer)
    draft = _draft(project, manager, as_of=date(2019, 3, 31))
    secret = _attach(draft, manager, name="Confidențial.pdf")
    # The draft's attachment through the public report's address.
    url = reverse("projects:attachment_download", args=[project.slug, public.pk, secret.pk])
    assert client_for(None).get(url).status_code == 404
    url = reverse("projects:attachment_remove", args=[project.slug, draft.pk,
                                                      public.attachments.get().pk])
    assert client_for(manager).post(url).status_code == 404
    assert public.attachments.count() == 1


def test_csrf_is_enforced_on_every_post(project, manager, officer):
    draft = _draft(project, manager)
    attachment = _attach(draft, manager)
    submitted = _submitted(project, manager, as_of=date(2019, 6, 30))
    client = client_for(manager, enforce_csrf_checks=True)
    reviewer = client_for(officer, enforce_csrf_checks=True)
    posts = [
        (client, reverse("projects:report_create", args=[project.slug]), _form()),
        (client, _url("report_edit", draft), _form(results="schimbat")),
        (client, _url("report_submit", draft), {}),
        (client, _url("attachment_add", draft), {"file": _pdf("Alt fișier.pdf")}),
        (client, _url("attachment_remove", draft, attachment.pk), {}),
        (reviewer, _url("report_review", submitted), {"action": "accept"}),
    ]
    for who, url, data in posts:
        assert who.post(url, data).status_code == 403, url
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.state, draft.results, draft.attachments.count()) == (State.DRAFT, RESULTS, 1)
    assert submitted.state == State.SUBMITTED
    assert StatusReport.objects.count() == 2
    # With the token of the page, the upload (which checks CSRF itself) goes through.
    page = _text(client.get(draft.get_absolute_url()))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(_url("attachment_add", draft),
                           {"file": _pdf("Alt fișier.pdf"), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert draft.attachments.count() == 2


# --- attachments ----------------------------------------------------------------------------------

def test_the_upload_form_on_the_report_page(project, manager, officer):
    report = _draft(project, manager)
    body = _text(client_for(manager).get(report.get_absolute_url()))
    assert 'class="js-upload' in body
    assert 'enctype="multipart/form-data"' in body
    assert "<progress" in body
    assert 'aria-live="polite"' in body
    assert 'src="/static/js/upload.js"' in body
    assert f'data-max-bytes="{settings.DOCUMENT_MAX_UPLOAD_BYTES}"' in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # the CSP forbids inline code
    # Not for the officer, who may see the report but not change it.
    body = _text(client_for(officer).get(report.get_absolute_url()))
    assert "js-upload" not in body
    assert "upload.js" not in body


def test_an_upload_keeps_its_name_and_bytes(project, manager):
    report = _draft(project, manager)
    client = client_for(manager)
    response = client.post(_url("attachment_add", report), {"file": _pdf()})
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url() + "#attachments"
    attachment = report.attachments.get()
    assert (attachment.original_filename, attachment.size, attachment.content_type,
            attachment.uploaded_by) == (PDF_NAME, len(PDF), "application/pdf", manager)
    assert len(_stored_files()) == 1
    page = _text(client.get(report.get_absolute_url()))
    assert "has been attached to the report." in page
    assert "Raport științific – etapa a II-a, ăîâșț.pdf" in page

    download = client.get(_url("attachment_download", report, attachment.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=utf-8''(.+)$", disposition).group(1)
    assert unquote(encoded) == PDF_NAME
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_script_is_told_where_to_go(project, manager):
    report = _draft(project, manager)
    response = client_for(manager).post(_url("attachment_add", report), {"file": _pdf()},
                                        HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200
    # Not "…#attachments": from the report's own page the script would then only scroll.
    assert response.json() == {"location": report.get_absolute_url()}
    assert report.attachments.count() == 1


def test_one_byte_over_the_limit_is_refused_and_nothing_is_stored(project, manager, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    report = _draft(project, manager)
    client = client_for(manager)
    over = PDF + b"0" * (1025 - len(PDF))
    response = client.post(_url("attachment_add", report), {"file": _pdf("Mare.pdf", over)},
                           HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 413
    body = _text(response)
    assert "The file is larger than the limit" in body
    assert "<main" in body
    assert 'id="upload-error"' in body
    assert _stored_files() == []
    assert not StatusReportAttachment.objects.exists()
    # A plain form post is sent back to the report with the reason.
    response = client.post(_url("attachment_add", report), {"file": _pdf("Mare.pdf", over)},
                           follow=True)
    assert "The file is larger than the limit" in _text(response)
    assert _stored_files() == []
    # Exactly at the limit is accepted.
    response = client.post(_url("attachment_add", report),
                           {"file": _pdf("Fix.pdf", over[:1024])})
    assert response.status_code == 302
    assert len(_stored_files()) == 1


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("instalare.exe", b"MZ\x90\x00\x03" + b"\0" * 60, "This type of file is not accepted."),
    ("Raport final.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "does not match its .pdf name"),
    ("gol.pdf", b"", "The file is empty."),
])
def test_refused_files_leave_nothing(project, manager, name, content, reason):
    report = _draft(project, manager)
    client = client_for(manager)
    upload = SimpleUploadedFile(name, content, "application/pdf")
    response = client.post(_url("attachment_add", report), {"file": upload},
                           HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code in (400, 415)
    assert reason in _text(response)
    assert _stored_files() == []
    assert not StatusReportAttachment.objects.exists()


def test_no_file_chosen(project, manager):
    report = _draft(project, manager)
    response = client_for(manager).post(_url("attachment_add", report), {}, follow=True)
    assert "This field is required." in _text(response)


def test_removing_an_attachment(project, manager, director, capture_commits):
    report = _draft(project, manager)
    attachment = _attach(report, manager, name="De șters.pdf")
    assert len(_stored_files()) == 1
    page = _text(client_for(director).get(report.get_absolute_url()))
    assert _url("attachment_remove", report, attachment.pk) in page
    with capture_commits():
        response = client_for(director).post(_url("attachment_remove", report, attachment.pk),
                                             follow=True)
    assert "“De șters.pdf” has been removed from the report." in _text(response)
    assert not report.attachments.exists()
    assert _stored_files() == []


def test_attachments_of_an_accepted_report_are_public_but_frozen(project, manager, officer):
    report = _report_in("accepted", project, manager, officer)
    attachment = report.attachments.get()
    anonymous = client_for(None)
    page = _text(anonymous.get(report.get_absolute_url()))
    assert _url("attachment_download", report, attachment.pk) in page
    assert _url("attachment_remove", report, attachment.pk) not in page
    assert "js-upload" not in page
    assert b"".join(anonymous.get(_url("attachment_download", report, attachment.pk))
                    .streaming_content) == PDF


# --- lists ----------------------------------------------------------------------------------------

def test_the_review_queue(project, other_project, manager, other_manager, officer):
    empty = client_for(officer).get(reverse("projects:review_queue"))
    assert "No status report is waiting for review." in _text(empty)
    older = _submitted(project, manager, as_of=date(2019, 6, 30))
    StatusReport.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - timedelta(days=3))
    newer = _submitted(other_project, other_manager)
    _draft(project, manager, as_of=date(2019, 9, 30))  # not submitted: not in the queue
    accepted_report(project, as_of=date(2019, 3, 31))
    response = client_for(officer).get(reverse("projects:review_queue"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["page_obj"]] == [older.pk, newer.pk]
    body = _text(response)
    assert "1 CLS/INOV-TREC" in body
    assert "2 CLS/INDAGRO" in body
    assert "30.06.2019" in body
    assert manager.full_name in body
    assert other_manager.full_name in body
    assert body.index("1 CLS/INOV-TREC") < body.index("2 CLS/INDAGRO")


def test_the_review_queue_is_paginated(project, manager, officer):
    for day in range(27):
        _submitted(project, manager, as_of=date(2019, 1, 1) + timedelta(days=day))
    client = client_for(officer)
    first = client.get(reverse("projects:review_queue"))
    assert len(first.context["page_obj"]) == 25
    assert "Page 1 of 2" in _text(first)
    assert len(client.get(reverse("projects:review_queue") + "?page=2").context["page_obj"]) == 2


def test_my_reports(project, other_project, manager, officer):
    draft = _draft(project, manager, as_of=date(2019, 9, 30))
    sent_back = _submitted(project, manager, as_of=date(2019, 6, 30))
    services.report_request_changes(report=sent_back, user=officer, comment=COMMENT)
    public = accepted_report(project, as_of=date(2019, 3, 31))
    response = client_for(manager).get(reverse("projects:mine"))
    assert response.status_code == 200
    assert response.context["projects"] == [project]
    # What waits for the writer comes first.
    assert [r.pk for r in response.context["page_obj"]] == [sent_back.pk, draft.pk, public.pk]
    body = _text(response)
    assert reverse("projects:report_create", args=[project.slug]) in body
    assert reverse("projects:report_create", args=[other_project.slug]) not in body
    assert "Changes requested" in body
    assert "Draft" in body
    assert "Accepted" in body
    assert _url("report_edit", draft) in body
    assert _url("report_edit", public) not in body


def test_my_reports_explains_who_can_submit(project):
    body = _text(client_for(UserFactory()).get(reverse("projects:mine")))
    assert "You cannot submit status reports for any project." in body
    assert "written by its project director and by the managers of the project's cluster" in body


def test_the_director_sees_their_project(project, director, other_project):
    response = client_for(director).get(reverse("projects:mine"))
    assert response.context["projects"] == [project]
    assert "No status report has been written for your projects yet." in _text(response)


def _many_submitted(count, competition, manager_of, start=0):
    """`count` submitted reports of as many projects in the managed cluster."""
    for index in range(start, start + count):
        project = make_project(competition, manager_of["cluster"], number=f"{index + 10} CLS",
                               acronym=f"PRJ{index}")
        _submitted(project, manager_of["user"])


def test_query_counts_do_not_grow(competition, trec, manager, officer, director):
    world = {"cluster": trec, "user": manager}
    queue, mine = reverse("projects:review_queue"), reverse("projects:mine")
    _many_submitted(2, competition, world)
    counts = {}
    for url, user in ((queue, officer), (mine, manager)):
        client = client_for(user)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    _many_submitted(12, competition, world, start=2)
    for url, user in ((queue, officer), (mine, manager)):
        client = client_for(user)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
        assert response.status_code == 200
        assert len(many.captured_queries) == counts[url], "\n".join(
            q["sql"] for q in many.captured_queries)
    assert response.context["page_obj"].paginator.count == 14
    assert counts[queue] <= 8, counts
    assert counts[mine] <= 10, counts


# --- the user menu --------------------------------------------------------------------------------

def _navbar(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("core/partials/_navbar.html", {"user": user}, request=request)


def test_the_menu_costs_no_query_for_visitors(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = _navbar(AnonymousUser())
    assert "My status reports" not in html


def test_the_menu_entries(officer, manager, staff_user, django_assert_num_queries):
    translation.activate("en")  # the conftest resets the language after the test
    with django_assert_num_queries(0):
        html = _navbar(manager)
    assert reverse("projects:mine") in html
    assert "Status reports to review" not in html
    with django_assert_num_queries(1):  # is the staff user an officer?
        html = _navbar(staff_user)
    assert "Status reports to review" not in html
    with django_assert_num_queries(1):
        html = _navbar(officer)
        _navbar(officer)  # cached on the user
    assert reverse("projects:review_queue") in html
    assert "Status reports to review" in html


def test_errors_speak_the_users_language(project, manager):
    """The form answers in the visitor's language (Django's own messages are translated
    already; ours will be when the catalogue is)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="ro")
    client.force_login(manager)
    response = client.post(reverse("projects:report_create", args=[project.slug]),
                           _form(members_count="-3"))
    assert response.status_code == 400
    body = _text(response)
    assert '<html lang="ro">' in body
    assert "mai mare sau egal" in _field_errors(body, "members_count")
    assert "  - versiunea în limba română;" in body
    assert not StatusReport.objects.exists()


def test_review_entries_are_listed_for_submitters_and_officers(project, manager, officer,
                                                               director):
    report = _submitted(project, manager)
    services.report_request_changes(report=report, user=officer, comment=COMMENT)
    for who in (manager, director, officer):
        body = _text(client_for(who).get(report.get_absolute_url()))
        assert COMMENT in body
        assert "asked for changes" in body
        assert "Review history" in body
    assert ReviewEntry.objects.filter(report=report).count() == 2
