"""The cache of whole anonymous public pages (core.pagecache): a hit makes no query, any write
to public content shows on the very next request, and nobody gets a page that was not theirs
(logged-in users, pending messages, another visitor's CSRF token, language, query string)."""

import re
import time
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from clusters import services as cluster_services
from clusters.models import Sector
from core import pagecache
from documents import services as document_services
from events import services as event_services
from projects import services as project_services
from projects.models import StatusReport
from projects.permissions import PROGRAMME_OFFICERS_GROUP
from tests.core.public_site import build_public_site, upcoming_public_event
from tests.core.test_public_pages_basics import public_urls
from tests.documents.web_helpers import create_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
CACHED_PAGES = [
    "home", "clusters directory", "a cluster", "documents archive", "a published document",
    "events list", "past events", "events month", "an event", "a past event",
    "programme page", "a project", "programme report", "institutions list",
    "an institution", "good practices list", "a good practice", "open data",
]


@pytest.fixture
def site():
    return build_public_site()


@pytest.fixture
def urls(site):
    return public_urls(site)


def anonymous(**headers) -> Client:
    return Client(**{"HTTP_ACCEPT_LANGUAGE": "en", **headers})


def text(response) -> str:
    return response.content.decode()


def without_token(body: str) -> str:
    return TOKEN.sub("TOKEN", body)


# --- hits -----------------------------------------------------------------------------------

def test_every_public_page_is_served_from_the_cache_without_a_query(
        urls, django_assert_num_queries):
    for name in CACHED_PAGES:
        first = anonymous().get(urls[name])
        assert first.status_code == 200, name
        assert first["X-Cache"] == "miss", name
        with django_assert_num_queries(0):
            second = anonymous().get(urls[name])
        assert second.status_code == 200, name
        assert second["X-Cache"] == "hit", name
        assert without_token(text(second)) == without_token(text(first)), name
        # The rest of the stack still runs on a hit: security headers, language, cookies.
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"], name
        assert second["X-Frame-Options"] == "DENY"
        assert second["Content-Language"] == "en"
        assert {"Cookie", "Accept-Language"} <= {
            v.strip() for v in second["Vary"].split(",")}, name


def test_a_head_request_is_answered_from_the_cache(urls):
    anonymous().get(urls["clusters directory"])
    response = anonymous().head(urls["clusters directory"])
    assert response["X-Cache"] == "hit"


@pytest.mark.parametrize("name", ["search", "search without a query", "working groups",
                                  "login", "sign-up"])
def test_pages_outside_the_allow_list_are_never_cached(urls, name):
    for _ in range(2):
        response = anonymous().get(urls[name])
        assert response.status_code == 200
        assert "X-Cache" not in response


def test_exports_downloads_and_free_text_queries_are_never_cached(site, urls):
    document = site["document"]
    for url in [reverse("clusters:export", args=["csv"]),
                reverse("documents:download", args=[document.pk, 1]),
                reverse("events:feed_public"),
                urls["clusters directory"] + "?search=cluster",
                urls["events list"] + "?q=cluster"]:
        for _ in range(2):
            response = anonymous().get(url)
            assert response.status_code == 200, url
            assert "X-Cache" not in response, url


def test_a_private_or_missing_page_is_never_stored(site):
    url = site["draft"].get_absolute_url()  # an unpublished document: 404 for anonymous
    for _ in range(2):
        response = anonymous().get(url)
        assert response.status_code == 404
        assert response["X-Cache"] == "miss"


def stored_pages() -> dict[str, float]:
    """Key → expiry time of the page entries in the (locmem) test cache."""
    return {key: expiry for key, expiry in cache._expire_info.items()
            if pagecache._KEY_PREFIX in key}


def test_a_time_to_live_of_zero_turns_the_cache_off(urls, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    anonymous().get(urls["documents archive"])
    response = anonymous().get(urls["documents archive"])
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert stored_pages() == {}


def test_entries_expire_after_the_time_to_live(urls, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 7
    anonymous().get(urls["events list"])
    [expiry] = stored_pages().values()
    assert 0 < expiry - time.time() <= 7


# --- who gets cached pages --------------------------------------------------------------------

def test_logged_in_users_neither_get_nor_fill_the_cache(urls):
    user = UserFactory(full_name="Ioana Vlădescu")
    anonymous().get(urls["clusters directory"])  # an entry exists
    member = anonymous()
    member.force_login(user)
    for _ in range(2):
        response = member.get(urls["clusters directory"])
        assert "X-Cache" not in response
        assert "Ioana Vlădescu" in text(response)
        response = member.get(urls["a cluster"])
        assert "X-Cache" not in response
    visitor = anonymous().get(urls["a cluster"])
    assert visitor["X-Cache"] == "miss"  # the member's visit stored nothing
    assert "Ioana Vlădescu" not in text(visitor)


def test_a_visitor_with_a_pending_message_gets_a_fresh_page_and_stores_nothing(urls):
    user = UserFactory()
    anonymous().get(urls["home"])  # another visitor's entry
    client = anonymous()
    client.force_login(user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    # The logout's message waits for the next page: that page is rendered for this visitor.
    response = client.get(urls["home"])
    assert "X-Cache" not in response
    assert "You have signed out." in text(response)
    # Shown once; from now on this visitor is like any other.
    response = client.get(urls["home"])
    assert response["X-Cache"] == "hit"
    assert "You have signed out." not in text(response)


# --- CSRF -------------------------------------------------------------------------------------

def test_each_visitor_gets_a_csrf_token_of_their_own_and_the_language_switch_works(urls):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    url = urls["documents archive"]
    page1 = first.get(url)
    page2 = second.get(url)
    assert (page1["X-Cache"], page2["X-Cache"]) == ("miss", "hit")
    token1 = TOKEN.search(text(page1)).group(1)
    token2 = TOKEN.search(text(page2)).group(1)
    cookie1, cookie2 = first.cookies["csrftoken"].value, second.cookies["csrftoken"].value
    assert cookie1 != cookie2
    assert _unmask_cipher_token(token1) == cookie1
    assert _unmask_cipher_token(token2) == cookie2  # the hit carries the second visitor's own
    assert token1 not in text(page2)
    assert "Cookie" in page2["Vary"]

    # Without the token the switch is refused; with the one from the cached page it works.
    assert second.post(reverse("set_language"), {"language": "ro", "next": url}
                       ).status_code == 403
    response = second.post(reverse("set_language"),
                           {"language": "en", "next": url, "csrfmiddlewaretoken": token2})
    assert response.status_code == 302
    assert response["Location"] == url
    assert '<html lang="en"' in text(second.get(url))


def test_a_returning_visitor_keeps_their_csrf_cookie_on_a_hit(urls):
    visitor = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    anonymous().get(urls["an event"])
    visitor.get(urls["home"])
    cookie = visitor.cookies["csrftoken"].value
    response = visitor.get(urls["an event"])
    assert response["X-Cache"] == "hit"
    assert _unmask_cipher_token(TOKEN.search(text(response)).group(1)) == cookie


# --- what the key keeps apart ------------------------------------------------------------------

def test_language_versions_are_kept_apart(urls):
    url = urls["clusters directory"]
    english = anonymous(HTTP_ACCEPT_LANGUAGE="en").get(url)
    romanian = anonymous(HTTP_ACCEPT_LANGUAGE="ro").get(url)
    assert (english["X-Cache"], romanian["X-Cache"]) == ("miss", "miss")
    assert '<html lang="en"' in text(english)
    assert '<html lang="ro"' in text(romanian)
    by_parameter = anonymous(HTTP_ACCEPT_LANGUAGE="en").get(url + "?lang=ro")
    assert by_parameter["X-Cache"] == "miss"
    assert '<html lang="ro"' in text(by_parameter)
    again = anonymous(HTTP_ACCEPT_LANGUAGE="ro").get(url)
    assert again["X-Cache"] == "hit"
    assert '<html lang="ro"' in text(again)
    assert anonymous(HTTP_ACCEPT_LANGUAGE="en").get(url)["X-Cache"] == "hit"


def test_query_strings_and_hosts_are_kept_apart(urls, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example.org"]
    url = urls["documents archive"]
    assert anonymous().get(url)["X-Cache"] == "miss"
    paged = anonymous().get(url + "?page=1")
    assert paged["X-Cache"] == "miss"
    assert 'value="/documents/?page=1"' in text(paged)
    assert anonymous().get(url + "?page=1")["X-Cache"] == "hit"
    other_host = anonymous(HTTP_HOST="portal.example.org").get(url)
    assert other_host["X-Cache"] == "miss"


# --- changes show at once ------------------------------------------------------------------------

def cached(url) -> None:
    anonymous().get(url)
    assert anonymous().get(url)["X-Cache"] == "hit"


def test_a_cluster_profile_edit_shows_at_once(site, urls):
    cluster = site["cluster"]
    cached(urls["a cluster"])
    cached(urls["clusters directory"])
    cluster_services.cluster_update(cluster=cluster, user=None,
                                    data={"description": "Un profil nou, scris acum."})
    response = anonymous().get(urls["a cluster"])
    assert response["X-Cache"] == "miss"
    assert "Un profil nou, scris acum." in text(response)
    cluster_services.cluster_set_published(cluster=cluster, user=None, published=False)
    assert anonymous().get(urls["a cluster"]).status_code == 404
    assert cluster.name not in text(anonymous().get(urls["clusters directory"]))


def test_an_edit_in_the_admin_shows_at_once(site, urls, staff_user):
    sector = site["cluster"].sectors.first()
    url = urls["a cluster"]
    cached(url)
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff_user.is_superuser = True
    staff_user.save()
    admin.force_login(staff_user)
    response = admin.post(reverse("admin:clusters_sector_change", args=[sector.pk]), {
        "name_ro": sector.name_ro, "name_en": "Sector renamed in the admin", "slug": sector.slug,
    })
    assert response.status_code == 302, response.content[:2000]
    assert Sector.objects.get(pk=sector.pk).name_en == "Sector renamed in the admin"
    response = anonymous().get(url)
    assert response["X-Cache"] == "miss"
    assert "Sector renamed in the admin" in text(response)


def test_publishing_a_document_shows_at_once(site, urls):
    group, coordinator = site["group"], site["coordinator"]
    document = create_document(group, coordinator, title="Raportul anual al clusterelor 2026")
    cached(urls["documents archive"])
    assert "Raportul anual al clusterelor 2026" not in text(
        anonymous().get(urls["documents archive"]))
    assert anonymous().get(document.get_absolute_url()).status_code == 404
    document_services.document_set_status(document=document, user=coordinator, status="final")
    document_services.document_publish(document=document, user=coordinator)
    response = anonymous().get(urls["documents archive"])
    assert response["X-Cache"] == "miss"
    assert "Raportul anual al clusterelor 2026" in text(response)
    assert anonymous().get(document.get_absolute_url()).status_code == 200


def test_creating_and_cancelling_an_event_shows_at_once(site, urls):
    cached(urls["events list"])
    event = upcoming_public_event(title="Forumul clusterelor din Banat", days=20)
    response = anonymous().get(urls["events list"])
    assert response["X-Cache"] == "miss"
    assert "Forumul clusterelor din Banat" in text(response)
    cached(event.get_absolute_url())
    event_services.event_cancel(event=event, by=None)
    assert "This event has been cancelled." in text(anonymous().get(event.get_absolute_url()))


def test_an_accepted_status_report_shows_at_once(site, urls):
    project = site["project"]
    manager = UserFactory()
    cluster_services.cluster_manager_add(cluster=project.cluster, manager=manager, by=None)
    officer = UserFactory(staff=True)
    officer.groups.add(Group.objects.get_or_create(name=PROGRAMME_OFFICERS_GROUP)[0])
    report = project_services.report_create(
        project=project, user=manager, as_of=date(2020, 3, 31),
        results="- o platformă de colaborare pusă în funcțiune", ongoing_activities="-",
        members_count=77)
    project_services.report_submit(report=report, user=manager)
    cached(urls["a project"])
    cached(urls["programme report"])
    assert "o platformă de colaborare pusă în funcțiune" not in text(
        anonymous().get(urls["a project"]))
    project_services.report_accept(report=report, user=officer)
    assert StatusReport.objects.get(pk=report.pk).state == StatusReport.State.ACCEPTED
    response = anonymous().get(urls["a project"])
    assert response["X-Cache"] == "miss"
    assert "o platformă de colaborare pusă în funcțiune" in text(response)
    assert anonymous().get(urls["programme report"])["X-Cache"] == "miss"


# --- the generation -----------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_bump_at_once_and_after_commit_once_per_transaction():
    before = pagecache.current_generation()
    with transaction.atomic():
        for n in range(3):
            Sector.objects.create(slug=f"sector-{n}", name_ro=f"Sector {n}", name_en=f"S {n}")
        during = pagecache.current_generation()
    assert during == before + 3  # each write: this connection's own reads see it
    assert pagecache.current_generation() == during + 1  # and once more at the commit
    # Autocommit: the write is committed already, one bump.
    Sector.objects.create(slug="sector-x", name_ro="Sector x", name_en="S x")
    assert pagecache.current_generation() == during + 2
    # Rolled back: no bump at a commit that never comes.
    with transaction.atomic():
        Sector.objects.create(slug="sector-y", name_ro="Sector y", name_en="S y")
        transaction.set_rollback(True)
    assert not Sector.objects.filter(slug="sector-y").exists()
    assert pagecache.current_generation() == during + 3


def test_writes_to_excluded_models_and_logins_do_not_bump(site):
    from django.contrib.sessions.backends.db import SessionStore

    user = UserFactory()
    before = pagecache.current_generation()
    session = SessionStore()
    session["x"] = 1
    session.save()
    Client().force_login(user)  # saves last_login only
    document_services.record_download(document=site["document"],
                                      version=site["document"].published_version, user=None)
    assert pagecache.current_generation() == before


def test_a_lost_generation_restarts_at_a_random_number(urls):
    """Old entries never match again when the generation is lost (eviction, restart)."""
    url = urls["home"]
    cached(url)
    cache.delete(pagecache.GENERATION_KEY)
    pagecache.bump_generation()  # on a missing key: a fresh random start, not 1
    assert pagecache.current_generation() > 2**20
    assert anonymous().get(url)["X-Cache"] == "miss"


def test_a_page_rendered_during_a_write_is_not_served_afterwards(urls):
    """A write that commits while a page renders leaves that page unusable: it carries the
    generation read before rendering."""
    url = urls["programme page"]

    def write_meanwhile(**kwargs):
        template_rendered.disconnect(write_meanwhile)
        pagecache.bump_generation()

    template_rendered.connect(write_meanwhile)
    try:
        assert anonymous().get(url)["X-Cache"] == "miss"
    finally:
        template_rendered.disconnect(write_meanwhile)
    assert anonymous().get(url)["X-Cache"] == "miss"
    assert anonymous().get(url)["X-Cache"] == "hit"


def test_explicit_bump_for_writes_without_signals(site, urls):
    """QuerySet.update() sends no signal: services that use it call public_content_changed()."""
    project = site["project"]
    cached(urls["a project"])
    type(project).objects.filter(pk=project.pk).update(title="Un titlu schimbat prin update")
    assert anonymous().get(urls["a project"])["X-Cache"] == "hit"  # what the call is for
    pagecache.public_content_changed()
    response = anonymous().get(urls["a project"])
    assert "Un titlu schimbat prin update" in text(response)


def test_with_redis_as_the_cache(urls, settings, redis_url, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url, "KEY_PREFIX": "pagecache-test"}}

    def forget():  # only this test's keys: the Redis database may be shared
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter("pagecache-test:*"):
            client.delete(key)

    forget()
    try:
        url = urls["events list"]
        assert anonymous().get(url)["X-Cache"] == "miss"
        with django_assert_num_queries(0):
            assert anonymous().get(url)["X-Cache"] == "hit"
        upcoming_public_event(title="Ziua porților deschise la clusterul Banat", days=25)
        response = anonymous().get(url)
        assert response["X-Cache"] == "miss"
        assert "Ziua porților deschise la clusterul Banat" in text(response)
    finally:
        forget()
