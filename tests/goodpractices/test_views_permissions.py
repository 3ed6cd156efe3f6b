"""The permission matrix of the archive's pages and API, for a WG1 draft and a published WG1
practice: who finds them in the list, who opens them, who edits, publishes and takes them back.
Exact outcomes; a draft's title never reaches anyone outside WG1 (staff see everything)."""

import pytest
from django.urls import reverse

from goodpractices.models import GoodPractice
from tests.factories import UserFactory
from workinggroups.models import Membership

from .conftest import add_member, client_for, make_practice

pytestmark = pytest.mark.django_db

# "member" is a WG1 member who wrote both practices; "colleague" another WG1 member.
ROLES = ["anonymous", "pending", "outsider", "wg2_member", "colleague", "member",
         "coordinator", "staff"]
LOGIN, DONE = "login", "done"  # a redirect to the login page / the action was carried out
DRAFT_TITLE = "Ciorna confidențială WG1 despre bugetul 2027"
PUBLISHED_TITLE = "Evenimentele cluster-to-cluster din Nord-Est"


@pytest.fixture
def world(wg1, wg2, romania):
    coordinator = add_member(wg1, UserFactory(full_name="Ana Popescu"),
                             Membership.Role.COORDINATOR)
    member = add_member(wg1, UserFactory(full_name="Ioana Ștefănescu"))
    users = {
        "anonymous": None,
        "pending": UserFactory(pending=True),
        "outsider": UserFactory(),
        "wg2_member": add_member(wg2, UserFactory()),
        "colleague": add_member(wg1, UserFactory()),
        "member": member,
        "coordinator": coordinator,
        "staff": UserFactory(staff=True),
    }
    practices = {
        "draft": make_practice(wg1, member, title=DRAFT_TITLE),
        "published": make_practice(wg1, member, title=PUBLISHED_TITLE, publish_by=coordinator),
    }
    return {"users": users, "practices": practices}


def _outcome(response, *, listed_title=None):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    if listed_title is not None:
        assert response.status_code == 200
        return listed_title in response.content.decode()
    return response.status_code


def _matrix(expected: list) -> list:
    return list(zip(ROLES, expected, strict=True))


#            anonymous pending outsider wg2_member colleague member coordinator staff
LIST_DRAFT = [False, LOGIN, False, False, True, True, True, True]
LIST_PUBLISHED = [True, LOGIN, True, True, True, True, True, True]
DETAIL_DRAFT = [404, LOGIN, 404, 404, 200, 200, 200, 200]
DETAIL_PUBLISHED = [200, LOGIN, 200, 200, 200, 200, 200, 200]
EDIT_DRAFT = [LOGIN, LOGIN, 404, 404, 403, 200, 200, 200]
EDIT_PUBLISHED = [LOGIN, LOGIN, 403, 403, 403, 403, 200, 200]
PUBLISH_DRAFT = [LOGIN, LOGIN, 404, 404, 403, 403, DONE, DONE]
UNPUBLISH_PUBLISHED = [LOGIN, LOGIN, 403, 403, 403, 403, DONE, DONE]
NEW = [LOGIN, LOGIN, 403, 200, 200, 200, 200, 200]
NEW_FOR_WG1 = [LOGIN, LOGIN, 403, 403, 200, 200, 200, 200]


@pytest.mark.parametrize(("role", "expected"), _matrix(LIST_DRAFT))
def test_the_list_shows_a_draft_to_its_group_only(world, role, expected):
    response = client_for(world["users"][role]).get(reverse("goodpractices:index"))
    assert _outcome(response, listed_title=DRAFT_TITLE) == expected


@pytest.mark.parametrize(("role", "expected"), _matrix(LIST_PUBLISHED))
def test_the_list_shows_published_practices_to_everyone(world, role, expected):
    response = client_for(world["users"][role]).get(reverse("goodpractices:index"))
    assert _outcome(response, listed_title=PUBLISHED_TITLE) == expected


@pytest.mark.parametrize(("role", "expected"), _matrix(DETAIL_DRAFT))
def test_a_drafts_page(world, role, expected):
    response = client_for(world["users"][role]).get(world["practices"]["draft"]
                                                    .get_absolute_url())
    assert _outcome(response) == expected
    if expected == 404:
        assert DRAFT_TITLE not in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), _matrix(DETAIL_PUBLISHED))
def test_a_published_practices_page(world, role, expected):
    response = client_for(world["users"][role]).get(world["practices"]["published"]
                                                    .get_absolute_url())
    assert _outcome(response) == expected


@pytest.mark.parametrize(("role", "expected"), _matrix(EDIT_DRAFT))
def test_editing_a_draft(world, role, expected):
    url = reverse("goodpractices:edit", args=[world["practices"]["draft"].slug])
    assert _outcome(client_for(world["users"][role]).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), _matrix(EDIT_PUBLISHED))
def test_editing_a_published_practice(world, role, expected):
    url = reverse("goodpractices:edit", args=[world["practices"]["published"].slug])
    assert _outcome(client_for(world["users"][role]).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), _matrix(EDIT_DRAFT))
def test_posting_an_edit_follows_the_same_rules(world, role, expected):
    practice = world["practices"]["draft"]
    url = reverse("goodpractices:edit", args=[practice.slug])
    response = client_for(world["users"][role]).post(url, {"title": "Schimbat"})
    outcome = _outcome(response)
    assert outcome == expected  # 200: the incomplete form is shown again with its errors
    practice.refresh_from_db()
    assert practice.title == DRAFT_TITLE


@pytest.mark.parametrize(("role", "expected"), _matrix(PUBLISH_DRAFT))
def test_publishing(world, role, expected):
    practice = world["practices"]["draft"]
    url = reverse("goodpractices:publish", args=[practice.slug])
    response = client_for(world["users"][role]).post(url)
    practice.refresh_from_db()
    if expected == DONE:
        assert response.status_code == 302
        assert response["Location"] == practice.get_absolute_url()
        assert practice.state == GoodPractice.State.PUBLISHED
        assert practice.published_by == world["users"][role]
    else:
        assert _outcome(response) == expected
        assert practice.state == GoodPractice.State.DRAFT


@pytest.mark.parametrize(("role", "expected"), _matrix(UNPUBLISH_PUBLISHED))
def test_taking_back_to_a_draft(world, role, expected):
    practice = world["practices"]["published"]
    url = reverse("goodpractices:unpublish", args=[practice.slug])
    response = client_for(world["users"][role]).post(url)
    practice.refresh_from_db()
    if expected == DONE:
        assert response.status_code == 302
        assert practice.state == GoodPractice.State.DRAFT
    else:
        assert _outcome(response) == expected
        assert practice.state == GoodPractice.State.PUBLISHED


def test_publish_and_unpublish_refuse_get(world):
    client = client_for(world["users"]["coordinator"])
    for name in ("publish", "unpublish"):
        url = reverse(f"goodpractices:{name}", args=[world["practices"]["draft"].slug])
        assert client.get(url).status_code == 405


@pytest.mark.parametrize(("role", "expected"), _matrix(NEW))
def test_the_new_form(world, role, expected):
    response = client_for(world["users"][role]).get(reverse("goodpractices:new"))
    assert _outcome(response) == expected


@pytest.mark.parametrize(("role", "expected"), _matrix(NEW_FOR_WG1))
def test_the_new_form_for_a_chosen_group(world, role, expected):
    response = client_for(world["users"][role]).get(reverse("goodpractices:new") + "?group=WG1")
    assert _outcome(response) == expected


def test_a_wg2_member_cannot_post_a_practice_for_wg1(world):
    client = client_for(world["users"]["wg2_member"])
    response = client.post(reverse("goodpractices:new"), {"working_group": "WG1",
                                                         "title": "Intrus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not GoodPractice.objects.filter(title="Intrus").exists()


#            anonymous pending outsider wg2_member colleague member coordinator staff
# The API is published practices only, for everyone (a pending user's session is sent to the
# login page by accounts.middleware, like on the pages).
API_LIST_DRAFT = [False, LOGIN, False, False, False, False, False, False]
API_DETAIL_DRAFT = [404, LOGIN, 404, 404, 404, 404, 404, 404]


@pytest.mark.parametrize(("role", "expected"), _matrix(API_LIST_DRAFT))
def test_the_api_never_lists_drafts(world, role, expected):
    response = client_for(world["users"][role]).get("/api/v1/good-practices/")
    if expected == LOGIN:
        assert _outcome(response) == LOGIN
        return
    titles = [row["title"] for row in response.json()["results"]]
    assert (DRAFT_TITLE in titles) == expected
    assert PUBLISHED_TITLE in titles


@pytest.mark.parametrize(("role", "expected"), _matrix(API_DETAIL_DRAFT))
def test_the_api_answers_404_for_a_draft(world, role, expected):
    user = world["users"][role]
    response = client_for(user).get(
        f"/api/v1/good-practices/{world['practices']['draft'].slug}/")
    assert _outcome(response) == expected
    if role != "pending":
        published = client_for(user).get(
            f"/api/v1/good-practices/{world['practices']['published'].slug}/")
        assert published.status_code == 200


def test_the_api_refuses_writes(world):
    client = client_for(world["users"]["staff"])
    assert client.post("/api/v1/good-practices/", {"title": "x"}).status_code == 405
    slug = world["practices"]["published"].slug
    assert client.delete(f"/api/v1/good-practices/{slug}/").status_code == 405
