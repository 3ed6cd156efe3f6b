"""Events fall between events.services.FIRST_YEAR and LAST_YEAR: outside that range (a year typed
as 202, or one in which the zone used local mean time such as +01:44:24, which ISO 8601 cannot
write) the service refuses the date on its field, and the API answers 400, not a 500 or a time
it cannot write. Found by the API fuzzer (tests/fuzz)."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import services
from events.models import Event
from tests.factories import UserFactory

from .conftest import BUCHAREST, make_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("start", "field"), [
    (datetime(services.FIRST_YEAR - 1, 12, 31, 10, tzinfo=BUCHAREST), "start"),
    (datetime(1302, 2, 11, 16, 47, tzinfo=BUCHAREST), "start"),
    (datetime(services.LAST_YEAR, 12, 31, 23, tzinfo=BUCHAREST), "end"),
])
def test_the_service_refuses_a_date_outside_the_range(start, field):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_event(start=start, hours=24 * 3)
    assert "between 1990 and 2100" in refused.value.message_dict[field][0]
    assert not Event.objects.exists()


def test_the_first_and_last_years_are_allowed():
    first = make_event(start=datetime(services.FIRST_YEAR, 1, 1, 10, tzinfo=BUCHAREST))
    last = make_event(start=datetime(services.LAST_YEAR, 12, 30, 10, tzinfo=BUCHAREST))
    assert first.local_start.isoformat() == "1990-01-01T10:00:00+02:00"
    assert last.end.year == services.LAST_YEAR


def test_the_api_answers_400_for_a_date_outside_the_range():
    staff = UserFactory(staff=True)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    start = datetime(1302, 2, 11, 15, 2, tzinfo=BUCHAREST)
    response = client.post("/api/v1/events/", {
        "title": "Too early", "kind": "meeting", "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(), "time_zone": "Europe/Bucharest",
    }, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"start", "end"}
    assert not Event.objects.exists()
