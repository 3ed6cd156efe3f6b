"""Writes for clusters. Every change is kept in the cluster's history (ClusterChange)."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from accounts.permissions import is_approved
from core import storage

from .models import Cluster, ClusterChange, ClusterLabel, ClusterMember, ValueChainEntry

# What a cluster's managers may change on its profile (staff too; slug and publication are
# staff matters handled by their own services).
PROFILE_FIELDS = (
    "name", "acronym", "management_entity", "date_established", "management_team_size",
    "region", "city", "address", "sectors", "s3_priority_areas", "industrial_ecosystem",
    "technology_fields", "website", "email", "phone", "contact_person", "description",
    "other_networks", "logo", "members_total", "members_smes", "members_large",
    "members_research", "members_public", "members_other",
)
MEMBER_FIELDS = ("organisation", "helix", "is_sme", "country", "city", "website")
ENTRY_FIELDS = ("kind", "title", "description", "sectors", "keywords", "member")
LABEL_FIELDS = ("level", "issuer", "awarded_on", "valid_until", "score", "evidence_file",
                "evidence_url")


def shown(instance: models.Model, name: str) -> str:
    """A field's value as a person reads it, for the history."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return ""
        return ", ".join(sorted(str(item) for item in getattr(instance, name).all()))
    value = getattr(instance, name)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.FileField):
        return value.name if value else ""
    if isinstance(field, models.BooleanField) and value is not None:
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def _apply(instance: models.Model, data: dict, allowed: tuple) -> dict:
    """Set the allowed fields of `data` on `instance`, validate, save; return the changes as
    {field: [old, new]}. Many-to-many values are lists or querysets."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    before = {name: shown(instance, name) for name in data}
    many = {name: value for name, value in data.items()
            if instance._meta.get_field(name).many_to_many}
    files = {name: getattr(instance, name).name for name in data
             if isinstance(instance._meta.get_field(name), models.FileField)}
    for name, value in data.items():
        if name in files and value is False:
            value = ""  # a cleared file input (what FileField.save_form_data does)
        if name not in many:
            setattr(instance, name, value)
    instance.full_clean()
    # New uploads (logo, certificate) are stored through core.storage, so they are deleted
    # again if the caller's transaction rolls back (callers use storage.atomic).
    storage.save_uploads(instance)
    instance.save()
    for name, old in files.items():
        if old and old != getattr(instance, name).name:
            storage.delete_on_commit(old)  # replaced or cleared; kept if another row uses it
    for name, value in many.items():
        getattr(instance, name).set(value)
    after = {name: shown(instance, name) for name in data}
    return {name: [before[name], after[name]] for name in data if before[name] != after[name]}


def _record(cluster, user, action, subject="", changes=None) -> ClusterChange:
    return ClusterChange.objects.create(cluster=cluster, user=user, action=action,
                                        subject=subject[:250], changes=changes or {})


def _lock(cluster: Cluster) -> Cluster:
    return Cluster.objects.select_for_update().get(pk=cluster.pk)


@storage.atomic()
def cluster_create(*, user: User | None, slug: str, name: str, region, **fields) -> Cluster:
    cluster = Cluster(slug=slug, name=name, region=region)
    changes = _apply(cluster, fields, PROFILE_FIELDS) if fields else {}
    cluster.full_clean()
    cluster.save()
    _record(cluster, user, ClusterChange.Action.CREATED, name, changes)
    return cluster


@storage.atomic()
def cluster_update(*, cluster: Cluster, user: User | None, data: dict) -> ClusterChange | None:
    """Change profile fields; nothing is saved unless every value is valid. Returns the
    history entry, or None when nothing changed."""
    locked = _lock(cluster)
    changes = _apply(locked, data, PROFILE_FIELDS)
    if not changes:
        return None
    return _record(locked, user, ClusterChange.Action.PROFILE, "", changes)


@transaction.atomic
def cluster_set_published(*, cluster: Cluster, user: User | None, published: bool):
    locked = _lock(cluster)
    if locked.is_published == published:
        return None
    locked.is_published = published
    locked.save(update_fields=["is_published"])
    cluster.is_published = published
    action = ClusterChange.Action.PUBLISHED if published else ClusterChange.Action.UNPUBLISHED
    return _record(locked, user, action)


@transaction.atomic
def cluster_manager_add(*, cluster: Cluster, manager: User, by: User | None) -> bool:
    """Make an approved user a manager of this one cluster. Returns False if they were."""
    if not is_approved(manager):
        raise ValidationError(_("Only approved users can manage a cluster."))
    from .permissions import can_edit_cluster

    if can_edit_cluster(manager, cluster) and not manager.is_staff:
        return False
    assign_perm("manage_cluster", manager, cluster)
    _record(cluster, by, ClusterChange.Action.MANAGER_ADDED, manager.email)
    return True


@transaction.atomic
def cluster_manager_remove(*, cluster: Cluster, manager: User, by: User | None) -> bool:
    from .permissions import cluster_managers

    if manager not in cluster_managers(cluster):
        return False
    remove_perm("manage_cluster", manager, cluster)
    _record(cluster, by, ClusterChange.Action.MANAGER_REMOVED, manager.email)
    return True


@transaction.atomic
def member_save(*, cluster: Cluster, user: User | None, data: dict,
                member: ClusterMember | None = None) -> ClusterMember:
    _lock(cluster)
    creating = member is None
    member = member or ClusterMember(cluster=cluster)
    if member.cluster_id != cluster.pk:
        raise ValidationError(_("This member belongs to another cluster."))
    changes = _apply(member, data, MEMBER_FIELDS)
    if creating:
        _record(cluster, user, ClusterChange.Action.MEMBER_ADDED, member.organisation, changes)
    elif changes:
        _record(cluster, user, ClusterChange.Action.MEMBER_CHANGED, member.organisation,
                changes)
    return member


@transaction.atomic
def member_delete(*, cluster: Cluster, user: User | None, member: ClusterMember) -> None:
    _lock(cluster)
    if member.cluster_id != cluster.pk:
        raise ValidationError(_("This member belongs to another cluster."))
    _record(cluster, user, ClusterChange.Action.MEMBER_REMOVED, member.organisation)
    member.delete()


@transaction.atomic
def entry_save(*, cluster: Cluster, user: User | None, data: dict,
               entry: ValueChainEntry | None = None) -> ValueChainEntry:
    _lock(cluster)
    creating = entry is None
    entry = entry or ValueChainEntry(cluster=cluster)
    if entry.cluster_id != cluster.pk:
        raise ValidationError(_("This entry belongs to another cluster."))
    member = data.get("member")
    if member is not None and member.cluster_id != cluster.pk:
        raise ValidationError({"member": _("Choose a member of this cluster.")})
    changes = _apply(entry, data, ENTRY_FIELDS)
    if creating:
        _record(cluster, user, ClusterChange.Action.ENTRY_ADDED, entry.title, changes)
    elif changes:
        _record(cluster, user, ClusterChange.Action.ENTRY_CHANGED, entry.title, changes)
    return entry


@transaction.atomic
def entry_delete(*, cluster: Cluster, user: User | None, entry: ValueChainEntry) -> None:
    _lock(cluster)
    if entry.cluster_id != cluster.pk:
        raise ValidationError(_("This entry belongs to another cluster."))
    _record(cluster, user, ClusterChange.Action.ENTRY_REMOVED, entry.title)
    entry.delete()


@storage.atomic()
def label_record(*, cluster: Cluster, user: User | None, data: dict,
                 source_note: str = "") -> ClusterLabel:
    """Record a new label with its evidence: a certificate file or a link (labels are
    history, so a new one never overwrites an older one)."""
    _lock(cluster)
    if not data.get("evidence_file") and not data.get("evidence_url") and not source_note:
        raise ValidationError(_("Attach the certificate or give a link to the evidence."))
    label = ClusterLabel(cluster=cluster, recorded_by=user, source_note=source_note)
    changes = _apply(label, data, LABEL_FIELDS)
    _record(cluster, user, ClusterChange.Action.LABEL_RECORDED, str(label), changes)
    return label
