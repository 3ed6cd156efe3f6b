"""Security checklist: each test is one item, its docstring the requirement.

1. Production settings: the deploy check, the security headers, secure cookies, a strict
   Content-Security-Policy (and no inline script in any template), unknown hosts refused.
2. CSRF on every state-changing view; no csrf_exempt view but token-authenticated API views
   and the documented upload views that check CSRF themselves.
3. Rate limits on login, sign-up, password reset and the Django admin login.
4. No account enumeration through sign-up or password reset.
5. Sessions: a new session id at login, and the old cookie is dead after logout.

The rate-limit counters live in the cache: tests/conftest.py clears it around every test."""

import importlib
import itertools
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils.crypto import get_random_string
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.views import APIView

from clusters.models import ClusterLabel
from documents.models import Document
from events.models import Registration
from projects.models import StatusReport, StatusReportAttachment
from tests.accounts.helpers import login_data, mails_to, signup_data
from tests.config.test_settings import PRODUCTION_ENV, run
from tests.documents.web_helpers import create_document, member_of, upload_form
from tests.events.conftest import make_event
from tests.factories import PASSWORD, UserFactory
from tests.security.test_hostile_text import make_project_with_manager
from tests.security.test_uploads import image_bytes, pdf_bytes
from workinggroups.models import WorkingGroup

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HOST = "clusterpolicy.example.org"


# --- helpers ---------------------------------------------------------------------------------

def csrf_failure_marker(request, reason=""):
    """Stands in for Django's CSRF failure page, so a test can tell a CSRF refusal from any
    other 403 (CSRF_FAILURE_VIEW is overridden in the CSRF tests)."""
    response = HttpResponseForbidden(reason)
    response["X-CSRF-Rejected"] = "1"
    return response


def csrf_rejected(response) -> bool:
    return response.status_code == 403 and response.get("X-CSRF-Rejected") == "1"


@pytest.fixture
def csrf_marker(settings):
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_failure_marker"


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def session_exists(key: str) -> bool:
    engine = importlib.import_module(django_settings.SESSION_ENGINE)
    return engine.SessionStore().exists(key)


def english_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


# Settings that production.py tightens for the browser: copied into the test settings.
PRODUCTION_SECURITY_PREFIXES = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_",
                                "LANGUAGE_COOKIE_")
PRODUCTION_SECURITY_NAMES = ("ALLOWED_HOSTS", "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY",
                             "MIDDLEWARE")


@pytest.fixture
def production(settings, monkeypatch):
    """The test settings with production.py's security settings, read from the real module
    under a production environment (database, cache and storage stay the test ones)."""
    for key, value in PRODUCTION_ENV.items():
        if key != "DJANGO_SETTINGS_MODULE":
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("DEBUG", "false")
    sys.modules.pop("config.settings.production", None)
    try:
        module = importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
    copied = [name for name in dir(module) if name.isupper() and (
        name.startswith(PRODUCTION_SECURITY_PREFIXES) or name in PRODUCTION_SECURITY_NAMES)]
    for name in copied:
        setattr(settings, name, getattr(module, name))
    assert settings.ALLOWED_HOSTS == [HOST]
    assert settings.SESSION_COOKIE_NAME.startswith("__Host-")
    return settings


def https_client() -> Client:
    """A browser reaching production through the TLS-terminating proxy."""
    return Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="en")


def rate(action: str, per: str) -> int:
    """How many attempts ACCOUNT_RATE_LIMITS[action] allows per `per` (ip, key or user)."""
    for part in django_settings.ACCOUNT_RATE_LIMITS[action].split(","):
        amount, _duration, *rest = part.strip().split("/")
        if (rest[0] if rest else "ip") == per:
            return int(amount)
    raise AssertionError(f"{action} has no per-{per} limit")


# --- 1. production settings --------------------------------------------------------------------

def test_production_settings_pass_the_deploy_check():
    """`manage.py check --deploy --fail-level WARNING` passes with the production settings
    (the environment of the Makefile's `check` target)."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///check.sqlite3"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PAGES = ["core:home", "account_login", "clusters:index", "admin:login"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_hsts(production, page):
    """Every page tells browsers to use HTTPS only, for a year, subdomains included."""
    response = https_client().get(reverse(page))
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload")


def test_plain_http_is_redirected_to_https(production):
    """A plain-HTTP request is redirected to the same address over HTTPS."""
    response = Client(HTTP_HOST=HOST).get(reverse("clusters:index"))
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}{reverse('clusters:index')}"


def test_session_cookie_is_secure_and_httponly(production):
    """The session cookie is Secure, HttpOnly, SameSite=Lax and a __Host- cookie (no Domain,
    Path=/), so no script, subdomain or plain-HTTP page can read or plant it."""
    user = UserFactory()
    response = https_client().post(reverse("account_login"), login_data(user.email))
    assert response.status_code == 302
    cookie = response.cookies[production.SESSION_COOKIE_NAME]
    assert production.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert (cookie["path"], cookie["domain"]) == ("/", "")


def test_csrf_cookie_is_secure(production):
    """The CSRF cookie is Secure (and HttpOnly), a __Host- cookie."""
    response = https_client().get(reverse("account_login"))
    assert response.status_code == 200
    cookie = response.cookies[production.CSRF_COOKIE_NAME]
    assert production.CSRF_COOKIE_NAME == "__Host-csrftoken"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert (cookie["path"], cookie["domain"]) == ("/", "")


@pytest.mark.parametrize("page", PAGES)
def test_pages_cannot_be_framed_or_sniffed(production, page):
    """X-Frame-Options: DENY, X-Content-Type-Options: nosniff and a same-origin
    Referrer-Policy on every page."""
    response = https_client().get(reverse(page))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("page", PAGES)
def test_content_security_policy_is_strict(production, page):
    """A Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' for scripts: scripts
    only from the site itself, no plugins, no framing, no foreign <base> or form targets."""
    response = https_client().get(reverse(page))
    policy = csp_directives(response["Content-Security-Policy"])
    script_src = policy.get("script-src", policy["default-src"])
    assert script_src == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for values in policy.values():
        assert "'unsafe-eval'" not in values
        assert "*" not in values
    assert "'unsafe-inline'" not in script_src


COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.S)
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:{%.*?%}|{{.*?}}|[^>])*)>", re.S)
EVENT_HANDLER = re.compile(r"(?:^|\s)on[a-z]+\s*=", re.I)


def project_templates() -> list[Path]:
    folders = [Path(d) for d in django_settings.TEMPLATES[0]["DIRS"]]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()
                if Path(app.path).is_relative_to(ROOT) and ".venv" not in Path(app.path).parts]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.html"))


def test_no_template_has_inline_script():
    """No template has an inline <script> (every script has src=), an on* event-handler
    attribute or a javascript: URL: the CSP would block them, and they are where injected
    text turns into code."""
    templates = project_templates()
    assert len(templates) > 50  # the scan really found the templates
    offences = []
    for template in templates:
        text = COMMENTS.sub("", template.read_text())
        for match in TAG.finditer(text):
            name, attributes = match.group(1).lower(), match.group(2)
            where = f"{template.relative_to(ROOT)}: <{name}{attributes[:60]}>"
            if name == "script" and not re.search(r"\bsrc\s*=", attributes):
                offences.append(where)
            if EVENT_HANDLER.search(attributes):
                offences.append(where)
            if re.search(r"javascript:", attributes, re.I):
                offences.append(where)
    assert offences == []


def test_unknown_host_gets_400(production):
    """A request for a host name not in ALLOWED_HOSTS is refused with 400."""
    response = https_client().get(reverse("core:home"), HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    assert https_client().get(reverse("core:home")).status_code == 200


# --- 2. CSRF -----------------------------------------------------------------------------------

# csrf_exempt on the outside so the size-limiting upload handler is installed before anything
# reads the body; csrf_protect on the inside (see documents/views.py, projects/workflow_views.py,
# clusters/views.py). test_upload_views_check_csrf_themselves proves each one refuses a POST
# without the token.
UPLOAD_VIEWS_CHECKING_CSRF_INSIDE = {
    "documents:upload", "documents:version_new", "projects:attachment_add",
    "clusters:edit", "clusters:label_add"}

SAMPLE_VALUES = ["1", "x", "WG1", "auth", "csv", "x-1"]
# A format suffix the API really renders (an unknown one is a 404 before authentication).
SAMPLE_VALUES_BY_NAME = {"format": ["json"]}


def url_patterns(resolver=None, namespace=""):
    """(full name or None, pattern) of every URL pattern, includes followed (admin, allauth,
    the API router)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_patterns(pattern, inner)
        else:
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None
            yield name, pattern


def sample_url(name: str, pattern) -> str | None:
    """An address of this named pattern, with made-up arguments that satisfy its converters."""
    parameters = list(pattern.pattern.regex.groupindex)
    choices = [SAMPLE_VALUES_BY_NAME.get(p, SAMPLE_VALUES) for p in parameters]
    for values in itertools.product(*choices):
        try:
            return reverse(name, kwargs=dict(zip(parameters, values, strict=True)))
        except NoReverseMatch:
            continue
    return None


def is_drf_view(callback) -> bool:
    return isinstance(getattr(callback, "cls", None), type) and issubclass(callback.cls, APIView)


def test_every_non_api_view_refuses_a_post_without_csrf_token(csrf_marker):
    """A logged-in, approved user's POST without a CSRF token is refused by the CSRF check on
    every address of the site: every URL pattern (admin and allauth included) is tried.
    Exceptions, each documented: the API (next tests) and the upload views that check CSRF
    inside, after their object lookup (test_upload_views_check_csrf_themselves)."""
    client = csrf_client(UserFactory())
    tried, unreachable, not_refused = set(), [], []
    for name, pattern in url_patterns():
        if name is None or is_drf_view(pattern.callback):
            continue
        url = sample_url(name, pattern)
        if url is None:
            unreachable.append(name)
            continue
        if url in tried:
            continue
        tried.add(url)
        response = client.post(url)
        if name in UPLOAD_VIEWS_CHECKING_CSRF_INSIDE:
            # The sample object does not exist: the lookup answers before the CSRF check.
            assert response.status_code in (403, 404), name
            continue
        if not csrf_rejected(response):
            not_refused.append((name, url, response.status_code))
    assert unreachable == []
    assert not_refused == []
    assert len(tried) > 150
    assert {"account_login", "account_signup", "account_logout", "admin:login",
            "documents:publish", "events:register", "accounts:moderation_decide",
            "set_language"} <= {name for name, _p in url_patterns()
                                if name and sample_url(name, _p) in tried}


def test_every_api_endpoint_refuses_a_session_post_without_csrf_token():
    """DRF marks its views csrf_exempt, but SessionAuthentication checks CSRF: a request
    authenticated by the session cookie and without the token gets 403 "CSRF Failed" on every
    API endpoint (token-authenticated clients need no CSRF token: no cookie is involved)."""
    client = csrf_client(UserFactory())
    tried, not_refused = set(), []
    for name, pattern in url_patterns():
        if name is None or not is_drf_view(pattern.callback):
            continue
        url = sample_url(name, pattern)
        assert url is not None, name
        if url in tried:
            continue
        tried.add(url)
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(url)
            # response.data: the documentation page renders its errors as HTML.
            detail = str((getattr(response, "data", None) or {}).get("detail", ""))
            if response.status_code != 403 or not detail.startswith("CSRF Failed"):
                not_refused.append((name, url, method.__name__, response.status_code))
    assert not_refused == []
    assert len(tried) > 20


def test_no_view_is_csrf_exempt_except_token_api_views_and_documented_uploads():
    """The only csrf_exempt views are DRF API views, whose authentication is by token or by
    DRF's stock SessionAuthentication (which enforces CSRF), and the documented upload views."""
    exempt = []
    for name, pattern in url_patterns():
        callback = pattern.callback
        if not getattr(callback, "csrf_exempt", False):
            continue
        if is_drf_view(callback):
            for authentication in callback.cls.authentication_classes:
                assert issubclass(authentication, TokenAuthentication) or (
                    issubclass(authentication, SessionAuthentication)
                    and authentication.enforce_csrf is SessionAuthentication.enforce_csrf
                ), (name, authentication)
            continue
        exempt.append(name)
    assert sorted(exempt) == sorted(UPLOAD_VIEWS_CHECKING_CSRF_INSIDE)


def with_csrf_token(client: Client) -> str:
    """Give the client a CSRF cookie and return the matching token."""
    token = get_random_string(32)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    return token


def test_upload_views_check_csrf_themselves(csrf_marker):
    """The five upload views that are csrf_exempt on the outside refuse a member's POST
    without the token (and accept it with the token)."""
    group = WorkingGroup.objects.get(code="WG1")
    member = member_of(group)
    document = create_document(group, member)
    project, manager = make_project_with_manager()
    report = StatusReport.objects.create(project=project, as_of="2019-12-31")
    client = csrf_client(member)
    attempts = [
        (reverse("documents:upload", args=["WG1"]), upload_form()),
        (reverse("documents:version_new", args=[document.pk]),
         {"note": "A doua variantă", "file": upload_form()["file"]}),
    ]
    for url, data in attempts:
        assert csrf_rejected(client.post(url, data)), url
    assert Document.objects.count() == 1
    assert document.versions.count() == 1

    manager_client = csrf_client(manager)
    url = reverse("projects:attachment_add", args=[project.slug, report.pk])
    assert csrf_rejected(manager_client.post(url, {"file": upload_form()["file"]}))
    assert not StatusReportAttachment.objects.exists()

    # The cluster's logo and label certificate, by a manager of the cluster.
    cluster = project.cluster
    logo = SimpleUploadedFile("logo.png", image_bytes("PNG"), "image/png")
    label_url = reverse("clusters:label_add", args=[cluster.slug])
    label = {"level": "gold", "issuer": "esca", "awarded_on": "2026-03-01",
             "valid_until": "2028-03-01"}
    assert csrf_rejected(manager_client.post(reverse("clusters:edit", args=[cluster.slug]), {
        "name": "Renamed", "region": cluster.region_id, "logo": logo}))
    assert csrf_rejected(manager_client.post(label_url, {
        **label, "evidence_file": SimpleUploadedFile("label.pdf", pdf_bytes())}))
    cluster.refresh_from_db()
    assert cluster.name != "Renamed"
    assert not cluster.logo
    assert not ClusterLabel.objects.filter(cluster=cluster).exists()

    # With the token the same upload goes through: the 403 above was the CSRF check.
    token = with_csrf_token(client)
    response = client.post(attempts[0][0], {**upload_form(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Document.objects.count() == 2
    token = with_csrf_token(manager_client)
    response = manager_client.post(label_url, {
        **label, "evidence_file": SimpleUploadedFile("label.pdf", pdf_bytes()),
        "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ClusterLabel.objects.get(cluster=cluster).evidence_file


def test_session_authenticated_api_write_needs_the_csrf_token():
    """An unsafe API request carried by the session cookie alone (what a hostile page can make
    a browser send) is refused with 403 and changes nothing; with the token it works."""
    user = UserFactory()
    event = make_event(takes_registrations=True)
    client = csrf_client(user)
    url = reverse("api:event-registration", args=[event.pk])
    response = client.post(url)
    assert response.status_code == 403
    assert "CSRF Failed" in response.json()["detail"]
    assert not Registration.objects.filter(event=event, user=user).exists()

    token = with_csrf_token(client)
    response = client.post(url, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    assert Registration.objects.filter(event=event, user=user).exists()


# --- 3. rate limits ----------------------------------------------------------------------------

def test_login_locks_an_account_after_repeated_failures():
    """After the allowed number of wrong passwords for one account (login_failed, per key),
    even the right password is refused for a while."""
    user = UserFactory()
    client = english_client()
    for _ in range(rate("login_failed", "key")):
        response = client.post(reverse("account_login"), login_data(user.email, "wrong-password"))
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_login"), login_data(user.email, PASSWORD))
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_attempts_beyond_the_limit_get_429():
    """Login attempts from one address beyond the login limit (per IP) get 429."""
    client = english_client()
    for _ in range(rate("login", "ip")):
        assert client.post(reverse("account_login"), {}).status_code == 200
    assert client.post(reverse("account_login"), {}).status_code == 429
    # A fresh address is not affected.
    assert english_client().post(reverse("account_login"), {},
                                 REMOTE_ADDR="10.1.2.3").status_code == 200


def test_signups_beyond_the_limit_get_429():
    """Sign-up attempts from one address beyond the signup limit (per IP) get 429."""
    client = english_client()
    for _ in range(rate("signup", "ip")):
        assert client.post(reverse("account_signup"), {}).status_code == 200
    assert client.post(reverse("account_signup"), {}).status_code == 429


def test_password_resets_beyond_the_limit_get_429(capture_commits):
    """Password-reset requests for one address beyond the reset_password limit (per key) get
    429, and send no further e-mail."""
    user = UserFactory()
    client = english_client()
    with capture_commits():
        for _ in range(rate("reset_password", "key")):
            response = client.post(reverse("account_reset_password"), {"email": user.email})
            assert response.status_code == 302
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 429
    assert len(mails_to(user.email)) == rate("reset_password", "key")


def admin_login(client, username, password, **extra):
    return client.post(reverse("admin:login"), {"username": username, "password": password,
                                                "next": reverse("admin:index")}, **extra)


def test_admin_login_locks_an_account_after_repeated_attempts():
    """The Django admin login is rate limited per account (ACCOUNT_RATE_LIMITS["admin_login"],
    per key): beyond the limit even the right password gets 429, before it is checked."""
    staff = UserFactory(staff=True, is_superuser=True)
    client = english_client()
    for _ in range(rate("admin_login", "key")):
        assert admin_login(client, staff.email, "wrong-password").status_code == 200
    response = admin_login(client, staff.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from another address still logs in.
    other = UserFactory(staff=True, is_superuser=True)
    response = admin_login(english_client(), other.email, PASSWORD, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302


def test_admin_login_attempts_beyond_the_limit_get_429():
    """Admin login attempts from one address beyond the per-IP limit get 429, whatever
    account they name."""
    client = english_client()
    for i in range(rate("admin_login", "ip")):
        assert admin_login(client, f"guess{i}@example.org", "x").status_code == 200
    assert admin_login(client, "guess-more@example.org", "x").status_code == 429


# --- 4. no enumeration -------------------------------------------------------------------------

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def comparable(response, email: str) -> tuple:
    body = CSRF_VALUE.sub("", response.content.decode()).replace(email, "EMAIL")
    return (response.status_code, [t.name for t in response.templates], body)


def test_signup_does_not_reveal_a_registered_address(capture_commits):
    """Signing up with an address that already has an account answers exactly like signing
    up with a new one (same redirect, same page), and either way the address gets exactly
    one e-mail (ACCOUNT_PREVENT_ENUMERATION: the owner learns of the attempt by mail)."""
    taken = UserFactory(email="taken@example.org").email
    fresh = "fresh@example.org"
    answers = {}
    for email in (taken, fresh):
        client = english_client()
        with capture_commits():
            response = client.post(reverse("account_signup"), signup_data(email=email))
        assert response.status_code == 302
        page = client.get(response["Location"])
        answers[email] = (response["Location"], comparable(page, email))
        assert len(mails_to(email)) == 1, email
    assert answers[taken] == answers[fresh]


def test_password_reset_does_not_reveal_a_registered_address(capture_commits):
    """A password-reset request for an unknown address answers exactly like one for a known
    address; each address gets exactly one e-mail."""
    known = UserFactory(email="known@example.org").email
    unknown = "nobody@example.org"
    answers = {}
    for email in (known, unknown):
        client = english_client()
        with capture_commits():
            response = client.post(reverse("account_reset_password"), {"email": email})
        page = client.get(response["Location"])
        answers[email] = (response.status_code, response["Location"], comparable(page, email))
        assert len(mails_to(email)) == 1, email
    assert answers[known] == answers[unknown]
    assert answers[known][0] == 302


# --- 5. sessions -------------------------------------------------------------------------------

def test_session_id_changes_at_login():
    """Logging in issues a new session id and deletes the old session (no session fixation)."""
    user = UserFactory()
    client = english_client()
    session = client.session  # an anonymous session, as a planted cookie would be
    session["planted"] = True
    session.save()
    before = session.session_key
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value == before
    response = client.post(reverse("account_login"), login_data(user.email))
    assert response.status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not session_exists(before)


def test_old_session_cookie_is_dead_after_logout():
    """After logout, replaying the old session cookie in another browser authenticates
    nothing: private pages send it to the login page."""
    user = UserFactory()
    client = english_client()
    client.post(reverse("account_login"), login_data(user.email))
    old_cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    private = reverse("accounts:profile")

    replay = english_client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = old_cookie
    assert replay.get(private).status_code == 200  # the cookie works before logout

    assert client.post(reverse("account_logout")).status_code == 302
    replay = english_client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(private)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not session_exists(old_cookie)
