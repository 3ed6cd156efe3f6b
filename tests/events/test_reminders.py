"""Reminders: everyone registered for an event starting within EVENT_REMINDER_HOURS gets one
e-mail, in their language, with the .ics attached; once, however often Celery beat runs the
task; again after the event moves to a new date. One test runs the beat task on a real Celery
worker through Redis, delivering over SMTP."""

import time
from datetime import datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from config.celery import app as celery_app
from events import services
from events.models import Registration
from events.tasks import send_event_reminders
from notifications.models import OutboxEmail
from tests.celery_helpers import celery_broker
from tests.factories import UserFactory
from tests.notifications.test_worker_smtp import Sink, free_port, wait_for

from .conftest import BUCHAREST, make_event


@pytest.fixture(autouse=True)
def _reminder_hours(settings):
    settings.EVENT_REMINDER_HOURS = 24


def reminders(user=None):
    messages = OutboxEmail.objects.filter(key__startswith="event-reminder").order_by("pk")
    return list(messages.filter(to=user.email) if user else messages)


def vevent_of(content: str):
    [component] = Calendar.from_ical(content).walk("VEVENT")
    return component


# A fixed date in the future: registration is open now, and `now` is passed to the service.
START = datetime(2027, 3, 10, 10, 0, tzinfo=BUCHAREST)


@pytest.fixture
def event(db):
    return make_event(start=START, takes_registrations=True, capacity=2, waiting_list=True)


@pytest.fixture
def people(event):
    """Two registered (one reads Romanian), one waiting, one who cancelled."""
    ana = UserFactory(full_name="Ana Popescu", email="ana@example.ro", language="ro")
    john = UserFactory(full_name="John Smith", email="john@example.org", language="en")
    waiting = UserFactory(email="waiting@example.org")
    gone = UserFactory(email="gone@example.org")
    for user in (gone, ana, john, waiting):
        services.register(event=event, user=user)
    services.cancel_registration(event=event, user=gone)
    assert Registration.objects.get(user=waiting).status == "waiting"
    return {"ana": ana, "john": john, "waiting": waiting, "gone": gone}


@pytest.mark.django_db
def test_one_reminder_per_registered_attendee_with_the_ics_in_their_language(event, people):
    assert services.send_reminders(now=START - timedelta(hours=3)) == 2
    sent = {m.to: m for m in reminders()}
    assert set(sent) == {"ana@example.ro", "john@example.org"}  # not waiting, not cancelled
    for message in sent.values():
        [attachment] = message.attachments
        assert attachment["mimetype"] == "text/calendar"
        component = vevent_of(attachment["content"])
        assert component.get("dtstart").dt == START
        assert str(component.get("uid")).startswith(str(event.uid))
        assert str(component.get("status")) == "CONFIRMED"
    english, romanian = sent["john@example.org"], sent["ana@example.ro"]
    assert english.subject == (
        f"{django_settings.EMAIL_SUBJECT_PREFIX}Reminder: Conferința clusterelor din Iași")
    assert "10 March 2027, 10:00" in english.body
    assert "Hello John Smith," in english.body
    assert "Bună ziua, Ana Popescu," in romanian.body
    assert "10 martie 2027, 10:00" in romanian.body.lower()  # Romanian month names
    assert "March" not in romanian.body
    stamped = Registration.objects.filter(reminder_sent_at__isnull=False)
    assert set(stamped.values_list("user__email", flat=True)) == set(sent)


@pytest.mark.django_db
def test_running_twice_sends_each_reminder_once(event, people, capture_commits):
    now = START - timedelta(hours=3)
    with capture_commits():
        assert services.send_reminders(now=now) == 2
    with capture_commits():
        assert services.send_reminders(now=now + timedelta(minutes=5)) == 0
    assert len(reminders()) == 2
    # Only the reminders were committed here (the registrations' e-mails never were).
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.ro", "john@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize(("hours_before", "expected"), [
    (25, 0),  # beyond the window
    (24, 2),  # the window's edge is included
    (1, 2),
    (0, 0),  # starting now: too late for a reminder
    (-1, 0),  # started
])
def test_only_events_starting_within_the_window(event, people, hours_before, expected):
    assert services.send_reminders(now=START - timedelta(hours=hours_before)) == expected
    assert len(reminders()) == expected


@pytest.mark.django_db
def test_the_window_is_configurable(event, people, settings):
    settings.EVENT_REMINDER_HOURS = 2
    assert services.send_reminders(now=START - timedelta(hours=3)) == 0
    assert services.send_reminders(now=START - timedelta(hours=1, minutes=30)) == 2


@pytest.mark.django_db
def test_no_reminders_for_a_cancelled_event(event, people):
    services.event_cancel(event=event, by=None)
    assert services.send_reminders(now=START - timedelta(hours=3)) == 0
    assert reminders() == []


@pytest.mark.django_db
def test_moving_the_event_to_a_later_date_sends_a_new_reminder(event, people):
    assert services.send_reminders(now=START - timedelta(hours=3)) == 2
    later = START + timedelta(days=7)
    services.event_update(event=event, by=None, start=later, end=later + timedelta(hours=2))
    assert not Registration.objects.filter(reminder_sent_at__isnull=False).exists()
    # Not yet: the new date is beyond the window.
    assert services.send_reminders(now=START - timedelta(hours=2)) == 0
    assert services.send_reminders(now=later - timedelta(hours=3)) == 2
    assert services.send_reminders(now=later - timedelta(hours=2)) == 0
    ana = reminders(people["ana"])
    assert len(ana) == 2
    assert vevent_of(ana[-1].attachments[0]["content"]).get("dtstart").dt == later
    assert vevent_of(ana[-1].attachments[0]["content"]).get("sequence") == 1


@pytest.mark.django_db
def test_moving_away_and_back_reminds_again(event, people):
    services.send_reminders(now=START - timedelta(hours=3))
    later = START + timedelta(days=1)
    services.event_update(event=event, by=None, start=later, end=later + timedelta(hours=2))
    services.event_update(event=event, by=None, start=START, end=START + timedelta(hours=2))
    assert services.send_reminders(now=START - timedelta(hours=2)) == 2
    assert len(reminders(people["john"])) == 2


@pytest.mark.django_db
def test_a_place_change_after_the_reminder_sends_no_second_reminder(event, people):
    services.send_reminders(now=START - timedelta(hours=3))
    services.event_update(event=event, by=None, venue="Palas Mall, sala 2")
    assert services.send_reminders(now=START - timedelta(hours=2)) == 0
    assert len(reminders()) == 2
    # The change itself was e-mailed at once, to the waiting person too.
    changed = OutboxEmail.objects.filter(key__startswith="event-changed")
    assert set(changed.values_list("to", flat=True)) == {
        "ana@example.ro", "john@example.org", "waiting@example.org"}


@pytest.mark.django_db
def test_someone_moved_up_after_the_reminders_gets_their_own(event, people):
    services.send_reminders(now=START - timedelta(hours=3))
    services.cancel_registration(event=event, user=people["john"],
                                 now=START - timedelta(hours=2, minutes=30))
    assert services.send_reminders(now=START - timedelta(hours=2)) == 1
    assert [m.to for m in reminders()] == ["ana@example.ro", "john@example.org",
                                           "waiting@example.org"]


@pytest.mark.django_db
def test_the_celery_task_twice_sends_each_reminder_once(capture_commits):
    soon = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    event = make_event(start=soon, takes_registrations=True)
    attendees = [UserFactory(), UserFactory()]
    for user in attendees:
        services.register(event=event, user=user)
    with capture_commits():
        assert send_event_reminders.delay().get() == 2
    with capture_commits():
        assert send_event_reminders.delay().get() == 0
    sent = [m for m in mail.outbox if m.extra_headers["X-Outbox-Key"].startswith("event-remind")]
    assert sorted(m.to[0] for m in sent) == sorted(u.email for u in attendees)
    for message in sent:
        [(filename, content, mimetype)] = message.attachments
        assert (filename, mimetype) == (f"event-{event.pk}.ics", "text/calendar")
        assert vevent_of(content).get("dtstart").dt == soon


def test_celery_beat_runs_the_reminders_task():
    entry = django_settings.CELERY_BEAT_SCHEDULE["event-reminders"]
    assert entry["task"] == "events.tasks.send_event_reminders"
    assert entry["task"] in celery_app.tasks
    assert celery_app.tasks[entry["task"]].name == send_event_reminders.name
    assert entry["schedule"] > 0


# --- A real worker: beat's task through Redis, e-mails over SMTP ------------------------------

@pytest.fixture
def smtp_sink(settings):
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_task_twice_on_a_real_worker_delivers_one_reminder_each(
        require_postgresql, redis_url, smtp_sink):
    # PostgreSQL: the worker thread writes while the test's connection does.
    soon = timezone.now().replace(microsecond=0) + timedelta(hours=3)
    event = make_event(start=soon, takes_registrations=True, capacity=2)
    ana = UserFactory(full_name="Ana Popescu", email="ana@example.ro", language="ro")
    john = UserFactory(full_name="John Smith", email="john@example.org", language="en")
    waiting = UserFactory(email="waiting@example.org")
    for user in (ana, john, waiting):
        services.register(event=event, user=user)  # confirmations go out in-process

    def delivered():
        return [m for m in smtp_sink.messages
                if m["X-Outbox-Key"].startswith("event-reminder")]

    with celery_broker(redis_url) as app:
        app.control.purge()
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                          shutdown_timeout=10):
            send_event_reminders.delay()
            send_event_reminders.delay()  # beat ran twice
            assert wait_for(lambda: len(delivered()) >= 2), (
                f"the worker delivered {len(delivered())} of 2 reminders")
            time.sleep(1.5)  # room for a wrong second delivery to show up

    by_recipient = {m["To"]: m for m in delivered()}
    assert len(delivered()) == 2
    assert set(by_recipient) == {"ana@example.ro", "john@example.org"}
    assert "Reminder: Conferința clusterelor din Iași" in by_recipient["john@example.org"][
        "Subject"]
    for message in by_recipient.values():
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "text/calendar"
        assert attachment.get_filename() == f"event-{event.pk}.ics"
        component = vevent_of(attachment.get_content())
        assert component.get("dtstart").dt == soon
        assert component.get("summary") == "Conferința clusterelor din Iași"
    assert set(OutboxEmail.objects.filter(key__startswith="event-reminder")
               .values_list("status", flat=True)) == {"sent"}
