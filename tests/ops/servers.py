"""Real servers for the operations tests: a private PostgreSQL cluster that a test may stop
and start, and gunicorn serving the production settings."""

import contextlib
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
from glob import glob
from pathlib import Path

from tests.config.test_production_server import free_port, wait_for_port
from tests.config.test_settings import PRODUCTION_ENV, ROOT
from tests.conftest import unavailable


def production_env(tmp: Path, **overrides) -> dict:
    """The environment of a production process: a clean shell environment, the production
    settings, and a local media and static directory."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(PRODUCTION_ENV)
    env.update({
        "ALLOWED_HOSTS": "localhost",
        "CACHE_URL": "locmemcache://",
        "CELERY_BROKER_URL": "memory://",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_FORMAT": "json",
    })
    env.update(overrides)
    return env


def manage(env: dict, *args: str, timeout: int = 300):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=timeout)


def start_gunicorn(env: dict, *, workers: int = 1, log_path: Path | None = None):
    """gunicorn on a free loopback port; returns (process, port). The output goes to log_path
    (a pipe nobody reads would block the server once full)."""
    port = free_port()
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed by stop_gunicorn
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    process.log = log
    try:
        _wait_for_port(port, process, log_path)
    except BaseException:
        stop_gunicorn(process)
        raise
    return process, port


def _wait_for_port(port, process, log_path):
    try:
        wait_for_port(port, process)
    except RuntimeError:
        output = Path(log_path).read_text() if log_path else ""
        raise RuntimeError(f"gunicorn exited: {output[-3000:]}") from None


def stop_gunicorn(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    process.log.close()


def request(port, method="GET", path="/", *, headers=None, body=None, timeout=10):
    """One request as the TLS-terminating proxy sends it (Host and X-Forwarded-Proto);
    returns (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={
            "Host": "localhost", "X-Forwarded-Proto": "https", **(headers or {})})
        response = connection.getresponse()
        return response.status, response, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class PrivatePostgres:
    """A PostgreSQL cluster of this test only (initdb in a temporary directory, a free port),
    so that the test may stop and start it. As root, the server runs as the `postgres` user."""

    def __init__(self):
        binaries = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not binaries:
            unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        self.bin = Path(binaries[-1]).parent
        self.as_owner = []
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                unavailable("runuser is needed to run PostgreSQL as root")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.dir = Path(tempfile.mkdtemp(prefix="ops-pg-"))
        if self.as_owner:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")
        self.start()

    def _run(self, program, *args, timeout=60):
        return subprocess.run([*self.as_owner, str(self.bin / program), *args], check=True,
                              capture_output=True, text=True, timeout=timeout)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.dir / "server.log"), "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, database: str, query: str, params=()):
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                      dbname=database)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def poll(predicate, *, timeout: float, interval: float = 0.2):
    """predicate() until it returns something true; that value, or None after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None
