"""iCalendar (RFC 5545) for events: feeds, one event's .ics file and e-mail attachments.

Each event, and each occurrence of a series, is one VEVENT with a stable UID (the event's
UUID at the site's host), its SEQUENCE (bumped by the services when the time, the place or the
status changes), `STATUS:CANCELLED` once cancelled, and DTSTART/DTEND in the event's own time
zone with the matching VTIMEZONE. All-day events use DATE values (DTEND exclusive)."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from icalendar import Calendar, vText
from icalendar import Event as VEvent

from .models import Event

PRODID = "-//Cluster Policy Platform//Events//RO"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(event: Event) -> str:
    return f"{event.uid}@{site_host()}"


def event_url(event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + event.get_absolute_url()


def location_text(event: Event) -> str:
    parts = [event.venue, event.city, str(event.country.name) if event.country else ""]
    location = ", ".join(part for part in parts if part)
    if event.online_url:
        location = f"{location} ({event.online_url})" if location else event.online_url
    return location


def vevent(event: Event) -> VEvent:
    component = VEvent()
    component.add("uid", event_uid(event))
    component.add("dtstamp", event.updated_at)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    if event.all_day:
        component.add("dtstart", event.local_start.date())
        component.add("dtend", event.last_day + timedelta(days=1))
    else:
        component.add("dtstart", event.local_start)
        component.add("dtend", event.local_end)
    description = event.description.strip()
    url = event_url(event)
    component.add("description", f"{description}\n\n{url}" if description else url)
    component.add("url", url)
    location = location_text(event)
    if location:
        component.add("location", location)
    component.add("categories", [str(event.get_kind_display())])
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("class", "PUBLIC" if event.is_public else "PRIVATE")
    if event.organiser:
        # icalendar 7 writes unknown X- properties unescaped: a line break in the text would
        # start a new property. vText escapes it per RFC 5545, like SUMMARY.
        component.add("x-organiser", vText(event.organiser))
    return component


def calendar(events, *, name: str) -> bytes:
    """A VCALENDAR of the given events (any iterable), with the VTIMEZONEs they use."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(name))  # escaped: see x-organiser above
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    for event in events:
        cal.add_component(vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def event_ics(event: Event) -> bytes:
    return calendar([event], name=event.title)


def ics_filename(event: Event) -> str:
    return f"event-{event.pk}.ics"


def ics_attachment(event: Event) -> dict:
    """The event as an e-mail attachment (outbox format)."""
    with translation.override(settings.LANGUAGE_CODE):
        content = event_ics(event).decode()
    return {"filename": ics_filename(event), "content": content,
            "mimetype": "text/calendar"}
