"""The search on either database: diacritics, text inside uploaded PDF and DOCX files,
drafts found by their group's members only, title matches first, counts per kind, filters,
hostile input, the page's states and a number of queries that does not grow with the results.
(PostgreSQL's own behaviour — stemming, ts_headline — is in test_postgresql.py.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from search.selectors import search_for, terms_of
from tests.factories import UserFactory

from .conftest import (
    client_for,
    docx_file,
    make_cluster,
    make_document,
    make_event,
    make_practice,
    pdf_file,
    txt,
)

pytestmark = pytest.mark.django_db


def titles(user, q, **filters) -> list[str]:
    search = search_for(user, q=q, **filters)
    return [hit.title for hit in search.hits(0, 100)]


@pytest.fixture
def published(wg1, member1, coordinator1, capture_commits):
    with capture_commits():
        return make_document(wg1, member1, title="Strategia de specializare inteligentă",
                             description="Priorități pentru regiunea Centru.",
                             tags="S3, Brașov", publish_by=coordinator1)


@pytest.fixture
def draft(wg1, member1, capture_commits):
    with capture_commits():
        return make_document(wg1, member1, title="Ciornă confidențială despre hidroenergie")


# --- Finding ----------------------------------------------------------------------------------

def test_diacritics_do_not_matter(published):
    anonymous = AnonymousUser()
    assert titles(anonymous, "specializare inteligenta") == [published.title]
    assert titles(anonymous, "SPECIALIZARE INTELIGENTĂ") == [published.title]
    assert titles(anonymous, "brasov") == [published.title]  # a tag
    assert titles(anonymous, "Braşov") == [published.title]  # cedilla spelling


def test_every_word_must_match(published):
    assert titles(AnonymousUser(), "specializare timisoara") == []


def test_text_inside_an_uploaded_pdf_is_found(wg1, member1, coordinator1, capture_commits):
    with capture_commits():
        document = make_document(
            wg1, member1, title="Raport anual", publish_by=coordinator1,
            upload=pdf_file("Capitolul despre hidrogenului verde si fotovoltaice"))
    assert document.versions.get().text  # extracted by the task
    assert titles(AnonymousUser(), "fotovoltaice") == ["Raport anual"]
    assert titles(AnonymousUser(), "hidrogenului verde") == ["Raport anual"]


def test_text_inside_an_uploaded_docx_is_found(wg1, member1, coordinator1, capture_commits):
    with capture_commits():
        make_document(wg1, member1, title="Studiu de caz", publish_by=coordinator1,
                      upload=docx_file("Dezvoltarea acvaculturii în Delta Dunării"))
    assert titles(AnonymousUser(), "acvaculturii delta dunarii") == ["Studiu de caz"]


def test_a_title_match_comes_before_a_match_in_the_text(wg1, member1, coordinator1,
                                                        capture_commits):
    with capture_commits():
        make_document(wg1, member1, title="Raport general", publish_by=coordinator1,
                      description="Un capitol despre bioeconomie, bioeconomie și bioeconomie.")
        make_document(wg1, member1, title="Bioeconomie", publish_by=coordinator1)
    assert titles(AnonymousUser(), "bioeconomie") == ["Bioeconomie", "Raport general"]


# --- Who finds what ---------------------------------------------------------------------------

def test_a_draft_is_found_by_its_group_only(draft, member1, member2, wg1, pending_user,
                                            staff_user):
    outsider = UserFactory()
    assert titles(member1, "hidroenergie") == [draft.title]
    assert titles(staff_user, "hidroenergie") == [draft.title]
    assert titles(member2, "hidroenergie") == []  # another group's member
    assert titles(outsider, "hidroenergie") == []
    assert titles(AnonymousUser(), "hidroenergie") == []
    assert titles(pending_user, "hidroenergie") == []


def test_a_pending_member_of_the_group_does_not_find_its_drafts(draft, wg1):
    from .conftest import add_member

    pending = add_member(wg1, UserFactory())
    pending.status = pending.Status.PENDING
    pending.save(update_fields=["status"])
    assert titles(pending, "hidroenergie") == []


def test_drafts_stay_out_of_the_page_and_the_api(draft, member1, member2):
    for user, found in ((member1, True), (member2, False), (None, False)):
        client = client_for(user)
        page = client.get(reverse("search:index"), {"q": "hidroenergie"})
        api = client.get("/api/v1/search/", {"q": "hidroenergie"})
        assert page.status_code == api.status_code == 200
        assert ("Ciornă confidențială despre" in page.content.decode()) is found
        assert (api.json()["count"] == 1) is found


def test_group_only_events_and_draft_practices(wg1, wg2, member1, member2, romania,
                                               capture_commits):
    with capture_commits():
        make_event(title="Atelier intern de planificare", visibility="group", working_group=wg1)
        make_event(title="Atelier public de planificare")
        make_practice(wg1, romania, title="Planificare participativă (ciornă)")
        make_practice(wg1, romania, title="Planificare participativă", state="published")
    assert sorted(titles(member1, "planificare")) == [
        "Atelier intern de planificare", "Atelier public de planificare",
        "Planificare participativă", "Planificare participativă (ciornă)"]
    assert sorted(titles(member2, "planificare")) == [
        "Atelier public de planificare", "Planificare participativă"]
    assert sorted(titles(AnonymousUser(), "planificare")) == [
        "Atelier public de planificare", "Planificare participativă"]


# --- Counts and filters -----------------------------------------------------------------------

@pytest.fixture
def mixed(wg1, wg2, member1, coordinator1, romania, capture_commits):
    coordinator2 = UserFactory()
    from .conftest import add_member

    add_member(wg2, coordinator2, role="coordinator")
    with capture_commits():
        make_document(wg1, member1, title="Inovare în clustere (RO)", publish_by=coordinator1)
        make_document(wg2, coordinator2, title="Inovare deschisă", language="en",
                      publish_by=coordinator2)
        make_event(title="Săptămâna de inovare")
        make_cluster(name="Clusterul de inovare Transilvania")
        make_practice(wg2, romania, title="Voucher de inovare", state="published")


def test_counts_per_kind(mixed):
    search = search_for(AnonymousUser(), q="inovare")
    assert search.counts == {"clusters": 1, "documents": 2, "events": 1, "goodpractices": 1}
    assert search.total == 5
    narrowed = search_for(AnonymousUser(), q="inovare", kind="documents")
    assert narrowed.counts == search.counts  # the tabs keep every kind's count
    assert narrowed.total == 2
    assert {h.kind for h in narrowed.hits(0, 10)} == {"documents"}


def test_filters(mixed, wg2):
    anonymous = AnonymousUser()
    assert sorted(titles(anonymous, "inovare", working_group=wg2)) == [
        "Inovare deschisă", "Voucher de inovare"]
    assert titles(anonymous, "inovare", language="en") == ["Inovare deschisă"]
    assert titles(anonymous, "inovare", kind="clusters", year=2015) == [
        "Clusterul de inovare Transilvania"]
    assert titles(anonymous, "inovare", kind="clusters", year=2016) == []


def test_the_page_shows_tabs_with_counts_and_filters(mixed):
    response = client_for(None).get(reverse("search:index"),
                                    {"q": "inovare", "kind": "documents", "group": "WG2"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Inovare</mark> deschisă" in body
    assert "în clustere (RO)" not in body
    assert 'aria-current="page" href="/search/?q=inovare&amp;group=WG2&amp;kind=documents">' \
           'Documents <span class="badge text-bg-secondary">1</span>' in body
    assert body.count("<h1") == 1


# --- Input and states -------------------------------------------------------------------------

@pytest.mark.parametrize("q", [
    '"', "'", "&|!:*", "a & b | !c", "'clust':*", "(((", "\\", "--", ";DROP TABLE x;",
    "<script>alert(1)</script>", "x" * 1000, "inovare " * 300, "ă" * 1200, " ", "",
    "%", "_", "\x00", "\u202e", "😀 inovare", "a:*B & !c", "1" * 50,
])
def test_hostile_input_never_fails(mixed, q, member1):
    for user in (None, member1):
        client = client_for(user)
        assert client.get(reverse("search:index"), {"q": q}).status_code == 200
        assert client.get("/api/v1/search/", {"q": q}).status_code == 200


def test_terms_are_words_only():
    assert terms_of("'clust':* & !x | (y)") == ["clust", "x", "y"]
    assert terms_of("Şedinţă") == ["ședință"]
    assert len(terms_of("a " * 100)) == 20
    assert terms_of("x" * 5000) == ["x" * 1000]
    assert terms_of(None) == []


def test_the_empty_page_invites_a_search(client):
    body = client.get(reverse("search:index")).content.decode()
    assert "Type a word or two to search" in body
    assert 'role="search"' in body


def test_no_results(mixed, client):
    body = client.get(reverse("search:index"), {"q": "inexistentissim"}).content.decode()
    assert "No results for “inexistentissim”." in body


def test_script_in_a_title_is_escaped(wg1, member1, coordinator1, capture_commits, client):
    with capture_commits():
        # (The file itself must not start like a web page: such uploads are refused.)
        make_document(wg1, member1, title="<script>alert('inovare')</script>",
                      upload=txt("Despre inovare.\n"), publish_by=coordinator1)
    body = client.get(reverse("search:index"), {"q": "inovare"}).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_the_header_search_box_is_on_every_page(client):
    body = client.get(reverse("clusters:index")).content.decode()
    assert f'action="{reverse("search:index")}" method="get" role="search"' in body
    assert '<label class="visually-hidden" for="site-search">Search the portal</label>' in body


def test_pagination(wg1, member1, coordinator1, capture_commits, client):
    with capture_commits():
        for n in range(23):
            make_document(wg1, member1, title=f"Raport regional {n}", publish_by=coordinator1)
    first = client.get(reverse("search:index"), {"q": "regional"})
    assert len(first.context["page_obj"].object_list) == 20
    second = client.get(reverse("search:index"), {"q": "regional", "page": 2})
    assert len(second.context["page_obj"].object_list) == 3
    assert "Page 2 of 2" in second.content.decode()


# --- Queries ----------------------------------------------------------------------------------

def _queries(django_assert_num_queries, client, path, params, n):
    with django_assert_num_queries(n):
        assert client.get(path, params).status_code == 200


@pytest.mark.parametrize("user_kind", ["anonymous", "member"])
def test_a_fixed_number_of_queries(wg1, member1, coordinator1, capture_commits,
                                   django_assert_num_queries, user_kind):
    client = client_for(member1 if user_kind == "member" else None)
    with capture_commits():
        make_document(wg1, member1, title="Raport regional 0", publish_by=coordinator1)
    # session + user for a member; the groups' filter choices; counts, results, snippets.
    page_queries = 4 + (2 if user_kind == "member" else 0)
    api_queries = 3 + (2 if user_kind == "member" else 0)
    _queries(django_assert_num_queries, client, reverse("search:index"), {"q": "regional"},
             page_queries)
    _queries(django_assert_num_queries, client, "/api/v1/search/", {"q": "regional"},
             api_queries)
    with capture_commits():
        for n in range(1, 15):
            make_document(wg1, member1, title=f"Raport regional {n}", publish_by=coordinator1)
            make_event(title=f"Atelier regional {n}")
    _queries(django_assert_num_queries, client, reverse("search:index"), {"q": "regional"},
             page_queries)
    _queries(django_assert_num_queries, client, "/api/v1/search/", {"q": "regional"},
             api_queries)
