"""Scale-out: two gunicorn instances with the production settings on one PostgreSQL database
and one Redis cache share every session. A login on instance A works on instance B, and a
logout on B kills the cookie on A too: nothing of a user lives in one web process."""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD, UserFactory

from .servers import manage, production_env, request, start_gunicorn, stop_gunicorn

# Committed rows (the servers are other processes); serialized_rollback as the other
# transactional tests of the suite, so the database is restored with its content types.
pytestmark = [pytest.mark.services,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SESSION = "__Host-sessionid"
CSRF = "__Host-csrftoken"


def database_url():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return (f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            f"/{s['NAME']}")


class Browser:
    """Just enough of a browser: a cookie jar, and the Origin and Referer that CSRF checks."""

    def __init__(self):
        self.cookies = {}

    def send(self, port, method, path, form=None):
        headers = {"Origin": "https://localhost", "Referer": f"https://localhost{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response, text = request(port, method, path, headers=headers, body=body)
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return status, response, text

    def csrf_form(self, port, path, **fields):
        status, _, text = self.send(port, "GET", path)
        assert status == 200, text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
        return {"csrfmiddlewaretoken": token, **fields}


@pytest.fixture
def instances(require_postgresql, redis_url, tmp_path):
    env = production_env(tmp_path, DATABASE_URL=database_url(), CACHE_URL=redis_url,
                         CONN_MAX_AGE="0")
    manage(env, "collectstatic", "--noinput", "-v0")
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(start_gunicorn(env, log_path=tmp_path / f"gunicorn-{name}.log"))
        yield [port for _, port in servers]
    finally:
        for process, _ in servers:
            stop_gunicorn(process)


def test_one_login_on_both_instances(instances):
    a, b = instances
    assert a != b
    user = UserFactory(email="two.instances@example.org")
    # The test settings hash with MD5, which production does not accept.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    browser = Browser()

    form = browser.csrf_form(a, "/accounts/login/", login=user.email, password=PASSWORD)
    status, response, _ = browser.send(a, "POST", "/accounts/login/", form)
    assert status == 302, response.getheader("Location")
    assert SESSION in browser.cookies

    # The session made by A is valid on B.
    status, _, text = browser.send(b, "GET", "/accounts/profile/")
    assert status == 200
    assert user.email in text
    anonymous_status, response, _ = Browser().send(b, "GET", "/accounts/profile/")
    assert anonymous_status == 302
    assert "/accounts/login/" in response.getheader("Location")

    # Logging out on B ends the session everywhere: the old cookie is dead on A.
    old_cookie = browser.cookies[SESSION]
    form = browser.csrf_form(b, "/accounts/logout/")
    status, _, _ = browser.send(b, "POST", "/accounts/logout/", form)
    assert status == 302
    assert SESSION not in browser.cookies
    replay = Browser()
    replay.cookies = {SESSION: old_cookie}
    status, response, _ = replay.send(a, "GET", "/accounts/profile/")
    assert status == 302
    assert "/accounts/login/" in response.getheader("Location")
