"""Every page has the site's layout: navigation, account links, language switch, messages,
footer; static files are our own (no CDN); security headers are sent."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECTIONS = ["clusters:index", "workinggroups:index", "documents:index", "events:index",
            "projects:index"]
PUBLIC_PAGES = ["core:home", "account_login", "account_signup", "account_reset_password",
                *SECTIONS]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_the_layout(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    for section in SECTIONS:
        assert f'href="{reverse(section)}"' in body
    assert f'href="{reverse("account_login")}"' in body
    assert f'href="{reverse("account_signup")}"' in body
    assert f'action="{reverse("set_language")}"' in body
    assert "<footer" in body
    assert body.count("<h1") == 1


def test_logged_in_users_see_their_menu(user_client, user):
    body = user_client.get(reverse("core:home")).content.decode()
    assert user.full_name in body
    assert f'href="{reverse("accounts:profile")}"' in body
    assert f'action="{reverse("account_logout")}"' in body
    assert f'href="{reverse("account_signup")}"' not in body
    assert reverse("accounts:moderation") not in body  # not staff


def test_staff_menu_links_to_moderation(staff_client):
    body = staff_client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("accounts:moderation")}"' in body


def test_flash_messages_are_shown(user_client):
    response = user_client.post(reverse("accounts:profile"), {
        "full_name": "Ana", "organisation": "Org", "country": "RO", "language": "en",
        "time_zone": "Europe/Bucharest",
    }, follow=True)
    assert "Your profile has been saved." in response.content.decode()
    assert 'class="alert alert-success' in response.content.decode()


def test_no_asset_comes_from_another_host(client):
    body = client.get(reverse("core:home")).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    assets = [s for s in sources if s.endswith((".css", ".js", ".svg"))]
    assert any("bootstrap.min.css" in s for s in assets)
    assert any("bootstrap.bundle.min.js" in s for s in assets)
    assert all(s.startswith("/static/") for s in assets), assets
    assert "<script>" not in body
    assert "style=" not in body


def test_site_speaks_romanian_by_default_and_english_on_request():
    romanian = Client().get(reverse("core:home"))
    assert '<html lang="ro">' in romanian.content.decode()
    assert "Grupuri de lucru" in romanian.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("core:home"))
    assert '<html lang="en">' in english.content.decode()
    assert "Working groups" in english.content.decode()


def test_language_choice_persists():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/clusters/"})
    assert response.status_code == 302
    assert response["Location"] == "/clusters/"
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("core:home")).content.decode()


def test_language_choice_is_saved_in_the_profile(user):
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "ro", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ro"


def test_unknown_language_is_ignored(user):
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_security_headers(client):
    response = client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_not_found_page_uses_the_layout(client):
    response = client.get("/nu-exista/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert f'href="{reverse("clusters:index")}"' in body


def test_dates_are_shown_in_bucharest_time(settings):
    assert settings.TIME_ZONE == "Europe/Bucharest"
    assert settings.USE_TZ


def test_unknown_host_gets_400(settings):
    settings.ALLOWED_HOSTS = ["clusterpolicy.example.org"]
    response = Client().get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
