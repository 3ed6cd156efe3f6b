"""Who may see and change clusters. Views, the API and templates ask these functions.

Managers are approved users holding the object permission `clusters.manage_cluster` on one
cluster (django-guardian, direct foreign-key tables); staff manage every cluster."""

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user, get_users_with_perms
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.permissions import is_approved

from .models import Cluster

MANAGE = "clusters.manage_cluster"


def clusters_visible_to(user) -> QuerySet[Cluster]:
    """Published clusters for everyone; unpublished ones too for staff and their managers."""
    published = Cluster.objects.filter(is_published=True)
    if not is_approved(user):
        return published
    if user.is_staff:
        return Cluster.objects.all()
    managed = clusters_managed_by(user).values("pk")
    return Cluster.objects.filter(Q(is_published=True) | Q(pk__in=managed))


def clusters_managed_by(user) -> QuerySet[Cluster]:
    """The clusters this user may edit (never through a model-wide permission)."""
    if not is_approved(user):
        return Cluster.objects.none()
    if user.is_staff:
        return Cluster.objects.all()
    return get_objects_for_user(user, MANAGE, klass=Cluster, accept_global_perms=False,
                                with_superuser=False)


def can_edit_cluster(user, cluster: Cluster) -> bool:
    """Staff, and the cluster's own managers, edit its profile, members, offers, gaps, logo
    and labels; nobody else, whatever model-wide permissions they hold."""
    if not is_approved(user):
        return False
    if user.is_staff:
        return True
    from guardian.core import ObjectPermissionChecker

    return ObjectPermissionChecker(user).has_perm("manage_cluster", cluster)


def can_publish_cluster(user) -> bool:
    """Only staff create clusters, publish or unpublish them and assign managers."""
    return is_approved(user) and user.is_staff


def cluster_managers(cluster: Cluster):
    return get_users_with_perms(cluster, only_with_perms_in=["manage_cluster"],
                                with_superusers=False, with_group_users=False)


class ClusterPermission(BasePermission):
    """API: anyone reads what clusters_visible_to() lets them see; editors write."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_approved(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or can_edit_cluster(request.user, obj)
