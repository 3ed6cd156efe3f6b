"""Registering from an event's page: the registration box (open, closed and why, full with a
waiting list, the user's own status and place in the queue, seats left, deadline), the POST-only
register and unregister views and their messages, and "My calendar" with the personal feed."""

import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import CalendarFeedToken, Registration
from tests.factories import UserFactory

from .conftest import client_for, make_event

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def box(response) -> str:
    """The text of the registration box."""
    page = response.content.decode()
    match = re.search(r'<section class="[^"]*event-registration".*?</section>', page, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()))


def register(user, event):
    return client_for(user).post(reverse("events:register", args=[event.pk]), follow=True)


def unregister(user, event):
    return client_for(user).post(reverse("events:unregister", args=[event.pk]), follow=True)


def status_of(user, event):
    registration = Registration.objects.filter(event=event, user=user).first()
    return registration.status if registration else None


@pytest.fixture
def people(db):
    return [UserFactory(full_name=name) for name in ("Ana Pop", "Bogdan Ene", "Cristina Vlad")]


@pytest.fixture
def small_event(db):
    """Two seats, with a waiting list."""
    return make_event(title="Atelier de matchmaking B2B", takes_registrations=True, capacity=2)


def test_register(people, small_event):
    response = register(people[0], small_event)
    assert response.redirect_chain == [(small_event.get_absolute_url(), 302)]
    body = text(response)
    assert "You are registered for “Atelier de matchmaking B2B”." in body
    assert "You are registered." in box(response)
    assert "1 seat left of 2" in box(response)
    assert "Cancel my registration" in box(response)
    assert status_of(people[0], small_event) == Registration.Status.REGISTERED


def test_the_box_before_registering(people, small_event):
    response = client_for(people[0]).get(small_event.get_absolute_url())
    content = box(response)
    assert "Registration is open." in content
    assert "2 seats left of 2" in content
    assert re.search(r'<button type="submit" class="btn btn-primary">Register</button>',
                     response.content.decode())


def test_waiting_list_and_moving_up(people, small_event):
    first, second, third = people
    register(first, small_event)
    register(UserFactory(), small_event)
    response = register(second, small_event)
    assert "you are on the waiting list, in position 1" in text(response)
    assert "You are on the waiting list, in position 1." in box(response)
    assert "Leave the waiting list" in box(response)
    response = register(third, small_event)
    assert "You are on the waiting list, in position 2." in box(response)
    assert "0 seats left of 2" in box(response)
    assert "2 people waiting" in box(response)

    # The first registered person cancels: the first in the queue moves up.
    response = unregister(first, small_event)
    assert "Your registration for “Atelier de matchmaking B2B” has been cancelled." in text(
        response)
    assert "Join the waiting list" in box(response)  # the seat went to the queue
    assert status_of(first, small_event) == Registration.Status.CANCELLED
    assert status_of(second, small_event) == Registration.Status.REGISTERED
    assert "You are registered." in box(client_for(second).get(small_event.get_absolute_url()))
    assert "You are on the waiting list, in position 1." in box(
        client_for(third).get(small_event.get_absolute_url()))


def test_the_full_event_offers_the_waiting_list(people, small_event):
    register(UserFactory(), small_event)
    register(UserFactory(), small_event)
    response = client_for(people[0]).get(small_event.get_absolute_url())
    assert "The event is full." in box(response)
    assert "Join the waiting list" in box(response)


def test_full_without_waiting_list(people):
    event = make_event(takes_registrations=True, capacity=1, waiting_list=False)
    register(people[0], event)
    response = client_for(people[1]).get(event.get_absolute_url())
    assert "There is no waiting list." in box(response)
    assert "Register" not in box(response).replace("Registration", "")
    response = register(people[1], event)
    assert "This event is full: its only seat is taken." in text(response)
    assert status_of(people[1], event) is None


def test_closed_by_the_deadline(people):
    event = make_event(takes_registrations=True,
                       registration_deadline=timezone.now() - timedelta(hours=1))
    response = client_for(people[0]).get(event.get_absolute_url())
    content = box(response)
    assert "Registration is closed." in content
    assert "Registration closed on" in content
    assert "Registration closes" in content  # the deadline itself
    assert 'action="' + reverse("events:register", args=[event.pk]) not in \
        response.content.decode()
    response = register(people[0], event)
    assert "Registration closed on" in text(response)
    assert status_of(people[0], event) is None


def test_the_deadline_is_shown_while_open(people):
    deadline = timezone.now() + timedelta(days=2)
    event = make_event(takes_registrations=True, registration_deadline=deadline)
    content = box(client_for(people[0]).get(event.get_absolute_url()))
    local = timezone.localtime(deadline, timezone=ZoneInfo("Europe/Bucharest"))
    assert f"Registration closes {local:%-d %b %Y, %H:%M}" in content
    assert "Registration is open." in content


def test_cancelled_event_cannot_be_registered(people, small_event):
    register(people[0], small_event)
    services.event_cancel(event=small_event, by=None)
    response = client_for(people[1]).get(small_event.get_absolute_url())
    assert "This event has been cancelled." in box(response)
    assert "Register" not in box(response).replace("Registration", "")
    response = register(people[1], small_event)
    assert "This event has been cancelled." in text(response)
    assert status_of(people[1], small_event) is None
    # The one registered before sees no cancel button any more.
    assert "Cancel my registration" not in box(
        client_for(people[0]).get(small_event.get_absolute_url()))


def test_started_event_closes_registration(people):
    event = make_event(takes_registrations=True, start=timezone.now() - timedelta(minutes=30))
    response = client_for(people[0]).get(event.get_absolute_url())
    assert "Registration has closed: the event has started." in box(response)
    assert "Registration has closed: the event has started." in text(register(people[0], event))


def test_event_without_registrations(people):
    event = make_event()
    assert "This event does not take registrations." in box(
        client_for(people[0]).get(event.get_absolute_url()))
    assert "This event does not take registrations." in text(register(people[0], event))
    assert status_of(people[0], event) is None


def test_registering_twice_changes_nothing(people, small_event):
    register(people[0], small_event)
    response = register(people[0], small_event)
    assert "You had already signed up for this event." in text(response)
    assert Registration.objects.filter(event=small_event).count() == 1


def test_unregistering_without_a_registration(people, small_event):
    response = unregister(people[0], small_event)
    assert "You were not registered for this event." in text(response)


def test_pending_user_cannot_register(small_event):
    pending = UserFactory(pending=True)
    response = client_for(pending).post(reverse("events:register", args=[small_event.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert status_of(pending, small_event) is None


def test_anonymous_is_asked_to_log_in(client, small_event):
    page = client.get(small_event.get_absolute_url()).content.decode()
    assert "Log in to register" in page
    assert f'{reverse("account_login")}?next={small_event.get_absolute_url()}' in page
    response = client.post(reverse("events:register", args=[small_event.pk]))
    assert response.status_code == 302
    assert response["Location"] == (f'{reverse("account_login")}?next='
                                    f'{small_event.get_absolute_url()}')


@pytest.mark.parametrize("name", ["events:register", "events:unregister"])
def test_post_only(people, small_event, name):
    client = client_for(people[0])
    url = reverse(name, args=[small_event.pk])
    assert client.get(url).status_code == 405
    assert Client().get(url).status_code == 405
    assert status_of(people[0], small_event) is None


def test_csrf_is_checked(people, small_event):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people[0])
    assert client.post(reverse("events:register", args=[small_event.pk])).status_code == 403
    assert client.post(reverse("events:feed_token_regenerate")).status_code == 403
    assert status_of(people[0], small_event) is None


# --- My calendar ---------------------------------------------------------------------------------

def test_my_calendar_lists_registrations_and_waiting_places(people, small_event, wg1):
    other = make_event(title="Vizită de studiu la Ostrava", takes_registrations=True, capacity=1,
                       start=timezone.now() + timedelta(days=20))
    register(UserFactory(), other)
    past = make_event(title="Eveniment trecut", takes_registrations=True,
                      start=timezone.now() - timedelta(days=3))
    # Registered back when it was upcoming.
    Registration.objects.create(event=past, user=people[0], status=Registration.Status.REGISTERED)
    register(people[0], small_event)
    register(people[0], other)
    cancelled = make_event(title="Anulat de mine", takes_registrations=True)
    register(people[0], cancelled)
    unregister(people[0], cancelled)

    body = text(client_for(people[0]).get(reverse("events:mine")))
    assert "Atelier de matchmaking B2B Registered" in body
    assert "Vizită de studiu la Ostrava Waiting list, position 1" in body
    assert body.index("Atelier de matchmaking") < body.index("Vizită de studiu")
    assert "Eveniment trecut" not in body
    assert "Anulat de mine" not in body


def test_my_calendar_shows_the_groups_next_events(wg1, member, other_member):
    from events.models import Event
    make_event(title="Ședința lunară WG1", visibility=Event.Visibility.GROUP, working_group=wg1,
               kind=Event.Kind.MEETING)
    make_event(title="Atelier public WG1", working_group=wg1)
    make_event(title="Conferință fără grup")
    body = text(client_for(member).get(reverse("events:mine")))
    assert "Ședința lunară WG1" in body
    assert "Atelier public WG1" in body
    assert "Conferință fără grup" not in body
    other = text(client_for(other_member).get(reverse("events:mine")))
    assert "Ședința lunară WG1" not in other
    assert "Your working groups have no upcoming events." in other


def test_my_calendar_empty(people):
    body = text(client_for(people[0]).get(reverse("events:mine")))
    assert "You have not registered for any upcoming event." in body


def test_feed_url_and_regeneration(people):
    user = people[0]
    client = client_for(user)
    page = client.get(reverse("events:mine")).content.decode()
    token = CalendarFeedToken.objects.get(user=user).token
    feed_url = settings.SITE_URL + reverse("events:feed_personal", args=[token])
    assert feed_url.startswith(("http://", "https://"))
    assert f'aria-describedby="feed-url-help">{feed_url}</textarea>' in page
    assert 'href="webcal://' + feed_url.split("://", 1)[1] + '"' in page
    assert f'action="{reverse("events:feed_token_regenerate")}"' in page
    assert "data-confirm=" in page

    response = client.post(reverse("events:feed_token_regenerate"), follow=True)
    assert response.redirect_chain == [(reverse("events:mine"), 302)]
    new_token = CalendarFeedToken.objects.get(user=user).token
    assert new_token != token
    page = response.content.decode()
    assert token not in page
    assert new_token in page
    assert "The old address no longer works" in text(response)
    assert client.get(reverse("events:feed_token_regenerate")).status_code == 405


def test_the_feed_token_is_stable_between_visits(people):
    client = client_for(people[0])
    client.get(reverse("events:mine"))
    client.get(reverse("events:mine"))
    assert CalendarFeedToken.objects.filter(user=people[0]).count() == 1
