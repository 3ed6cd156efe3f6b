"""An approved user logs in, registers for an upcoming event from its page, sees the
confirmation and their status, then finds the event on "My calendar" with their feed URL."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BUCHAREST = ZoneInfo("Europe/Bucharest")


def test_register_and_find_it_on_my_calendar(live_server, page):
    day = (timezone.now() + timedelta(days=12)).astimezone(BUCHAREST).date()
    event = services.event_create(
        by=None, title="Conferința Internațională a Clusterelor din Iași",
        kind=Event.Kind.CONFERENCE, start=datetime(day.year, day.month, day.day, 9, 0,
                                                   tzinfo=BUCHAREST),
        end=datetime(day.year, day.month, day.day, 17, 0, tzinfo=BUCHAREST),
        time_zone="Europe/Bucharest", venue="Palas", city="Iași", country="RO",
        takes_registrations=True, capacity=180)
    user = UserFactory(email="ioana@example.ro", full_name="Ioana Ștefănescu")

    page.goto(f"{live_server.url}/accounts/login/?next=/events/")
    page.get_by_label(re.compile(r"^E-?mail", re.I)).fill("ioana@example.ro")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/events/")

    page.get_by_role("link", name=event.title).click()
    page.wait_for_url(f"**/events/{event.pk}/")
    assert "Registration is open." in page.content()
    assert "180 seats left of 180" in page.content()
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(f"**/events/{event.pk}/")
    page.get_by_text("You are registered for “Conferința Internațională").wait_for()
    assert "You are registered." in page.content()
    assert "179 seats left of 180" in page.content()
    assert page.get_by_role("button", name="Cancel my registration").is_visible()
    assert Registration.objects.get(event=event, user=user).status == "registered"

    page.get_by_role("link", name="Events", exact=True).first.click()
    page.get_by_role("link", name="My calendar").first.click()
    page.wait_for_url("**/events/mine/")
    registrations = page.locator("section[aria-labelledby='registrations-heading']")
    assert event.title in registrations.inner_text()
    assert "Registered" in registrations.inner_text()
    feed_url = page.get_by_label("Feed address").input_value()
    assert re.match(r"^https?://.+/events/feed/personal/[\w-]+\.ics$", feed_url)
    assert page.get_by_role("link", name="Subscribe (webcal)").get_attribute(
        "href").startswith("webcal://")
    page.screenshot(path="test-artifacts/browser-events-my-calendar.png", full_page=True)
