"""The events admin: read-only pages that load in the same number of queries for few or many
rows; cancelling from the admin goes through the service (attendees are told); the feed
tokens' secrets are never shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Event
from notifications.models import OutboxEmail
from tests.factories import UserFactory

from .conftest import make_event

pytestmark = pytest.mark.django_db

CHANGELISTS = ["event", "eventseries", "registration", "eventmessage", "calendarfeedtoken"]


@pytest.fixture
def superuser_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def add_rows(wg1, coordinator, n):
    """n events of each kind of row the admin lists (one group event, one series)."""
    for i in range(n):
        event = make_event(title=f"Atelier de specializare inteligentă {i}",
                           takes_registrations=True, capacity=1,
                           **({"visibility": "group", "working_group": wg1} if i % 2 else {}))
        attendees = [UserFactory(), UserFactory()]
        for user in attendees:
            services.register(event=event, user=user)
            services.feed_token_for(user)
        services.attendees_email(event=event, by=coordinator, subject=f"Agenda {i}",
                                 body="Ordinea de zi e atașată.")
    make_event(title=f"Webinar lunar {n}", repeat={"frequency": "MONTHLY", "count": 2})


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelists_load_in_a_fixed_number_of_queries(superuser_client, wg1, coordinator,
                                                       name):
    url = reverse(f"admin:events_{name}_changelist")
    add_rows(wg1, coordinator, 2)
    superuser_client.get(url)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    add_rows(wg1, coordinator, 8)
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_event_page_lists_registrations_in_a_fixed_number_of_queries(superuser_client):
    event = make_event(takes_registrations=True, capacity=2)
    url = reverse("admin:events_event_change", args=[event.pk])
    services.register(event=event, user=UserFactory(full_name="Ana Popescu"))
    superuser_client.get(url)
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    for _ in range(6):
        services.register(event=event, user=UserFactory())
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
    page = response.content.decode()
    assert "Ana Popescu" in page
    assert 'name="title"' not in page  # read-only: no form fields to edit
    assert 'name="_save"' not in page


def test_no_adding_and_no_deleting_events(superuser_client):
    event = make_event()
    assert superuser_client.get(reverse("admin:events_event_add")).status_code == 403
    assert superuser_client.get(
        reverse("admin:events_event_delete", args=[event.pk])).status_code == 403
    assert superuser_client.get(reverse("admin:events_registration_add")).status_code == 403


def test_cancelling_in_the_admin_tells_the_attendees(superuser_client, member):
    event = make_event(takes_registrations=True)
    other = make_event(title="Rămâne programat")
    services.register(event=event, user=member)
    response = superuser_client.post(reverse("admin:events_event_changelist"), {
        "action": "cancel_events", "_selected_action": [event.pk]})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled
    assert event.sequence == 1
    assert not Event.objects.get(pk=other.pk).is_cancelled
    assert OutboxEmail.objects.filter(key__startswith="event-cancelled", to=member.email).exists()


def test_staff_without_the_change_permission_cannot_cancel(client, member):
    viewer = UserFactory(staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    event = make_event()
    response = client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 200
    assert "cancel_events" not in response.content.decode()
    client.post(reverse("admin:events_event_changelist"),
                {"action": "cancel_events", "_selected_action": [event.pk]})
    assert not Event.objects.get(pk=event.pk).is_cancelled


def test_feed_tokens_are_never_shown(superuser_client, member):
    token = services.feed_token_for(member)
    for url in (reverse("admin:events_calendarfeedtoken_changelist"),
                reverse("admin:events_calendarfeedtoken_change", args=[token.pk])):
        response = superuser_client.get(url)
        assert response.status_code == 200
        assert token.token not in response.content.decode()
