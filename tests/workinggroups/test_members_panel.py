"""The group space's member list is rendered once and kept in the cache (a large group's list
costs more than the rest of the page), yet every change to the group shows at once."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from workinggroups import services
from workinggroups.models import Membership

from .conftest import client_for
from .test_space import space_url

pytestmark = pytest.mark.django_db


def panel(response) -> str:
    page = response.content.decode()
    start = page.index('aria-labelledby="members-heading"')
    return page[start:page.index("</section>", start)]


def member_list_queries(queries) -> list[str]:
    """The query that reads the whole member list (not the viewer's own membership)."""
    return [q["sql"] for q in queries
            if 'FROM "workinggroups_membership"' in q["sql"]
            and 'ORDER BY "workinggroups_membership"."role"' in q["sql"]
            and '"workinggroups_membership"."user_id" =' not in q["sql"].split("WHERE")[1]]


def test_the_list_is_read_once_then_served_from_the_cache(wg1, coordinator, member):
    client = client_for(member)
    with CaptureQueriesContext(connection) as first:
        first_page = client.get(space_url(wg1))
    with CaptureQueriesContext(connection) as second:
        second_page = client.get(space_url(wg1))
    assert "Ion Vasilescu" in panel(first_page)
    assert "Ana Popescu" in panel(first_page)
    assert panel(second_page) == panel(first_page)
    assert len(member_list_queries(first.captured_queries)) == 1
    assert member_list_queries(second.captured_queries) == []
    assert len(second.captured_queries) < len(first.captured_queries)


def test_a_new_member_a_new_role_and_a_departure_show_at_once(wg1, coordinator, member):
    client = client_for(member)
    assert "2 members" in panel(client.get(space_url(wg1)))

    newcomer = UserFactory(full_name="Maria Ionescu", email="maria@example.ro")
    services.membership_add(group=wg1, user=newcomer, by=coordinator)
    shown = panel(client.get(space_url(wg1)))
    assert "3 members" in shown
    assert "Maria Ionescu" in shown

    services.membership_set_role(membership=Membership.objects.get(user=newcomer, group=wg1),
                                 by=coordinator, role=Membership.Role.COORDINATOR)
    shown = panel(client.get(space_url(wg1)))
    assert shown.count("coordinator</span>") == 2

    services.membership_remove(membership=Membership.objects.get(user=newcomer, group=wg1),
                               by=coordinator)
    shown = panel(client.get(space_url(wg1)))
    assert "2 members" in shown
    assert "Maria Ionescu" not in shown


def test_a_renamed_member_shows_at_once(wg1, member):
    client = client_for(member)
    client.get(space_url(wg1))
    member.full_name = "Ion Vasilescu-Popa"
    member.save()
    assert "Ion Vasilescu-Popa" in panel(client.get(space_url(wg1)))


def test_each_language_has_its_own_copy(wg1, member):
    assert "1 member" in panel(client_for(member).get(space_url(wg1)))
    assert "1 membru" in panel(client_for(member, HTTP_ACCEPT_LANGUAGE="ro").get(space_url(wg1)))


def test_the_page_works_when_the_cache_is_down(wg1, member):
    client = client_for(member)
    with mock.patch("core.pagecache.cache.get", side_effect=ConnectionError("cache down")):
        response = client.get(space_url(wg1))
    assert response.status_code == 200
    assert "Ion Vasilescu" in panel(response)


def test_with_the_cache_turned_off_the_list_is_read_every_time(settings, wg1, member):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client = client_for(member)
    client.get(space_url(wg1))
    with CaptureQueriesContext(connection) as again:
        client.get(space_url(wg1))
    assert len(member_list_queries(again.captured_queries)) == 1
