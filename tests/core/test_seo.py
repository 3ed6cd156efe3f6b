"""Head tags: a title, a description, Open Graph, a canonical link and hreflang alternates
between the Romanian and English addresses of each page (?lang=), which the middleware honours
for that request only."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


class HeadParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.title, self._in_title = {}, [], "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs.get("property"), []).append(
                attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head(response) -> HeadParser:
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def test_home_has_title_description_and_open_graph(client):
    page = head(client.get("/"))
    assert page.title == "Cluster policy in Romania and South-East Europe · Cluster Policy Platform"
    description = page.meta["description"][0]
    assert description.startswith("A collaboration, learning and information platform")
    assert page.meta["og:title"] == ["Cluster policy in Romania and South-East Europe"]
    assert page.meta["og:description"] == [description]
    assert page.meta["og:type"] == ["website"]
    assert page.meta["og:site_name"] == ["Cluster Policy Platform"]
    assert page.meta["og:url"] == [f"{BASE}/?lang=en"]
    assert page.meta["og:locale"] == ["en_GB"]
    assert page.meta["og:locale:alternate"] == ["ro_RO"]


def test_pages_without_their_own_description_get_the_default(client):
    page = head(client.get(reverse("events:index")))
    assert page.meta["description"][0].startswith("A collaboration, learning and information")
    assert page.title.endswith(" · Cluster Policy Platform")
    assert page.meta["og:title"][0]
    assert " · " not in page.meta["og:title"][0]


def test_titles_with_special_characters_are_escaped_once(client):
    page = head(client.get(reverse("account_login")))
    assert "&amp;" not in page.title
    assert page.title.strip()


def alternates(page) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in page.links
            if link.get("rel") == "alternate" and "hreflang" in link}


def test_hreflang_links_keep_the_query_and_set_the_language(client):
    page = head(client.get(reverse("events:past") + "?page=1&lang=en"))
    assert alternates(page) == {
        "ro": f"{BASE}/events/past/?page=1&lang=ro",
        "en": f"{BASE}/events/past/?page=1&lang=en",
        "x-default": f"{BASE}/events/past/?page=1",
    }
    canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    assert canonical == [f"{BASE}/events/past/?page=1&lang=en"]


def test_the_lang_parameter_shows_the_page_in_that_language():
    english_browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = english_browser.get("/?lang=ro")
    body = response.content.decode()
    assert '<html lang="ro">' in body
    assert "Grupuri de lucru" in body
    assert response["Content-Language"] == "ro"
    page = head(response)
    assert page.meta["og:locale"] == ["ro_RO"]
    assert [link["href"] for link in page.links if link.get("rel") == "canonical"] == [
        f"{BASE}/?lang=ro"]


def test_the_lang_parameter_stores_nothing():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/?lang=ro")
    assert "django_language" not in response.cookies
    # The next page without the parameter is in the visitor's own language again.
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.parametrize("value", ["de", "", "RO", "ro-evil", "<script>"])
def test_an_unknown_lang_is_ignored(value):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/", {"lang": value})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_switching_language_from_a_lang_address_is_not_overridden():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("set_language"),
                           {"language": "ro", "next": "/events/past/?page=2&lang=en"})
    assert response.status_code == 302
    assert response["Location"] == "/events/past/?page=2"
    assert '<html lang="ro">' in client.get(response["Location"]).content.decode()
