"""Comparing two versions: added and removed lines (colour and a text marker), or a clear
message when a version has no text to compare."""

import pytest
from django.urls import reverse

from documents.models import DocumentVersion
from tests.factories import UserFactory
from workinggroups.models import WorkingGroup

from .web_helpers import add_version, client_for, create_document, detail_url, member_of

pytestmark = pytest.mark.django_db

V1 = ("Analiza SWOT a regiunii Nord-Est\nPuncte tari: rețeaua de clustere\n"
      "Puncte slabe: finanțarea\n")
V2 = ("Analiza SWOT a regiunii Nord-Est\nPuncte tari: rețeaua de clustere\n"
      "Oportunități: fondurile pentru inovare\n")


@pytest.fixture
def wg1():
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def ana(wg1):
    return member_of(wg1, full_name="Ana Popescu")


@pytest.fixture
def document(wg1, ana, capture_commits):
    # The text is extracted after the commit (by a Celery task, in-process here).
    with capture_commits():
        document = create_document(wg1, ana, content=V1.encode(), name="swot.txt")
    with capture_commits():
        add_version(document, ana, V2.encode(), name="swot.txt", note="Oportunități")
    return document


def _compare(client, document, a, b):
    return client.get(reverse("documents:compare", args=[document.pk]), {"a": a, "b": b})


def test_the_form_is_on_the_document_page(document, ana):
    body = client_for(ana).get(detail_url(document)).content.decode()
    assert "Compare two versions" in body
    assert f'action="{reverse("documents:compare", args=[document.pk])}"' in body
    assert '<option value="1" selected>' in body
    assert '<option value="2" selected>' in body


def test_added_and_removed_lines(document, ana):
    assert DocumentVersion.objects.get(document=document, number=2).text == V2
    response = _compare(client_for(ana), document, 1, 2)
    assert response.status_code == 200
    body = response.content.decode()
    assert "What changed from version 1 to version 2" in body
    assert "1 line added" in body
    assert "1 line removed" in body
    assert ('<tr class="diff-added"><td class="diff-marker" aria-hidden="true">+</td><td>'
            '<span class="visually-hidden">Added: </span>Oportunități: fondurile pentru '
            'inovare</td></tr>') in body
    assert ('<tr class="diff-removed"><td class="diff-marker" aria-hidden="true">'
            '\N{MINUS SIGN}</td><td>'
            '<span class="visually-hidden">Removed: </span><del>Puncte slabe: finanțarea</del>'
            '</td></tr>') in body
    assert '<tr class="diff-same"><td class="diff-marker"></td><td>Puncte tari: rețeaua de ' \
           'clustere</td></tr>' in body


def test_the_order_of_the_choice_does_not_matter(document, ana):
    body = _compare(client_for(ana), document, 2, 1).content.decode()
    assert "What changed from version 1 to version 2" in body
    assert "Added: </span>Oportunități" in body


def test_html_in_the_text_is_escaped(wg1, ana, capture_commits):
    with capture_commits():
        document = create_document(wg1, ana, content=b"Titlu\n", name="a.md")
    with capture_commits():
        add_version(document, ana, b"Titlu\n<script>alert(1)</script>\n", name="a.md")
    body = _compare(client_for(ana), document, 1, 2).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_version_without_text(wg1, ana, capture_commits):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    with capture_commits():
        document = create_document(wg1, ana, content=V1.encode(), name="swot.txt")
    with capture_commits():
        add_version(document, ana, png, name="schema.png")
    response = _compare(client_for(ana), document, 1, 2)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Version 2 (schema.png) has no text that can be compared." in body
    assert "<table class=\"table table-sm doc-diff\">" not in body


def test_the_same_version_twice(document, ana):
    response = _compare(client_for(ana), document, 2, 2)
    assert response.status_code == 200
    assert "Choose two different versions to compare." in response.content.decode()


def test_bad_or_missing_numbers_are_404(document, ana):
    client = client_for(ana)
    assert _compare(client, document, 1, 9).status_code == 404
    assert _compare(client, document, "x", 2).status_code == 404
    assert client.get(reverse("documents:compare", args=[document.pk])).status_code == 404


def test_outsiders_cannot_compare(document):
    assert _compare(client_for(UserFactory()), document, 1, 2).status_code == 404
    assert _compare(client_for(None), document, 1, 2).status_code == 404
