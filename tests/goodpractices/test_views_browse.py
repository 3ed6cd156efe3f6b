"""Browsing the archive (filters, pagination, empty states, fixed query counts), a practice's
page (sections, the linked documents the viewer may see), the form (documents of another group
are a form error) and the panel on a working group's space."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goodpractices.models import GoodPractice
from goodpractices.views import PAGE_SIZE
from tests.factories import UserFactory
from workinggroups.models import Membership

from .conftest import SECTIONS, add_member, client_for, make_document, make_practice

pytestmark = pytest.mark.django_db
INDEX = "/good-practices/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def catalogue(wg1, wg2, coordinator, member, other_member, romania, italy, nord_est):
    coordinator2 = add_member(wg2, UserFactory(), Membership.Role.COORDINATOR)
    return {
        "ne": make_practice(wg1, member, title="Evenimente cluster-to-cluster în Nord-Est",
                            region=nord_est, theme="specialisation", publish_by=coordinator),
        "esca": make_practice(wg1, member, title="Auditul ESCA", theme="management",
                              publish_by=coordinator),
        "marche": make_practice(wg2, other_member, title="Politica de cluster a Regiunii Marche",
                                country=italy, theme="sustainability",
                                practice="Ședințe de lucru cu clusterele.",
                                publish_by=coordinator2),
        "draft": make_practice(wg1, member, title="Ciornă WG1", theme="skills"),
    }


def titles(response) -> set[str]:
    body = text(response)
    return {title for title in ("Evenimente cluster-to-cluster în Nord-Est", "Auditul ESCA",
                                "Politica de cluster a Regiunii Marche", "Ciornă WG1")
            if title in body}


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"Evenimente cluster-to-cluster în Nord-Est", "Auditul ESCA",
          "Politica de cluster a Regiunii Marche"}),
    ("?working_group=WG1", {"Evenimente cluster-to-cluster în Nord-Est", "Auditul ESCA"}),
    ("?working_group=WG2", {"Politica de cluster a Regiunii Marche"}),
    ("?country=IT", {"Politica de cluster a Regiunii Marche"}),
    ("?country=RO&theme=management", {"Auditul ESCA"}),
    ("?theme=skills", set()),  # the only one is a draft
    ("?q=sedinte", {"Politica de cluster a Regiunii Marche"}),  # accents do not matter
    ("?q=AUDITUL esca", {"Auditul ESCA"}),
    ("?working_group=WG9&theme=management", {"Auditul ESCA"}),  # the invalid one is ignored
])
def test_filters_for_a_visitor(client, catalogue, query, expected):
    response = client.get(INDEX + query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_members_also_see_their_groups_drafts_marked(catalogue, member):
    response = client_for(member).get(INDEX + "?theme=skills")
    assert titles(response) == {"Ciornă WG1"}
    assert "Draft" in text(response)


def test_an_invalid_filter_is_reported(client, catalogue):
    body = text(client.get(INDEX + "?working_group=WG9"))
    assert "Some filters were not valid and were ignored" in body


def test_the_country_filter_offers_the_countries_of_visible_practices(client, catalogue):
    body = text(client.get(INDEX))
    assert '<option value="IT">Italy</option>' in body
    assert '<option value="RO">Romania</option>' in body
    assert 'value="HU"' not in body


def test_empty_states(client, catalogue, db):
    assert "No good practice matches these filters." in text(client.get(INDEX + "?q=nimic"))
    GoodPractice.objects.all().delete()
    body = text(client.get(INDEX))
    assert "No good practice has been published yet." in body


def test_pagination_keeps_the_filters(client, wg1, member, coordinator, romania):
    for n in range(PAGE_SIZE + 3):
        make_practice(wg1, member, title=f"Practica {n}", publish_by=coordinator)
    body = text(client.get(INDEX + "?working_group=WG1"))
    assert f"{PAGE_SIZE + 3} practices" in body
    assert "?working_group=WG1&amp;page=2" in body
    second = text(client.get(INDEX + "?working_group=WG1&page=2"))
    assert second.count('class="py-3 border-bottom"') == 3


def _many(wg1, wg2, member, coordinator, other_member, start, count):
    coordinator2 = add_member(wg2, UserFactory(), Membership.Role.COORDINATOR)
    for n in range(start, start + count):
        group, author, publisher = ((wg1, member, coordinator) if n % 2
                                    else (wg2, other_member, coordinator2))
        document = make_document(group, author, f"Sursa {n}")
        make_practice(group, author, title=f"Practica {n}", documents=[document],
                      publish_by=publisher if n % 3 else None)


@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_the_list_takes_the_same_queries_for_few_and_many(wg1, wg2, member, coordinator,
                                                          other_member, romania, who,
                                                          django_assert_num_queries):
    user = {"anonymous": None, "member": member, "staff": UserFactory(staff=True)}[who]
    client = client_for(user)
    _many(wg1, wg2, member, coordinator, other_member, 0, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX + "?country=RO&q=practica").status_code == 200
    _many(wg1, wg2, member, coordinator, other_member, 2, 18)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(INDEX + "?country=RO&q=practica").status_code == 200


def test_the_detail_page_takes_the_same_queries_for_few_and_many_documents(
        wg1, member, coordinator, romania, django_assert_num_queries):
    few_docs = [make_document(wg1, member, f"Doc {n}", publish_by=coordinator) for n in range(1)]
    practice = make_practice(wg1, member, documents=few_docs, publish_by=coordinator)
    client = client_for(member)
    with CaptureQueriesContext(connection) as few:
        client.get(practice.get_absolute_url())
    many_docs = [make_document(wg1, member, f"Doc {n}") for n in range(1, 8)]
    practice.documents.add(*many_docs)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(practice.get_absolute_url())
    assert text(response).count("/documents/") >= 8


def test_the_detail_page_shows_every_section_and_only_visible_documents(
        client, wg1, member, coordinator, romania, nord_est):
    public = make_document(wg1, member, "Raport final publicat", publish_by=coordinator)
    private = make_document(wg1, member, "Ciornă internă a grupului")
    practice = make_practice(wg1, member, region=nord_est, documents=[public, private],
                             publish_by=coordinator)
    body = text(client.get(practice.get_absolute_url()))
    for heading in ("The practice", "Region and policy context", "Benefits", "Lessons learned",
                    "Success factors", "Risk factors", "Transferability: Medium"):
        assert heading in body
    for section in SECTIONS.values():
        assert section in body
    assert "North-East" in body
    assert "Romania" in body
    assert "WG1" in body
    assert f'href="/documents/{public.pk}/"' in body
    assert "Raport final publicat" in body
    assert "Ciornă internă a grupului" not in body
    assert "/publish/" not in body
    assert "/unpublish/" not in body
    assert "/edit/" not in body
    member_body = text(client_for(member).get(practice.get_absolute_url()))
    assert "Ciornă internă a grupului" in member_body


def test_the_coordinator_sees_the_publish_button_and_what_is_missing(wg1, member, coordinator,
                                                                     romania):
    practice = make_practice(wg1, member, risk_factors="")
    body = text(client_for(coordinator).get(practice.get_absolute_url()))
    assert "Still to write: risk factors." in body
    assert 'action="/good-practices/actiunea-pilot-adr-nord-est/publish/"' in body
    response = client_for(coordinator).post(reverse("goodpractices:publish",
                                                     args=[practice.slug]), follow=True)
    assert "Write every section before publishing" in text(response)
    practice.refresh_from_db()
    assert not practice.is_published
    assert "Still to write" not in text(client_for(member).get(
        make_practice(wg1, member, title="Completă", publish_by=coordinator)
        .get_absolute_url()))


# --- The form -----------------------------------------------------------------------------------

def _form_data(**overrides):
    return {"working_group": "WG1", "title": "Evenimente B2B în Nord-Est", "country": "",
            "theme": "internationalisation", "language": "ro", "transferability": "high",
            **SECTIONS, "transferability_notes": "", **overrides}


def test_a_member_describes_a_practice(wg1, member, romania, nord_est):
    document = make_document(wg1, member, "SWOT Nord-Est")
    client = client_for(member)
    form = text(client.get(reverse("goodpractices:new") + "?group=WG1"))
    assert '<option value="WG1" selected>' in form
    assert "WG1 · SWOT Nord-Est" in form
    response = client.post(reverse("goodpractices:new"), _form_data(
        country=romania.pk, region=nord_est.pk, documents=[document.pk]))
    practice = GoodPractice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    assert practice.slug == "evenimente-b2b-in-nord-est"
    assert practice.author == member
    assert practice.state == GoodPractice.State.DRAFT
    assert list(practice.documents.all()) == [document]


def test_documents_of_another_group_are_a_form_error(wg1, wg2, member, other_member, romania):
    """A WG1-only member does not even get WG2's documents on offer; staff, who see both
    groups' documents, are told the document is not the practice's group's."""
    theirs = make_document(wg2, other_member, "Document WG2")
    response = client_for(member).post(reverse("goodpractices:new"), _form_data(
        country=romania.pk, documents=[theirs.pk]))
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    staff = UserFactory(staff=True)
    response = client_for(staff).post(reverse("goodpractices:new"), _form_data(
        country=romania.pk, documents=[theirs.pk]))
    assert response.status_code == 200
    assert "Only documents of WG1 can be linked to this practice: “Document WG2”." in text(
        response)
    assert not GoodPractice.objects.exists()


def test_editing_keeps_the_address_and_links_the_groups_documents(wg1, member, coordinator,
                                                                  romania):
    practice = make_practice(wg1, member, publish_by=coordinator)
    document = make_document(wg1, member, "Evaluare externă")
    url = reverse("goodpractices:edit", args=[practice.slug])
    form = text(client_for(coordinator).get(url))
    assert 'name="working_group"' not in form
    response = client_for(coordinator).post(url, _form_data(
        title="Titlu corectat", country=romania.pk, documents=[document.pk]))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Titlu corectat"
    assert practice.slug == "actiunea-pilot-adr-nord-est"
    assert list(practice.documents.all()) == [document]
    # A published practice keeps its sections: the service's refusal is shown on the form.
    response = client_for(coordinator).post(url, _form_data(country=romania.pk, benefits=""))
    assert response.status_code == 200
    assert "A published practice keeps every section: benefits." in text(response)


# --- The working group's space -----------------------------------------------------------------

def test_the_group_space_shows_its_practices(client, wg1, member, coordinator, outsider,
                                             romania):
    make_practice(wg1, member, title="Practică publicată", publish_by=coordinator)
    make_practice(wg1, member, title="Ciornă în lucru")
    url = reverse("workinggroups:detail", args=["WG1"])
    body = text(client_for(member).get(url))
    assert "Practică publicată" in body
    assert "Ciornă în lucru" in body
    assert 'href="/good-practices/new/?group=WG1"' in body
    for visitor in (None, outsider):
        body = text(client_for(visitor).get(url))
        assert "Practică publicată" in body
        assert "Ciornă în lucru" not in body
        assert "/good-practices/new/" not in body


def test_the_group_space_has_an_empty_state(client, wg1):
    body = text(client.get(reverse("workinggroups:detail", args=["WG1"])))
    assert "This group has not described any good practice yet." in body
