"""Fixtures for the events tests: WG1 with a coordinator and a member, WG2 with its own member,
and events made through events.services (the only way the portal writes events)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event
from tests.factories import UserFactory
from workinggroups import services as group_services
from workinggroups.models import Membership, WorkingGroup

BUCHAREST = ZoneInfo("Europe/Bucharest")


def client_for(user, **kwargs) -> Client:
    """A client speaking English, logged in as `user` (None: anonymous)."""
    client = Client(**{"HTTP_ACCEPT_LANGUAGE": "en", **kwargs})
    if user is not None:
        client.force_login(user)
    return client


def make_event(*, by=None, start=None, hours=2, time_zone="Europe/Bucharest", clusters=(),
               repeat=None, **fields) -> Event:
    """An event through the service. Default: public conference in 10 days, 10:00 local."""
    tz = ZoneInfo(time_zone)
    if start is None:
        day = (timezone.now() + timedelta(days=10)).astimezone(tz).date()
        start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)
    values = {"title": "Conferința clusterelor din Iași", "kind": Event.Kind.CONFERENCE,
              "start": start, "end": start + timedelta(hours=hours), "time_zone": time_zone,
              "city": "Iași", "country": "RO", **fields}
    return services.event_create(by=by, clusters=clusters, repeat=repeat, **values)


def add_member(group, user, role=Membership.Role.MEMBER):
    group_services.membership_add(group=group, user=user, by=None, role=role)
    return user


@pytest.fixture
def wg1(db):
    return WorkingGroup.objects.get(code="WG1")


@pytest.fixture
def wg2(db):
    return WorkingGroup.objects.get(code="WG2")


@pytest.fixture
def coordinator(wg1):
    return add_member(wg1, UserFactory(full_name="Ana Popescu", email="ana@example.ro"),
                      Membership.Role.COORDINATOR)


@pytest.fixture
def member(wg1):
    return add_member(wg1, UserFactory(full_name="Ioana Ștefănescu", email="ioana@example.ro"))


@pytest.fixture
def other_member(wg2):
    """A member of another group (WG2)."""
    return add_member(wg2, UserFactory(full_name="Mihai Țurcanu", email="mihai@example.ro"))


@pytest.fixture
def public_event(db):
    return make_event(title="Conferința Europeană a Clusterelor")


@pytest.fixture
def group_event(wg1, coordinator):
    """Visible to WG1's members only."""
    return make_event(by=coordinator, title="Ședința internă WG1", kind=Event.Kind.MEETING,
                      visibility=Event.Visibility.GROUP, working_group=wg1)
