"""Production settings served by gunicorn, both ways the README documents: gunicorn terminating
TLS itself (--certfile/--keyfile), and plain HTTP behind a proxy that sets X-Forwarded-Proto."""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import unavailable

from .test_settings import PRODUCTION_ENV, ROOT


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def production_servers(tmp_path_factory):
    if not shutil.which("openssl"):
        unavailable("openssl is needed to make a test certificate")
    tmp = tmp_path_factory.mktemp("production")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem"],
        check=True, capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(PRODUCTION_ENV)
    env.update({
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
    })
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=300)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    tls_port, plain_port = free_port(), free_port()
    processes = [
        subprocess.Popen(
            [gunicorn, "config.wsgi:application", "--workers", "1", "--bind",
             f"127.0.0.1:{port}", *extra],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for port, extra in (
            (tls_port, ["--certfile", str(tmp / "cert.pem"), "--keyfile", str(tmp / "key.pem")]),
            (plain_port, []),
        )
    ]
    try:
        wait_for_port(tls_port, processes[0])
        wait_for_port(plain_port, processes[1])
        yield {"tls": tls_port, "plain": plain_port}
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def get(port, path="/", *, tls=False, headers=None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "localhost", **(headers or {})})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response, body


def test_gunicorn_serving_tls_itself(production_servers):
    response, body = get(production_servers["tls"], "/accounts/login/", tls=True)
    assert response.status == 200
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    cookie = response.getheader("Set-Cookie")
    assert "__Host-csrftoken=" in cookie
    assert "Secure" in cookie
    assert "/static/vendor/bootstrap-5.3.9/css/bootstrap.min." in body  # hashed, collected


def test_behind_a_tls_terminating_proxy(production_servers):
    response, _ = get(production_servers["plain"], headers={"X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security")


def test_plain_http_is_redirected_to_https(production_servers):
    response, _ = get(production_servers["plain"], "/clusters/")
    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/clusters/"


def test_static_files_are_served_by_whitenoise(production_servers):
    _, body = get(production_servers["tls"], tls=True)
    start = body.index("/static/vendor/bootstrap-5.3.9/css/bootstrap.min.")
    path = body[start:body.index('"', start)]
    response, css = get(production_servers["tls"], path, tls=True)
    assert response.status == 200
    assert "Bootstrap" in css[:300]


def test_unknown_host_is_refused(production_servers):
    response, _ = get(production_servers["tls"], tls=True, headers={"Host": "evil.example.com"})
    assert response.status == 400
