"""Fault: the worker is killed (SIGKILL) in the middle of sending an e-mail. With acks_late the
task stays unacknowledged in Redis, is redelivered to another worker after the visibility
timeout, and the e-mail is delivered exactly once.

Real processes: two `celery -A config worker` subprocesses on the test's PostgreSQL database and
Redis, and an SMTP sink run by the test that holds the first delivery unanswered (the worker is
then inside the SMTP conversation, with the outbox row locked) until the worker dies."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from config import celery_app
from notifications import services
from notifications.models import OutboxEmail
from notifications.tasks import send_outbox_email
from tests.celery_helpers import celery_broker

from .helpers import wait_for

VISIBILITY_TIMEOUT = 2  # seconds; production keeps the default (2 hours)
TASK_RECEIVED = re.compile(r"Task notifications\.tasks\.send_outbox_email\[([0-9a-f-]+)\] received")


def test_acks_late_and_reject_on_worker_lost_are_in_effect():
    """What the app (and so every worker) runs with: a task is acknowledged after it finished,
    a task whose worker process died is requeued, and a worker holds one task at a time."""
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] == int(
        os.environ.get("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60))
    assert send_outbox_email.acks_late is True
    assert send_outbox_email.reject_on_worker_lost is True


def database_url() -> str:
    db = connection.settings_dict  # pytest-django's test database (test_<name>)
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A config worker` in its own process group, logging to a file."""

    def __init__(self, name: str, env: dict, log_path):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
             "--pool=prefork", "--concurrency=1", f"--hostname={name}",
             "--without-gossip", "--without-mingle", "--queues=celery"],
            cwd=settings.BASE_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout=40.0):
        wait_for(lambda: " ready." in self.log() or self.process.poll() is not None, timeout)
        assert self.process.poll() is None, f"the worker exited:\n{self.log()}"
        assert " ready." in self.log(), f"the worker did not start:\n{self.log()}"

    def kill(self):
        """SIGKILL the whole process group: the main process and its pool child at once, as
        when a container or machine dies."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        try:
            self.kill()
        except ProcessLookupError:
            pass
        finally:
            self._log.close()


def broker_state(client) -> tuple[int, int]:
    """(tasks waiting in the queue, tasks delivered but not acknowledged)."""
    return client.llen("celery"), client.hlen("unacked")


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_s_email_is_redelivered_and_sent_once(
    require_postgresql, redis_url, smtp_sink, tmp_path
):
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()  # this test's own Redis database: no stale unacknowledged tasks
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "EMAIL_TIMEOUT": "30",
        "SITE_URL": settings.SITE_URL,  # the Message-ID's domain, as in this process
    }
    smtp_sink.stall_next = 1
    token = uuid.uuid4().hex[:8]
    workers = []
    try:
        first = Worker(f"outbox-first-{token}@localhost", env, tmp_path / "first.log")
        workers.append(first)
        first.wait_ready()

        with celery_broker(redis_url):
            message = services.email_queue(  # autocommit: dispatched at once
                key="worker-killed:1", to="ana@example.ro", subject="Ședință WG3",
                body="Ordinea de zi: cooperare internațională.",
            )
        # The first worker took the task and is inside the SMTP conversation, the DATA sent,
        # waiting for the server's answer (and holding the outbox row's lock).
        assert smtp_sink.stalled.wait(timeout=30), first.log()
        stalled_at = time.monotonic()
        first.kill()
        [task_id] = TASK_RECEIVED.findall(first.log())

        # acks_late in the real worker: the task it died with is still unacknowledged.
        assert broker_state(broker) == (0, 1)
        message.refresh_from_db()
        assert message.status == OutboxEmail.Status.PENDING  # its transaction died with it
        assert message.attempts == 0
        assert smtp_sink.messages == []  # the server never accepted the first delivery

        # Let the visibility timeout pass, so the second worker's first scan of unacknowledged
        # tasks (10 s after it starts) puts this one back in the queue.
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - stalled_at)))
        second = Worker(f"outbox-second-{token}@localhost", env, tmp_path / "second.log")
        workers.append(second)
        second.wait_ready()
        assert wait_for(lambda: smtp_sink.with_id(message.message_id), timeout=45), (
            second.log())
        assert wait_for(lambda: OutboxEmail.objects.get(pk=message.pk).status
                        == OutboxEmail.Status.SENT)
        # Acknowledged, nothing left to deliver: no later copy can arrive.
        assert wait_for(lambda: broker_state(broker) == (0, 0)), broker_state(broker)
        assert TASK_RECEIVED.findall(second.log()) == [task_id]  # the same task, redelivered

        # The running worker's own configuration (asked over the broker).
        with celery_broker(redis_url) as app:
            replies = app.control.inspect(destination=[second.name], timeout=5).conf() or {}
        conf = replies.get(second.name, {})
        # Django-style names: the app reads its settings from CELERY_* (namespace CELERY).
        assert conf.get("CELERY_TASK_ACKS_LATE") is True, sorted(conf)
        assert conf.get("CELERY_TASK_REJECT_ON_WORKER_LOST") is True
        assert conf["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == (
            VISIBILITY_TIMEOUT)
    finally:
        for worker in workers:
            worker.stop()
        broker.close()

    message.refresh_from_db()
    assert message.status == OutboxEmail.Status.SENT
    assert message.attempts == 1
    [delivered] = smtp_sink.messages  # exactly once
    assert delivered["Message-ID"] == message.message_id
    # Both deliveries carried the same Message-ID, derived from the outbox key.
    assert smtp_sink.received_ids == [message.message_id, message.message_id]
    assert delivered.get_body(("plain",)).get_content().strip() == (
        "Ordinea de zi: cooperare internațională.")
