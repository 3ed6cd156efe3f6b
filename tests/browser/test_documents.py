"""A member uploads a document and a second version, sees the history and downloads v1, in
Chromium: the uploads go through static/js/upload.js (XMLHttpRequest with a progress bar)."""

import hashlib
import importlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps

from documents.models import Document
from tests.factories import PASSWORD, UserFactory
from workinggroups.models import WorkingGroup
from workinggroups.services import membership_add

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_LABEL = re.compile(r"^E-?mail", re.IGNORECASE)
DOCUMENT_PAGE = re.compile(r"/documents/\d+/$")

FULL_NAME = "Ana-Maria Bălășoiu Țîrcă"
TITLE = "Analiza SWOT Nord-Est — ședința 2"
FILENAME = "Analiză SWOT ș ț.txt"
V1 = "Analiza SWOT Nord-Est, versiunea 1\nPuncte tari: rețea de clustere în Iași și Suceava.\n"
V2 = ("Analiza SWOT Nord-Est, versiunea 2\nPuncte tari: rețea de clustere în Iași și Suceava.\n"
      "Oportunități: fonduri pentru specializare inteligentă (S3).\n")
V1_BYTES, V2_BYTES = V1.encode(), V2.encode()
NOTE_V2 = "Am adăugat observațiile din ședința de la Iași"

# Records, across the navigation that follows a successful upload, what the form showed while
# it was being sent: the progress box unhidden, the form busy, the highest progress value.
WATCH_UPLOAD = """() => {
  const form = document.querySelector("form.js-upload");
  const box = form.querySelector(".upload-status");
  const progress = form.querySelector("progress");
  const seen = {shown: false, busy: false, max: 0};
  sessionStorage.removeItem("upload-seen");
  new MutationObserver(() => {
    seen.shown = seen.shown || !box.hidden;
    seen.busy = seen.busy || form.getAttribute("aria-busy") === "true";
    seen.max = Math.max(seen.max, progress.value);
    sessionStorage.setItem("upload-seen", JSON.stringify(seen));
  }).observe(form, {attributes: true, subtree: true, childList: true, characterData: true});
}"""


def _six_groups() -> None:
    """The groups come from a data migration, and an earlier browser test's flush removes
    them: put them back the way the migration does. (Not serialized_rollback: after a plain
    transactional test's flush it collides with the content types post_migrate recreated.)"""
    migration = importlib.import_module("workinggroups.migrations.0002_the_six_groups")
    migration.create_groups(apps, None)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _submit_upload(page, button: str, path: str) -> None:
    """Submit the upload form and check it went by XMLHttpRequest, with the progress bar,
    and that the browser was sent on to the document's page."""
    page.evaluate(WATCH_UPLOAD)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(path)
    ) as answer:
        page.get_by_role("button", name=button).click()
    response = answer.value
    # The script was answered {"location": …} (not a redirect) and sent the browser there.
    assert response.request.header_value("x-requested-with") == "XMLHttpRequest"
    assert response.status == 200
    assert response.header_value("content-type") == "application/json"
    page.wait_for_url(DOCUMENT_PAGE)
    seen = json.loads(page.evaluate("() => sessionStorage.getItem('upload-seen')") or "{}")
    assert seen.get("shown"), seen
    assert seen.get("busy"), seen
    assert seen.get("max") == 100, seen


def test_member_uploads_two_versions_and_downloads_the_first(live_server, page):
    _six_groups()
    member = UserFactory(email="ana.maria@example.ro", full_name=FULL_NAME)
    group = WorkingGroup.objects.get(code="WG1")
    membership_add(group=group, user=member, by=None)

    page.goto(f"{live_server.url}/accounts/login/?next=/groups/WG1/")
    page.get_by_label(EMAIL_LABEL).fill("ana.maria@example.ro")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/groups/WG1/")

    # Version 1: a new document in the group's space.
    page.get_by_role("link", name="Upload a document").first.click()
    page.wait_for_url("**/documents/new/WG1/")
    form = page.locator("form.js-upload")  # the header has a "Language" switch of its own
    form.get_by_label("Title", exact=True).fill(TITLE)
    form.get_by_label("Description", exact=True).fill(
        "Puncte tari, puncte slabe, oportunități și amenințări pentru clusterele din Nord-Est.")
    form.get_by_label("Category", exact=True).select_option(label="SWOT analysis")
    form.get_by_label("Language", exact=True).select_option(label="Romanian")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": FILENAME, "mimeType": "text/plain", "buffer": V1_BYTES})
    _submit_upload(page, "Upload the document", "/documents/new/WG1/")

    document = Document.objects.get()
    assert page.url == f"{live_server.url}/documents/{document.pk}/"
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert f"“{TITLE}” has been uploaded as version 1." in page.content()
    assert (document.group, document.category, document.language) == (group, "swot", "ro")

    # Version 2, with a note of what changed.
    page.get_by_role("link", name="Upload a new version").click()
    page.wait_for_url(f"**/documents/{document.pk}/versions/new/")
    form = page.locator("form.js-upload")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": FILENAME, "mimeType": "text/plain", "buffer": V2_BYTES})
    form.get_by_label("What changed").fill(NOTE_V2)
    _submit_upload(page, "Upload the version", f"/documents/{document.pk}/versions/new/")
    assert "Version 2 has been uploaded." in page.content()

    # The history: both versions, newest first, each with its uploader, note and SHA-256.
    rows = page.locator("table.doc-versions tbody tr")
    assert rows.count() == 2
    assert [rows.nth(i).get_attribute("id") for i in range(2)] == ["v2", "v1"]
    v2, v1 = page.locator("#v2"), page.locator("#v1")
    assert v2.get_by_role("rowheader").inner_text().strip() == "v2"
    assert v1.get_by_role("rowheader").inner_text().strip() == "v1"
    for row, content in ((v1, V1_BYTES), (v2, V2_BYTES)):
        assert FULL_NAME in row.inner_text()
        assert FILENAME in row.locator(".doc-note").inner_text()
        assert row.locator("code.doc-sha").inner_text() == _sha(content)
    assert NOTE_V2 in v2.locator(".doc-note").inner_text()
    assert NOTE_V2 not in v1.locator(".doc-note").inner_text()
    assert _sha(V1_BYTES) != _sha(V2_BYTES)

    # Downloading version 1 gives back exactly what was sent, under its original name.
    with page.expect_download() as info:
        v1.get_by_role("link", name="Download version 1").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == FILENAME
    assert Path(download.path()).read_bytes() == V1_BYTES

    versions = {v.number: v for v in document.versions.select_related("uploaded_by")}
    assert sorted(versions) == [1, 2]
    assert versions[2].note == NOTE_V2
    assert all(v.uploaded_by == member and v.original_filename == FILENAME
               for v in versions.values())
    page.screenshot(path="test-artifacts/browser-document-versions.png", full_page=True)
