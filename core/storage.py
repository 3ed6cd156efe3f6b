"""User files and the transactions that record them.

A file is written to the storage before the row that names it is committed, so a crash or an
error in between must not leave the file behind (an *orphan*). Django 5.2 has no "on rollback"
hook, so this module keeps the bookkeeping itself:

- `save_file()` writes a file inside a transaction and notes its name on the database
  connection, together with an on-commit callback that marks it as kept.
- A file whose callback has fired was committed. A file whose callback is still queued on the
  connection belongs to a transaction that is still open. Any other file was saved in a
  transaction (or savepoint) that rolled back: Django drops the callbacks of a rolled-back
  block, and `discard_uncommitted()` deletes such files.
- `atomic()` is `transaction.atomic()` for the services that store files: when the block
  exits, however it exits, it runs `discard_uncommitted()`. Because it looks at the state of
  each file rather than at how the block ended, it is right when an *outer* transaction rolls
  back after the inner block succeeded, too: the outermost `atomic()` deletes the file then.
  When the outermost transaction is not ours (the admin's `changeform_view`, a test's
  transaction), the end of the request sweeps what is left.

`file_fields()` lists every FileField of the installed models; `check_storage` and the
rollback guard (`is_referenced`) use it, so a new FileField is covered without a list to keep.
"""

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.transaction import TransactionManagementError

logger = logging.getLogger(__name__)

_PENDING = "_core_storage_pending"  # attribute on the connection (connections are per thread)


@dataclass(eq=False)
class _Pending:
    name: str
    storage: Storage
    committed: bool = False
    callback: object = field(default=None, repr=False)


def _pending(connection) -> list[_Pending]:
    pending = getattr(connection, _PENDING, None)
    if pending is None:
        pending = []
        setattr(connection, _PENDING, pending)
    return pending


def save_file(name: str, content, *, storage: Storage | None = None, max_length=None,
              using: str | None = None) -> str:
    """Write `content` to the storage under `name` (or the free name the storage picks) and
    return the stored name. Must run inside the transaction that saves the row naming the
    file: if that transaction does not commit, the file is deleted again (see module doc)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        # Outside a transaction nothing would ever tell us whether the row was saved.
        raise TransactionManagementError(
            "save_file() must run inside the transaction that saves the file's row.")
    storage = storage or default_storage
    stored = storage.save(name, content, max_length=max_length)
    entry = _Pending(stored, storage)

    def keep():
        entry.committed = True

    entry.callback = keep
    _pending(connection).append(entry)
    transaction.on_commit(keep, using=using)
    return stored


def save_uploads(instance: models.Model, *, using: str | None = None) -> list[str]:
    """Store an instance's new uploads (a FileField given an uploaded file that is not stored
    yet) through `save_file()`, before `instance.save()` would store them on its own behind
    the transaction's back. Returns the stored names."""
    stored = []
    for model_field in instance._meta.concrete_fields:
        if not isinstance(model_field, models.FileField):
            continue
        file = getattr(instance, model_field.attname)
        if not file or file._committed:
            continue
        # What FieldFile.save() does, with the name tracked.
        name = model_field.generate_filename(instance, file.name)
        file.name = save_file(name, file.file, storage=file.storage,
                              max_length=model_field.max_length, using=using)
        setattr(instance, model_field.attname, file.name)
        file._committed = True
        stored.append(file.name)
    return stored


def discard_uncommitted(using: str | None = None) -> list[str]:
    """Delete the files saved with `save_file()` on this connection whose transaction has
    ended without committing; forget the committed ones. Returns the deleted names."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    pending = getattr(connection, _PENDING, None)
    if not pending:
        return []
    queued = {id(func) for _sids, func, _robust in connection.run_on_commit}
    alive, dead = [], []
    for entry in pending:
        if entry.committed:
            continue
        (alive if id(entry.callback) in queued else dead).append(entry)
    if dead and connection.in_atomic_block and connection.needs_rollback:
        # The open transaction is broken: no query can ask whether a name is still used.
        # Decide later (at the next sweep or the end of the request).
        alive.extend(dead)
        dead = []
    setattr(connection, _PENDING, alive)
    deleted = []
    for entry in dead:
        try:
            if is_referenced(entry.name, using=connection.alias):
                # An overwriting storage (S3 with file_overwrite) gave a content-addressed
                # name that a committed row also uses: the file is not ours to delete.
                continue
            entry.storage.delete(entry.name)
            deleted.append(entry.name)
        except Exception:  # never hide the error that rolled the transaction back
            logger.warning("Could not delete the uncommitted file %s; check_storage will "
                           "report it as an orphan", entry.name, exc_info=True)
    return deleted


def _discard_everywhere(**kwargs) -> None:
    for connection in connections.all(initialized_only=True):
        if getattr(connection, _PENDING, None):
            discard_uncommitted(connection.alias)


# At the end of each request: files left pending by a transaction we did not open ourselves.
request_finished.connect(_discard_everywhere, dispatch_uid="core.storage.discard_uncommitted")


@contextmanager
def atomic(using: str | None = None, savepoint: bool = True, durable: bool = False):
    """`transaction.atomic()` for services that store files with `save_file()`: files whose
    transaction did not commit are deleted when the block exits (nested use is fine)."""
    try:
        with transaction.atomic(using=using, savepoint=savepoint, durable=durable):
            yield
    finally:
        discard_uncommitted(using)


def delete_on_commit(name: str, *, storage: Storage | None = None,
                     using: str | None = None) -> None:
    """Delete a file once the transaction that dropped its row commits, unless another row
    still names it (content-addressed names are shared by identical files)."""
    if not name:
        return
    storage = storage or default_storage

    def delete():
        if not is_referenced(name, using=using):
            storage.delete(name)

    transaction.on_commit(delete, using=using)


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every concrete FileField (ImageField included) of the installed, managed models."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                found.append((model, model_field))
    return found


def is_referenced(name: str, *, using: str | None = None) -> bool:
    """Whether any row of any model names this stored file."""
    return any(model._default_manager.using(using or DEFAULT_DB_ALIAS)
               .filter(**{model_field.attname: name}).exists()
               for model, model_field in file_fields())


def walk(storage: Storage | None = None, folder: str = ""):
    """Every user file in the storage under `folder`, through the storage API (works for S3 as
    for the file system). Names starting with a dot are skipped: stored names are generated
    and never do, while the deployment keeps its own files there (docker-compose.yml's
    `.migrate.lock` in the media volume)."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # an empty FileSystemStorage has no root folder yet
        return
    for name in files:
        if not name.startswith("."):
            yield f"{folder}/{name}" if folder else name
    for sub in folders:
        if not sub.startswith("."):
            yield from walk(storage, f"{folder}/{sub}" if folder else sub)


CHUNK_SIZE = 1024 * 1024


def file_sha256(name: str, storage: Storage | None = None) -> tuple[str, int]:
    """The stored file's SHA-256 and size, read in chunks (never the whole file in memory)."""
    storage = storage or default_storage
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as handle:
        for chunk in handle.chunks(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
