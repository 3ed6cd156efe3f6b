"""Seats under load on PostgreSQL: fifty people registering for ten seats at the same moment get
exactly ten seats and forty places on the waiting list (or forty clear refusals without one);
ten people cancelling at once hand their seats to the first ten waiting, in order.

Each thread has its own database connection and calls the services directly (the HTTP layer
adds nothing to these invariants). The event row's lock (SELECT … FOR UPDATE) is what makes
this hold: without it the seat counts race and these tests fail."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from events import services
from events.models import Event, Registration
from notifications.models import OutboxEmail
from tests.factories import UserFactory

from .conftest import make_event

# serialized_rollback: the working groups (created by a migration) survive the flush.
pytestmark = [pytest.mark.services,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = 50
SEATS = 10


def run_at_once(count, work):
    """Run work(i) in `count` threads released together; return (results, errors) by index."""
    barrier = threading.Barrier(count, timeout=60)
    results, errors = {}, {}

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def statuses(event) -> dict[str, int]:
    counts = {}
    for status in Registration.objects.filter(event=event).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_fifty_people_at_once_for_ten_seats_get_ten_seats_and_forty_waiting(
        require_postgresql):
    event = make_event(takes_registrations=True, capacity=SEATS, waiting_list=True)
    users = [UserFactory(full_name=f"Participant {i}") for i in range(PEOPLE)]

    results, errors = run_at_once(
        PEOPLE, lambda i: services.register(event=Event.objects.get(pk=event.pk), user=users[i]))

    assert errors == {}
    assert len(results) == PEOPLE
    assert sorted(r.status for r in results.values()) == (
        ["registered"] * SEATS + ["waiting"] * (PEOPLE - SEATS))
    assert statuses(event) == {"registered": SEATS, "waiting": PEOPLE - SEATS}
    # The seats went to the first ten served: the queue's order is the order of the decisions.
    queue = list(Registration.objects.filter(event=event).order_by("created_at", "pk")
                 .values_list("status", flat=True))
    assert queue == ["registered"] * SEATS + ["waiting"] * (PEOPLE - SEATS)
    # Everyone was told, once: a confirmation or a waiting-list notice.
    assert OutboxEmail.objects.filter(key__startswith="event-registered").count() == SEATS
    assert OutboxEmail.objects.filter(key__startswith="event-waiting").count() == PEOPLE - SEATS
    assert len(mail.outbox) == PEOPLE


def test_fifty_people_at_once_without_a_waiting_list_ten_seats_forty_refusals(
        require_postgresql):
    event = make_event(takes_registrations=True, capacity=SEATS, waiting_list=False)
    users = [UserFactory() for _ in range(PEOPLE)]

    results, errors = run_at_once(
        PEOPLE, lambda i: services.register(event=Event.objects.get(pk=event.pk), user=users[i]))

    assert len(results) == SEATS
    assert {r.status for r in results.values()} == {"registered"}
    assert len(errors) == PEOPLE - SEATS
    assert all(isinstance(error, services.EventFull) for error in errors.values())
    assert statuses(event) == {"registered": SEATS}


def test_ten_cancellations_at_once_promote_the_first_ten_waiting_in_order(require_postgresql):
    event = make_event(takes_registrations=True, capacity=SEATS, waiting_list=True)
    seated = [UserFactory(full_name=f"Înscris {i}") for i in range(SEATS)]
    waiting = [UserFactory(full_name=f"În așteptare {i}") for i in range(15)]
    start = timezone.now()
    for n, user in enumerate([*seated, *waiting]):
        services.register(event=event, user=user, now=start + timedelta(seconds=n))
    assert statuses(event) == {"registered": SEATS, "waiting": 15}

    _results, errors = run_at_once(
        SEATS, lambda i: services.cancel_registration(event=Event.objects.get(pk=event.pk),
                                                      user=seated[i]))

    assert errors == {}
    assert statuses(event) == {"registered": SEATS, "waiting": 5, "cancelled": SEATS}
    by_user = {r.user_id: r for r in Registration.objects.filter(event=event)}
    assert [by_user[u.pk].status for u in waiting] == ["registered"] * SEATS + ["waiting"] * 5
    promoted = OutboxEmail.objects.filter(key__startswith="event-promoted")
    assert sorted(promoted.values_list("to", flat=True)) == sorted(
        u.email for u in waiting[:SEATS])
