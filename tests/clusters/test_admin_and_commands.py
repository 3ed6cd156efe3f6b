"""Staff maintain clusters and reference data in the admin and with add_cluster_manager."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clusters.models import Cluster, ClusterChange
from clusters.permissions import can_edit_cluster, cluster_managers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def test_add_cluster_manager_command(directory, capsys):
    user = UserFactory(email="ana@example.ro")
    call_command("add_cluster_manager", "ANA@example.ro", "green-energy")
    assert "now manages Green Energy" in capsys.readouterr().out
    assert can_edit_cluster(user, directory["green"])
    assert not can_edit_cluster(user, directory["agro"])
    call_command("add_cluster_manager", "ana@example.ro", "green-energy")
    assert "already manages" in capsys.readouterr().out
    call_command("add_cluster_manager", "ana@example.ro", "green-energy", "--remove")
    assert not can_edit_cluster(user, directory["green"])
    actions = list(ClusterChange.objects.filter(cluster=directory["green"])
                   .values_list("action", flat=True))
    assert actions == ["manager_removed", "manager_added"]


@pytest.mark.parametrize(("email", "slug", "message"), [
    ("nimeni@example.ro", "green-energy", "No account"),
    ("ana@example.ro", "nu-exista", "No cluster"),
])
def test_add_cluster_manager_errors(directory, email, slug, message):
    UserFactory(email="ana@example.ro")
    with pytest.raises(CommandError, match=message):
        call_command("add_cluster_manager", email, slug)


def test_pending_users_cannot_become_managers(directory):
    UserFactory(email="ana@example.ro", pending=True)
    # Commands speak the site's language (LANGUAGE_CODE, Romanian).
    with pytest.raises(CommandError, match="Doar utilizatorii aprobați"):
        call_command("add_cluster_manager", "ana@example.ro", "green-energy")


def test_model_wide_permission_does_not_make_a_manager(directory):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="manage_cluster"))
    assert not can_edit_cluster(user, directory["green"])


def test_admin_publishes_and_unpublishes(superuser_client, directory):
    changelist = reverse("admin:clusters_cluster_changelist")
    superuser_client.post(changelist, {"action": "publish",
                                       "_selected_action": [directory["hidden"].pk]})
    assert Cluster.objects.get(slug="draft-cluster").is_published
    superuser_client.post(changelist, {"action": "unpublish",
                                       "_selected_action": [directory["green"].pk]})
    assert not Cluster.objects.get(slug="green-energy").is_published
    assert ClusterChange.objects.filter(action="unpublished").count() == 1


def test_admin_lists_and_filters(superuser_client, directory):
    response = superuser_client.get(reverse("admin:clusters_cluster_changelist"),
                                    {"is_published__exact": "0"})
    assert response.status_code == 200
    assert "Draft Cluster" in response.content.decode()
    for name in ["country", "region", "sector", "clusterchange"]:
        url = reverse(f"admin:clusters_{name}_changelist")
        assert superuser_client.get(url).status_code == 200, name


def test_admin_creates_a_cluster_and_assigns_a_manager(superuser_client, regions, sectors):
    manager = UserFactory(email="noul.manager@example.ro")
    response = superuser_client.post(reverse("admin:clusters_cluster_add"), {
        "name": "Clusterul Mobilă Sud", "slug": "mobila-sud", "region": regions["vest"].pk,
        "sectors": [sectors["bioeconomie"].pk], "is_published": "on",
        "managers": [manager.pk],
        "labels-TOTAL_FORMS": "0", "labels-INITIAL_FORMS": "0",
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
        "value_chain-TOTAL_FORMS": "0", "value_chain-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    cluster = Cluster.objects.get(slug="mobila-sud")
    assert cluster.is_published
    assert list(cluster.sectors.values_list("slug", flat=True)) == ["bioeconomie"]
    assert list(cluster_managers(cluster)) == [manager]
    assert {"created", "published", "manager_added"} <= set(
        cluster.changes.values_list("action", flat=True))


def test_admin_inline_changes_are_kept_in_the_history(superuser_client, directory):
    green = directory["green"]
    response = superuser_client.post(reverse("admin:clusters_cluster_change", args=[green.pk]), {
        "name": green.name, "region": green.region_id,
        "sectors": [s.pk for s in green.sectors.all()], "is_published": "on",
        "members_total": "60", "management_entity": green.management_entity,
        "acronym": green.acronym, "city": green.city, "description": green.description,
        "labels-TOTAL_FORMS": "1", "labels-INITIAL_FORMS": "1",
        "labels-0-id": str(green.labels.get().pk), "labels-0-cluster": str(green.pk),
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
        "members-0-organisation": "Universitatea Sapientia", "members-0-helix": "research",
        "members-0-country": "RO", "members-0-is_sme": "unknown",
        "value_chain-TOTAL_FORMS": "0", "value_chain-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert green.members.get().organisation == "Universitatea Sapientia"
    change = ClusterChange.objects.get(cluster=green, action="member_added")
    assert change.subject == "Universitatea Sapientia"
    assert green.labels.count() == 1
