"""Lighthouse-style basics of every public page, on demo-like data: one non-empty <title>,
exactly one <h1>, every form field labelled (a <label for>, a wrapping <label>, aria-label or
aria-labelledby pointing at an element that exists), and alt text on every image. The same
pages are loaded in Chromium by tests/browser/test_public_basics.py (no console errors)."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.public_site import build_public_site

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


def public_urls(site) -> dict[str, str]:
    """Name → address of each public page."""
    competition = site["competition"]
    event = site["event"]
    urls = {
        "home": reverse("core:home"),
        "clusters directory": reverse("clusters:index"),
        "a cluster": site["cluster"].get_absolute_url(),
        "documents archive": reverse("documents:index"),
        "a published document": site["document"].get_absolute_url(),
        "events list": reverse("events:index"),
        "past events": reverse("events:past"),
        "events month": reverse("events:month", args=[event.start.year, event.start.month]),
        "an event": event.get_absolute_url(),
        "a past event": site["past_event"].get_absolute_url(),
        "programme page": competition.get_absolute_url(),
        "a project": site["project"].get_absolute_url(),
        "programme report": reverse("projects:report", args=[competition.slug]),
        "working groups": reverse("workinggroups:index"),
        "institutions list": reverse("institutions:index"),
        "an institution": site["institution"].get_absolute_url(),
        "good practices list": reverse("goodpractices:index"),
        "a good practice": site["good_practice"].get_absolute_url(),
        "search": reverse("search:index") + "?q=cluster",
        "search without a query": reverse("search:index"),
        "open data": reverse("core:open-data"),
        "login": reverse("account_login"),
        "sign-up": reverse("account_signup"),
    }
    return urls


class PageBasics(HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.titles: list[str] = []
        self.h1 = 0
        self.fields: list[tuple[dict, bool]] = []  # (attributes, inside a <label>)
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.images: list[dict] = []
        self._label_depth = 0
        self._in_title = False
        self._in_svg = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "title" and not self._in_svg:
            self.titles.append("")
            self._in_title = True
        elif tag == "svg":
            self._in_svg += 1
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if (attrs.get("type") or "text").lower() not in UNLABELLED_TYPES:
                self.fields.append((attrs, self._label_depth > 0))
        elif tag == "img":
            self.images.append(attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("label", "title", "svg"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._label_depth = max(0, self._label_depth - 1)
        elif tag == "svg":
            self._in_svg = max(0, self._in_svg - 1)

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data

    def problems(self) -> list[str]:
        found = []
        if len(self.titles) != 1 or not self.titles[0].strip():
            found.append(f"expected one non-empty <title>, found {self.titles!r}")
        if self.h1 != 1:
            found.append(f"expected exactly one <h1>, found {self.h1}")
        for attrs, wrapped in self.fields:
            labelled_by = (attrs.get("aria-labelledby") or "").split()
            if not (wrapped or (attrs.get("id") and attrs["id"] in self.label_for)
                    or (attrs.get("aria-label") or "").strip()
                    or (labelled_by and all(i in self.ids for i in labelled_by))):
                found.append(f"unlabelled field {attrs!r}")
        for attrs in self.images:
            if "alt" not in attrs:
                found.append(f"image without alt text {attrs.get('src')!r}")
        return found


def check(html: str) -> list[str]:
    parser = PageBasics()
    parser.feed(html)
    parser.close()
    return parser.problems()


def test_the_checker_catches_what_it_should():
    bad = ("<html><head><title> </title></head><body><h1>a</h1><h1>b</h1>"
           "<input name=q><select id=s></select><textarea aria-labelledby=nope></textarea>"
           "<input type=hidden name=h><button type=submit>Go</button>"
           "<img src=x.png></body></html>")
    problems = check(bad)
    assert len(problems) == 6, problems
    good = ("<html><head><title>Clustere</title></head><body><h1>Clustere</h1>"
            "<label for=q>Caută</label><input id=q name=q>"
            "<label>Regiune <select name=r></select></label>"
            "<input aria-label='Data' name=d><span id=t>Text</span>"
            "<textarea aria-labelledby=t></textarea><img src=x.png alt=''></body></html>")
    assert check(good) == []


@pytest.mark.parametrize("language", ["en", "ro"])
def test_every_public_page_has_the_basics(language):
    site = build_public_site()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    report = {}
    for name, url in public_urls(site).items():
        response = client.get(url)
        if response.status_code != 200:
            report[name] = [f"{url} answered {response.status_code}"]
            continue
        problems = check(response.content.decode())
        if problems:
            report[name] = [url, *problems]
    assert report == {}
