"""A cluster manager logs in, edits the profile, and the public page shows the change."""

import re

import pytest

from clusters import services
from clusters.models import Cluster, ClusterChange, Country, Region
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_edits_the_profile_and_the_public_sees_it(live_server, page, browser):
    romania = Country.objects.create(code="RO", name_ro="România", name_en="Romania")
    centru = Region.objects.create(code="RO12", slug="centru", name_ro="Centru",
                                   name_en="Centre", country=romania)
    cluster = Cluster.objects.create(slug="green-energy", name="Green Energy", region=centru,
                                     is_published=True)
    manager = UserFactory(email="ioana@example.ro", full_name="Ioana Ștefănescu")
    services.cluster_manager_add(cluster=cluster, manager=manager, by=None)

    page.goto(f"{live_server.url}/accounts/login/?next=/clusters/green-energy/")
    page.get_by_label(re.compile(r"^E-?mail", re.I)).fill("ioana@example.ro")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/clusters/green-energy/")

    page.get_by_role("link", name="Edit profile").click()
    page.wait_for_url("**/clusters/green-energy/edit/")
    page.get_by_label("Strategy and description").fill(
        "Strategia 2030: biomasă, hidrogen verde și eficiență energetică în Sfântu Gheorghe.")
    page.get_by_label("Members in total").fill("64")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/clusters/green-energy/")
    assert "The profile has been saved." in page.content()

    # What the public sees, in another browser with nobody logged in.
    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(f"{live_server.url}/clusters/green-energy/")
    text = visitor.content()
    assert "Strategia 2030: biomasă, hidrogen verde" in text
    assert "64" in text
    assert "Edit profile" not in text
    visitor.context.close()
    assert ClusterChange.objects.filter(cluster=cluster, action="profile",
                                        user=manager).exists()
    page.screenshot(path="test-artifacts/browser-cluster-profile.png", full_page=True)
