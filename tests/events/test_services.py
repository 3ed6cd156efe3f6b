"""events.services: series and their exceptions, SEQUENCE, what attendees are told, the seats
and the waiting list, and bad input (clear errors from the services, constraints in the
database behind them)."""

import warnings
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from icalendar import Calendar

from events import services
from events.models import Event, EventSeries, Registration
from events.permissions import can_register
from notifications.models import OutboxEmail
from tests.factories import UserFactory

from .conftest import BUCHAREST, make_event

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _english():
    # The services speak the active language; the site's default is Romanian.
    with translation.override("en"):
        yield


def at(*args, tz=BUCHAREST) -> datetime:
    return datetime(*args, tzinfo=tz)


def mails(prefix: str, user=None):
    """Outbox e-mails whose key starts with `prefix` (optionally to one user), oldest first."""
    messages = OutboxEmail.objects.filter(key__startswith=prefix).order_by("pk")
    return list(messages.filter(to=user.email) if user else messages)


def vevent_of(message: OutboxEmail):
    """The VEVENT of the e-mail's .ics attachment."""
    [attachment] = message.attachments
    assert attachment["mimetype"] == "text/calendar"
    assert attachment["filename"].endswith(".ics")
    [component] = Calendar.from_ical(attachment["content"]).walk("VEVENT")
    return component


def reg(event, user) -> Registration:
    return Registration.objects.get(event=event, user=user)


def registered_event(**fields) -> Event:
    values = {"takes_registrations": True, "capacity": 2, "waiting_list": True, **fields}
    return make_event(**values)


# --- Series ----------------------------------------------------------------------------------

def test_monthly_series_keeps_ten_oclock_local_across_the_spring_dst_change():
    first = make_event(title="Webinar lunar WG3", kind=Event.Kind.WEBINAR,
                       start=at(2027, 2, 10, 10), hours=1,
                       repeat={"frequency": "MONTHLY", "count": 4})
    occurrences = list(Event.objects.filter(series=first.series).order_by("start"))
    assert [e.local_start for e in occurrences] == [
        at(2027, 2, 10, 10), at(2027, 3, 10, 10), at(2027, 4, 10, 10), at(2027, 5, 10, 10)]
    assert all(e.local_start.hour == 10 and e.local_end.hour == 11 for e in occurrences)
    # Romania moves to summer time on 28 March 2027: the UTC hour changes, the local one not.
    assert [e.start.astimezone(UTC).hour for e in occurrences] == [8, 8, 7, 7]
    assert all(e.recurrence_id == e.start for e in occurrences)
    assert first == occurrences[0]
    assert first.series.rrule == "FREQ=MONTHLY;INTERVAL=1;COUNT=4"
    assert first.series.time_zone == "Europe/Bucharest"


def test_weekly_series_keeps_local_time_across_the_autumn_dst_change():
    times = services.occurrence_times(
        start=at(2027, 10, 20, 18), end=at(2027, 10, 20, 19, 30), time_zone="Europe/Bucharest",
        frequency="WEEKLY", count=3)
    assert [(s.astimezone(BUCHAREST).hour, e.astimezone(BUCHAREST).minute)
            for s, e in times] == [(18, 30)] * 3
    # 20 and 27 October are summer time (15:00 UTC); winter time starts on 31 October.
    assert [s.astimezone(UTC).hour for s, _e in times] == [15, 15, 16]


def test_weekly_series_until_includes_that_day():
    start = at(2027, 1, 4, 18)  # a Monday
    def weeks(until):
        return services.occurrence_times(start=start, end=start + timedelta(hours=1),
                                         time_zone="Europe/Bucharest", frequency="WEEKLY",
                                         until=until)
    assert [s.date() for s, _e in weeks(date(2027, 1, 25))] == [
        date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 18), date(2027, 1, 25)]
    assert len(weeks(date(2027, 1, 24))) == 3
    first = make_event(start=start, repeat={"frequency": "WEEKLY", "until": date(2027, 1, 25)})
    assert first.series.occurrences.count() == 4
    assert first.series.rrule == "FREQ=WEEKLY;INTERVAL=1;UNTIL=20270125"


def test_every_second_week():
    start = at(2027, 1, 4, 18)
    times = services.occurrence_times(start=start, end=start + timedelta(hours=1),
                                      time_zone="Europe/Bucharest", frequency="WEEKLY",
                                      interval=2, count=3)
    assert [s.date() for s, _e in times] == [date(2027, 1, 4), date(2027, 1, 18),
                                             date(2027, 2, 1)]


def test_count_and_until_together_stop_at_the_first_limit_without_a_warning():
    start = at(2027, 1, 4, 18)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dateutil deprecates COUNT with UNTIL
        by_until = services.occurrence_times(
            start=start, end=start + timedelta(hours=1), time_zone="Europe/Bucharest",
            frequency="WEEKLY", count=10, until=date(2027, 1, 18))
        by_count = services.occurrence_times(
            start=start, end=start + timedelta(hours=1), time_zone="Europe/Bucharest",
            frequency="WEEKLY", count=2, until=date(2027, 12, 31))
    assert len(by_until) == 3
    assert len(by_count) == 2


def test_a_series_makes_at_most_max_occurrences():
    start = at(2027, 1, 4, 9)
    endless = services.occurrence_times(start=start, end=start + timedelta(hours=1),
                                        time_zone="Europe/Bucharest", frequency="DAILY")
    assert len(endless) == services.MAX_OCCURRENCES
    first = make_event(start=start, repeat={"frequency": "DAILY", "count": 500})
    assert first.series.occurrences.count() == services.MAX_OCCURRENCES


def test_a_series_ending_before_its_first_date_is_refused():
    with pytest.raises(ValidationError) as error:
        make_event(start=at(2027, 3, 1, 10), repeat={"frequency": "WEEKLY",
                                                     "until": date(2027, 2, 1)})
    assert error.value.message_dict == {"until": ["The series ends before its first date."]}
    assert not Event.objects.exists()
    assert not EventSeries.objects.exists()


def test_a_series_registration_deadline_keeps_its_distance_from_each_start():
    start = at(2027, 1, 4, 18)
    first = make_event(start=start, takes_registrations=True,
                       registration_deadline=start - timedelta(days=2),
                       repeat={"frequency": "WEEKLY", "count": 3})
    for occurrence in first.series.occurrences.all():
        assert occurrence.start - occurrence.registration_deadline == timedelta(days=2)


# --- Exceptions: one occurrence moved, edited or cancelled alone ----------------------------

@pytest.fixture
def series():
    first = make_event(title="Webinar lunar WG3", kind=Event.Kind.WEBINAR,
                       start=at(2027, 2, 10, 10), hours=1, venue="Online",
                       repeat={"frequency": "MONTHLY", "count": 4})
    return list(Event.objects.filter(series=first.series).order_by("start"))


def fresh(events):
    return [Event.objects.get(pk=e.pk) for e in events]


def test_moving_one_occurrence_makes_it_an_exception_and_leaves_the_others(series):
    before = fresh(series)
    moved = services.event_update(event=series[1], by=None, start=at(2027, 3, 11, 14),
                                  end=at(2027, 3, 11, 15))
    after = fresh(series)
    assert moved.is_exception
    assert moved.sequence == 1
    assert moved.local_start == at(2027, 3, 11, 14)
    assert moved.recurrence_id == before[1].start  # still the date the rule gave it
    for old, new in zip([before[0], *before[2:]], [after[0], *after[2:]], strict=True):
        assert (new.start, new.end, new.sequence, new.is_exception) == (
            old.start, old.end, 0, False)


def test_cancelling_one_occurrence_leaves_the_others(series):
    services.event_cancel(event=series[2], by=None)
    after = fresh(series)
    assert [e.status for e in after] == ["scheduled", "scheduled", "cancelled", "scheduled"]
    assert after[2].sequence == 1
    assert after[2].cancelled_at is not None
    assert [e.sequence for e in after] == [0, 0, 1, 0]


def test_following_edits_go_to_later_occurrences_that_were_not_edited_alone(series):
    services.event_update(event=series[2], by=None, start=at(2027, 4, 12, 10),
                          end=at(2027, 4, 12, 11))  # moved alone: an exception
    services.event_update(event=series[1], by=None, following=True,
                          title="Webinar lunar WG3: specializare inteligentă",
                          venue="Sala de conferințe ADR Nord-Est", city="Piatra Neamț")
    first, second, third, fourth = fresh(series)
    assert (first.title, first.venue) == ("Webinar lunar WG3", "Online")
    assert second.title == fourth.title == "Webinar lunar WG3: specializare inteligentă"
    assert second.venue == fourth.venue == "Sala de conferințe ADR Nord-Est"
    assert fourth.city == "Piatra Neamț"
    assert (third.title, third.venue) == ("Webinar lunar WG3", "Online")  # the exception
    # Each keeps its own date; a place change is a new SEQUENCE for each one changed.
    assert fourth.local_start == at(2027, 5, 10, 10)
    assert (first.sequence, second.sequence, third.sequence, fourth.sequence) == (0, 1, 1, 1)
    assert (second.is_exception, fourth.is_exception) == (False, False)


def test_an_occurrence_edited_alone_is_left_alone_by_later_series_edits(series):
    services.event_update(event=series[3], by=None, description="Invitat special: Comisia.")
    assert Event.objects.get(pk=series[3].pk).is_exception
    services.event_update(event=series[0], by=None, following=True, description="Ordinea de zi.")
    descriptions = [e.description for e in fresh(series)]
    assert descriptions == ["Ordinea de zi.", "Ordinea de zi.", "Ordinea de zi.",
                            "Invitat special: Comisia."]


def test_following_edits_skip_cancelled_occurrences(series):
    services.event_cancel(event=series[3], by=None)
    services.event_update(event=series[0], by=None, following=True, venue="Iași")
    assert [e.venue for e in fresh(series)] == ["Iași", "Iași", "Iași", "Online"]


def test_series_cancel_cancels_this_one_and_the_later_ones(series):
    assert services.series_cancel(event=series[1], by=None) == 3
    assert [e.status for e in fresh(series)] == ["scheduled", "cancelled", "cancelled",
                                                 "cancelled"]


def test_series_order_follows_the_rule_not_where_occurrences_were_moved(series):
    """An earlier occurrence moved past a later one keeps its place in the series: "this and
    the following" from the third date leaves the moved second one alone."""
    first, second, third, fourth = series
    services.event_update(event=second, by=None, start=at(2027, 4, 20, 10),
                          end=at(2027, 4, 20, 11))
    assert services.series_cancel(event=third, by=None) == 2
    statuses = {e.pk: e.status for e in fresh(series)}
    assert statuses[second.pk] == Event.Status.SCHEDULED
    assert statuses[third.pk] == statuses[fourth.pk] == Event.Status.CANCELLED
    assert statuses[first.pk] == Event.Status.SCHEDULED


def test_series_cancel_of_a_single_event_cancels_it():
    event = make_event()
    assert services.series_cancel(event=event, by=None) == 1
    assert Event.objects.get(pk=event.pk).is_cancelled


# --- SEQUENCE and what attendees are told ----------------------------------------------------

def test_a_description_edit_keeps_the_sequence_and_tells_nobody(member):
    event = registered_event()
    services.register(event=event, user=member)
    updated = services.event_update(event=event, by=None, description="Program actualizat.",
                                    title="Conferința clusterelor din Iași, ediția a II-a")
    assert updated.sequence == 0
    assert mails("event-changed") == []


@pytest.mark.parametrize(("field", "value"), [
    ("venue", "Palatul Culturii"), ("city", "Suceava"), ("country", "MD"),
    ("online_url", "https://meet.example.org/wg3"), ("time_zone", "Europe/Chisinau"),
])
def test_a_place_change_bumps_the_sequence(field, value):
    event = make_event()
    assert services.event_update(event=event, by=None, **{field: value}).sequence == 1


def test_a_cancelled_event_cannot_be_cancelled_twice():
    event = make_event()
    services.event_cancel(event=event, by=None)
    again = services.event_cancel(event=event, by=None)
    assert again.sequence == 1


def test_moving_an_event_tells_everyone_registered_and_waiting_with_the_new_ics(member):
    event = registered_event(capacity=1)
    waiting, gone = UserFactory(), UserFactory()
    services.register(event=event, user=member)
    services.register(event=event, user=waiting)
    services.register(event=event, user=gone)
    services.cancel_registration(event=event, user=gone)
    new_start = event.local_start + timedelta(days=1, hours=2)
    services.event_update(event=event, by=None, start=new_start,
                          end=new_start + timedelta(hours=2))
    changed = mails("event-changed")
    assert {m.to for m in changed} == {member.email, waiting.email}
    for message in changed:
        assert message.subject.endswith("Changed: Conferința clusterelor din Iași")
        component = vevent_of(message)
        assert component.get("dtstart").dt == new_start
        assert str(component.get("dtstart").params["TZID"]) == "Europe/Bucharest"
        assert component.get("sequence") == 1
        assert str(component.get("status")) == "CONFIRMED"
        assert str(component.get("uid")).startswith(str(event.uid))


def test_cancelling_an_event_tells_everyone_with_a_cancelled_ics(member):
    event = registered_event(capacity=1)
    waiting = UserFactory(language="ro")
    services.register(event=event, user=member)
    services.register(event=event, user=waiting)
    services.event_cancel(event=event, by=None)
    cancelled = {m.to: m for m in mails("event-cancelled")}
    assert set(cancelled) == {member.email, waiting.email}
    assert cancelled[member.email].subject.endswith("Cancelled: Conferința clusterelor din Iași")
    for message in cancelled.values():
        component = vevent_of(message)
        assert str(component.get("status")) == "CANCELLED"
        assert component.get("sequence") == 1
        assert component.get("dtstart").dt == event.local_start


def test_cancelling_through_an_update_is_a_cancellation(member):
    event = registered_event()
    services.register(event=event, user=member)
    updated = services.event_update(event=event, by=None, status=Event.Status.CANCELLED)
    assert updated.cancelled_at is not None
    [message] = mails("event-cancelled")
    assert str(vevent_of(message).get("status")) == "CANCELLED"
    assert mails("event-changed") == []


# --- Registration: seats, the waiting list, promotion ----------------------------------------

def test_seats_then_the_waiting_list(member):
    event = registered_event(capacity=2)
    users = [member, UserFactory(), UserFactory(), UserFactory()]
    statuses = [services.register(event=event, user=u).status for u in users]
    assert statuses == ["registered", "registered", "waiting", "waiting"]
    assert services.seats_taken(event) == 2
    # A confirmation with the .ics for a seat; a waiting-list notice without one.
    [confirmation] = mails("event-registered", member)
    assert vevent_of(confirmation).get("summary") == "Conferința clusterelor din Iași"
    [notice] = mails("event-waiting", users[2])
    assert notice.attachments == []
    assert "waiting list" in notice.subject


def test_no_capacity_means_no_limit():
    event = registered_event(capacity=None)
    assert {services.register(event=event, user=UserFactory()).status
            for _ in range(5)} == {"registered"}


def test_a_cancellation_moves_up_the_first_person_waiting_and_emails_them(member):
    event = registered_event(capacity=1)
    first_waiting, second_waiting = UserFactory(), UserFactory()
    services.register(event=event, user=member)
    services.register(event=event, user=first_waiting)
    services.register(event=event, user=second_waiting)
    services.cancel_registration(event=event, user=member)
    assert reg(event, member).status == "cancelled"
    assert reg(event, member).cancelled_at is not None
    promoted = reg(event, first_waiting)
    assert promoted.status == "registered"
    assert promoted.promoted_at is not None
    assert reg(event, second_waiting).status == "waiting"
    [message] = mails("event-promoted")
    assert message.to == first_waiting.email
    assert "A seat is yours" in message.subject
    assert vevent_of(message).get("dtstart").dt == event.local_start


def test_leaving_the_waiting_list_promotes_nobody(member):
    event = registered_event(capacity=1)
    waiting = UserFactory()
    services.register(event=event, user=member)
    services.register(event=event, user=waiting)
    services.cancel_registration(event=event, user=waiting)
    assert reg(event, member).status == "registered"
    assert mails("event-promoted") == []


def test_registering_again_after_cancelling_goes_to_the_end_of_the_queue(member):
    event = registered_event(capacity=1)
    early, late = UserFactory(), UserFactory()
    now = timezone.now()
    services.register(event=event, user=member, now=now)
    services.register(event=event, user=early, now=now + timedelta(seconds=1))
    services.register(event=event, user=late, now=now + timedelta(seconds=2))
    services.cancel_registration(event=event, user=early, now=now + timedelta(seconds=3))
    again = services.register(event=event, user=early, now=now + timedelta(seconds=4))
    assert again.status == "waiting"
    assert again.cancelled_at is None
    services.cancel_registration(event=event, user=member, now=now + timedelta(seconds=5))
    assert reg(event, late).status == "registered"
    assert reg(event, early).status == "waiting"
    assert len(mails("event-waiting", early)) == 2  # told each time


def test_registering_twice_changes_nothing(member):
    event = registered_event(capacity=1)
    first = services.register(event=event, user=member)
    second = services.register(event=event, user=member)
    assert first.pk == second.pk
    assert second.created_at == first.created_at
    assert Registration.objects.count() == 1
    assert len(mails("event-registered")) == 1


def test_cancelling_without_a_registration_does_nothing(member):
    event = registered_event()
    assert services.cancel_registration(event=event, user=member) is None


@pytest.mark.parametrize(("setup", "message"), [
    ({"takes_registrations": False}, "This event does not take registrations."),
    ({"registration_deadline": timezone.now() - timedelta(minutes=1)}, "Registration closed on"),
])
def test_closed_registration_says_why(member, setup, message):
    event = registered_event(**setup)
    with pytest.raises(services.RegistrationClosed, match=message) as error:
        services.register(event=event, user=member)
    assert error.value.code == "registration_closed"
    assert not Registration.objects.exists()


def test_a_cancelled_event_takes_no_registrations(member):
    event = registered_event()
    services.event_cancel(event=event, by=None)
    with pytest.raises(services.RegistrationClosed, match=r"This event has been cancelled\."):
        services.register(event=event, user=member)


def test_a_started_event_takes_no_registrations(member):
    event = registered_event()
    with pytest.raises(services.RegistrationClosed,
                       match=r"Registration has closed: the event has started\."):
        services.register(event=event, user=member, now=event.start + timedelta(minutes=5))


def test_a_deadline_in_the_future_leaves_registration_open(member):
    event = registered_event(registration_deadline=timezone.now() + timedelta(days=1))
    assert services.registration_closed_reason(event) is None
    assert services.register(event=event, user=member).status == "registered"


def test_full_without_a_waiting_list_is_refused_clearly(member):
    event = registered_event(capacity=2, waiting_list=False)
    services.register(event=event, user=UserFactory())
    services.register(event=event, user=UserFactory())
    with pytest.raises(services.EventFull,
                       match=r"This event is full: all 2 seats are taken\.") as error:
        services.register(event=event, user=member)
    assert error.value.code == "event_full"
    assert not Registration.objects.filter(user=member).exists()


def test_more_seats_move_up_the_waiting_list_in_order(member):
    event = registered_event(capacity=1)
    waiting = [UserFactory() for _ in range(3)]
    now = timezone.now()
    services.register(event=event, user=member, now=now)
    for n, user in enumerate(waiting, start=1):
        services.register(event=event, user=user, now=now + timedelta(seconds=n))
    updated = services.event_update(event=event, by=None, capacity=3)
    assert updated.sequence == 0  # seats are not the schedule
    assert [reg(event, u).status for u in waiting] == ["registered", "registered", "waiting"]
    assert {m.to for m in mails("event-promoted")} == {waiting[0].email, waiting[1].email}
    services.event_update(event=event, by=None, capacity=None)  # no limit: everyone is in
    assert reg(event, waiting[2]).status == "registered"


def test_seats_cannot_go_below_the_people_registered(member):
    event = registered_event(capacity=3)
    services.register(event=event, user=member)
    services.register(event=event, user=UserFactory())
    with pytest.raises(ValidationError) as error:
        services.event_update(event=event, by=None, capacity=1)
    assert error.value.message_dict == {
        "capacity": ["2 people are already registered: the seats cannot be fewer."]}
    assert Event.objects.get(pk=event.pk).capacity == 3
    assert services.event_update(event=event, by=None, capacity=2).capacity == 2


def test_no_promotion_once_the_event_has_started(member):
    event = registered_event(capacity=1)
    waiting = UserFactory()
    services.register(event=event, user=member)
    services.register(event=event, user=waiting)
    services.cancel_registration(event=event, user=member, now=event.start + timedelta(minutes=1))
    assert reg(event, waiting).status == "waiting"


def test_the_services_trust_their_callers_about_who_may_register(pending_user):
    """Permissions are the views' business (events.permissions); the services do not ask."""
    event = registered_event()
    assert not can_register(pending_user, event)
    assert services.register(event=event, user=pending_user).status == "registered"


def test_registering_again_within_the_same_second_sends_a_new_confirmation(member):
    event = registered_event()
    now = timezone.now().replace(microsecond=100)
    services.register(event=event, user=member, now=now)
    services.cancel_registration(event=event, user=member, now=now)
    services.register(event=event, user=member, now=now + timedelta(microseconds=5))
    assert len(mails("event-registered", member)) == 2


# --- Bad input: clear errors per field -------------------------------------------------------

@pytest.mark.parametrize(("fields", "expected"), [
    ({"hours": -1}, {"end": ["The end must be after the start."]}),
    ({"hours": 0}, {"end": ["The end must be after the start."]}),
    ({"capacity": 0}, {"capacity": ["Ensure this value is greater than or equal to 1."]}),
    ({"capacity": -1}, {"capacity": ["Ensure this value is greater than or equal to 1."]}),
    ({"visibility": "group"},
     {"working_group": ["Choose the working group whose members may see this event."]}),
])
def test_bad_input_is_refused_on_the_field_to_correct(fields, expected):
    with pytest.raises(ValidationError) as error:
        make_event(**fields)
    assert error.value.message_dict == expected
    assert not Event.objects.exists()


def test_an_unknown_time_zone_is_refused_clearly():
    with pytest.raises(ValidationError) as error:
        services.event_create(by=None, title="Webinar", kind=Event.Kind.WEBINAR,
                              start=at(2027, 1, 4, 10), end=at(2027, 1, 4, 11),
                              time_zone="Europe/Bucuresti")
    assert error.value.message_dict == {"time_zone": [
        "“Europe/Bucuresti” is not a known time zone. Use an IANA name such as "
        "Europe/Bucharest or Asia/Seoul."]}


def test_several_mistakes_are_reported_together():
    with pytest.raises(ValidationError) as error:
        services.event_create(by=None, title="", kind="party", start=at(2027, 1, 4, 10),
                              end=at(2027, 1, 4, 9), capacity=0, time_zone="Mars/Olympus")
    assert set(error.value.message_dict) == {"title", "kind", "end", "capacity", "time_zone"}


def test_bad_edits_are_refused_and_nothing_changes():
    event = make_event()
    with pytest.raises(ValidationError) as error:
        services.event_update(event=event, by=None, end=event.start - timedelta(hours=1))
    assert error.value.message_dict == {"end": ["The end must be after the start."]}
    with pytest.raises(ValidationError) as error:
        services.event_update(event=event, by=None, time_zone="Nowhere/City")
    assert list(error.value.message_dict) == ["time_zone"]
    stored = Event.objects.get(pk=event.pk)
    assert (stored.end, stored.time_zone, stored.sequence) == (event.end, event.time_zone, 0)


def test_validation_message_joins_the_messages():
    error = ValidationError({"end": ["The end must be after the start."],
                             "capacity": ["Ensure this value is greater than or equal to 1."]})
    assert services.validation_message(error) == (
        "The end must be after the start. Ensure this value is greater than or equal to 1.")


# --- The database refuses what the services would (writes that bypass them) -----------------

@pytest.mark.parametrize("change", [
    {"end": F("start")},
    {"end": F("start") - timedelta(hours=1)},
    {"capacity": 0},
    {"capacity": -1},
    {"visibility": "group", "working_group": None},
])
def test_the_database_constraints_hold_without_the_services(change):
    event = make_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(**change)
    assert Event.objects.get(pk=event.pk).end == event.end


def test_one_occurrence_per_date_in_a_series(series):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=series[1].pk).update(recurrence_id=series[0].recurrence_id)
