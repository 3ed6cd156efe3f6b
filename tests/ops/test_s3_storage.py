"""Media on S3 (MEDIA_STORAGE=s3): the same code paths as on the file system, against an
in-process S3 (moto; no network). The storage is built by config.media_storage, the function the
settings call, so what runs here is what production builds.

Covered: upload and byte-identical download through the real views (files never touch
MEDIA_ROOT), removal of an uncommitted object on rollback, check_storage (clean, then an
orphan object), backup_site / restore_site round trip, /healthz; and the production settings
that the environment variables produce."""

import hashlib
import io
import json
import tarfile

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from moto import mock_aws
from storages.backends.s3 import S3Storage

from config.media_storage import S3_BACKEND, media_storage
from core import storage as core_storage
from core.backup import MANIFEST, MEDIA_ARCHIVE
from documents import services as document_services
from documents.models import Document, DocumentVersion
from tests.config.test_settings import PRODUCTION_ENV, run
from tests.documents.web_helpers import (
    PDF,
    body_of,
    client_for,
    download_url,
    member_of,
    txt,
    upload_form,
)
from workinggroups.models import WorkingGroup

from .storage_fixtures import group_member, lose_document, make_document

BUCKET = "clusterpolicy-media"
PREFIX = "site-a"
REGION = "eu-central-1"
S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "S3_BUCKET": BUCKET,
    "S3_REGION": REGION,
    "S3_PREFIX": f"/{PREFIX}/",
    "S3_ACCESS_KEY_ID": "testing",
    "S3_SECRET_ACCESS_KEY": "testing",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def s3(settings, monkeypatch):
    """The default storage switched to a private bucket of an in-process S3, configured as the
    settings configure it from S3_ENV. Yields a boto3 client for looking into the bucket."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION, aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        client.create_bucket(Bucket=BUCKET,
                             CreateBucketConfiguration={"LocationConstraint": REGION})
        settings.STORAGES = {**settings.STORAGES, "default": media_storage(S3_ENV)}
        # Django drops its storages when STORAGES changes: default_storage is the bucket now.
        assert isinstance(storages["default"], S3Storage)
        assert (default_storage.bucket_name, default_storage.location) == (BUCKET, PREFIX)
        yield client
    # settings' teardown switches STORAGES back (Django resets default_storage on the change).


def keys(client) -> set[str]:
    """Every object in the bucket, by full key."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {entry["Key"] for page in pages for entry in page.get("Contents", ())}


def stored_names(client) -> set[str]:
    """The bucket's objects by the names the site uses (the prefix removed)."""
    found = keys(client)
    assert all(key.startswith(f"{PREFIX}/") for key in found), found
    return {key.removeprefix(f"{PREFIX}/") for key in found}


def object_bytes(client, name: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}")["Body"].read()


def media_root_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- upload, download, rollback -----------------------------------------------------------

@pytest.mark.django_db
def test_a_version_uploaded_through_the_views_downloads_byte_identical(s3, settings):
    group = WorkingGroup.objects.get(code="WG1")
    ana = member_of(group, full_name="Ana Popescu", email="ana@example.ro")
    client = client_for(ana)
    response = client.post(reverse("documents:upload", args=[group.code]),
                           upload_form(txt(PDF, "Raport.pdf")))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(title="Analiză SWOT Nord-Est")
    v2_bytes = PDF.replace(b"Raport de evaluare", b"Raport de evaluare, revizuit") + b"\0" * 5000
    response = client.post(reverse("documents:version_new", args=[document.pk]),
                           {"file": txt(v2_bytes, "Raport.pdf"), "note": "revizuit"})
    assert response.status_code == 302

    v1, v2 = document.versions.order_by("number")
    # Both are objects in the bucket, under the prefix, exactly as uploaded; nothing on disk.
    assert stored_names(s3) == {v1.file.name, v2.file.name}
    assert object_bytes(s3, v1.file.name) == PDF
    assert object_bytes(s3, v2.file.name) == v2_bytes
    assert (v1.sha256, v2.sha256) == (sha256(PDF), sha256(v2_bytes))
    assert media_root_files(settings) == []
    # No ACL of its own: the bucket's owner only, as the bucket's policy says.
    grants = s3.get_object_acl(Bucket=BUCKET, Key=f"{PREFIX}/{v1.file.name}")["Grants"]
    assert [g["Grantee"].get("URI") for g in grants] == [None]

    for number, expected in ((1, PDF), (2, v2_bytes)):
        response = client.get(download_url(document, number))
        assert response.status_code == 200
        assert response.streaming
        assert body_of(response) == expected
        assert response["Content-Length"] == str(len(expected))
        assert response["Content-Disposition"].startswith("attachment")
    # Someone outside the group gets the same 404 as for a version that does not exist.
    outsider = client_for(member_of(WorkingGroup.objects.get(code="WG2")))
    assert outsider.get(download_url(document, 1)).status_code == 404
    assert outsider.get(download_url(document, 9)).status_code == 404


@pytest.mark.django_db
def test_an_object_stored_in_a_transaction_that_rolls_back_is_deleted(s3, monkeypatch):
    class Boom(Exception):
        pass

    with core_storage.atomic():
        kept = core_storage.save_file("documents/kept", ContentFile(b"kept"))
    seen = []

    def store_then_fail():
        with core_storage.atomic():
            core_storage.save_file("documents/lost", ContentFile(b"lost"))
            seen.extend(stored_names(s3))  # stored before the row would commit
            raise Boom

    with pytest.raises(Boom):
        store_then_fail()
    assert sorted(seen) == ["documents/kept", "documents/lost"]
    assert stored_names(s3) == {kept}

    # The same through a service: a version whose transaction fails leaves no object.
    group, ana = group_member()
    document = make_document(group, ana, [b"Versiunea 1.\n"])
    before = stored_names(s3)

    def fail(*args, **kwargs):  # after the object was stored and the row saved
        assert len(stored_names(s3)) == len(before) + 1
        raise Boom

    monkeypatch.setattr(document_services, "_event", fail)
    with pytest.raises(Boom):
        document_services.version_add(document=document, user=ana,
                                      upload=txt(b"Versiunea 2.\n"))
    assert stored_names(s3) == before
    assert document.versions.count() == 1


# --- check_storage ------------------------------------------------------------------------

def check_storage() -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("check_storage", "--json", stdout=out)
    except CommandError as error:
        return error.returncode, json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


@pytest.mark.django_db
def test_check_storage_reads_the_bucket(s3):
    group, ana = group_member()
    make_document(group, ana, [b"Versiunea 1.\n", b"Versiunea 2.\n"])
    status, report = check_storage()
    assert status == 0, report
    assert report["files"] == report["rows"] == 2
    assert report["orphans"] == report["missing"] == report["checksum_mismatches"] == []

    # An object no row names (a crash before any cleanup could run) is an orphan.
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/documents/1/1/forgotten", Body=b"nobody")
    # Objects outside this site's prefix belong to someone else and are not looked at.
    s3.put_object(Bucket=BUCKET, Key="other-site/documents/x", Body=b"not ours")
    status, report = check_storage()
    assert status == 1
    assert report["orphans"] == ["documents/1/1/forgotten"]

    # An object changed behind the site's back is a checksum mismatch.
    version = DocumentVersion.objects.order_by("pk").first()
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{version.file.name}", Body=b"Versiunea 1!\n")
    status, report = check_storage()
    assert [m["pk"] for m in report["checksum_mismatches"]] == [version.pk]


@pytest.mark.django_db
def test_healthz_probes_the_bucket(s3, client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["checks"]["storage"]["ok"] is True
    assert stored_names(s3) == set()  # the probe object was deleted again


# --- backup and restore -------------------------------------------------------------------

CONTENTS = [
    [b"Ghid de politici, versiunea 1.\n", "Ghid, versiunea 2: ă î â ș ț.\n".encode()],
    ["Strategia regională — draft.\n".encode() * 2000],  # ~60 KB
]


def versions_in_bucket(client) -> dict[int, tuple[str, str]]:
    """{version id: (recorded SHA-256, SHA-256 of the object's bytes)}."""
    return {v.pk: (v.sha256, sha256(object_bytes(client, v.file.name)))
            for v in DocumentVersion.objects.order_by("pk")}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_round_trip_through_the_bucket(s3, tmp_path):
    group, ana = group_member()
    documents = [make_document(group, ana, contents, title=f"Document {n}")
                 for n, contents in enumerate(CONTENTS)]
    before = versions_in_bucket(s3)
    assert len(before) == 3
    assert all(recorded == actual for recorded, actual in before.values())

    call_command("backup_site", output_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    [folder] = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / MANIFEST).read_text())
    assert set(manifest["media"]) == stored_names(s3)
    with tarfile.open(folder / MEDIA_ARCHIVE, "r:gz") as archive:
        archived = {m.name: sha256(archive.extractfile(m).read()) for m in archive}
    assert archived == {name: entry["sha256"] for name, entry in manifest["media"].items()}

    # Disaster: a document's rows and objects gone, another object overwritten.
    lost = documents[0]
    lost_files = lose_document(lost)
    for name in lost_files:
        s3.delete_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}")
    damaged = documents[1].versions.get()
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{damaged.file.name}", Body=b"overwritten")
    assert set(lost_files).isdisjoint(stored_names(s3))

    out = io.StringIO()
    call_command("restore_site", str(folder), yes=True, stdout=out)
    assert "3 document version(s) verified" in out.getvalue()
    assert versions_in_bucket(s3) == before  # every version byte-identical again
    assert stored_names(s3) == set(manifest["media"])


# --- settings -----------------------------------------------------------------------------

DESCRIBE = """
import django, json
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage as s
s._setup()
c = getattr(s, "client_config", None)
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": type(s._wrapped).__module__ + "." + type(s._wrapped).__name__,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    **({} if not hasattr(s, "bucket_name") else {
        "bucket_name": s.bucket_name, "endpoint_url": s.endpoint_url,
        "region_name": s.region_name, "location": s.location, "access_key": s.access_key,
        "secret_key": s.secret_key, "default_acl": s.default_acl,
        "file_overwrite": s.file_overwrite, "querystring_auth": s.querystring_auth,
        "querystring_expire": s.querystring_expire, "max_memory_size": s.max_memory_size,
        "addressing_style": c.s3["addressing_style"], "connect_timeout": c.connect_timeout,
        "read_timeout": c.read_timeout, "url": s.url("documents/1/2/abc")}),
}))
"""


def describe_storage(env: dict) -> dict:
    result = run(DESCRIBE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_builds_the_s3_storage_from_the_environment():
    found = describe_storage({
        **PRODUCTION_ENV, **S3_ENV, "S3_ENDPOINT_URL": "https://minio.internal:9000",
        "S3_ACCESS_KEY_ID": "portal-media", "S3_SECRET_ACCESS_KEY": "s3cret",
        "S3_ADDRESSING_STYLE": "path"})
    url = found.pop("url")
    assert found == {
        "backend": S3_BACKEND,
        "class": S3_BACKEND,
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "bucket_name": BUCKET,
        "endpoint_url": "https://minio.internal:9000",
        "region_name": REGION,
        "location": PREFIX,
        "access_key": "portal-media",
        "secret_key": "s3cret",
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
        "max_memory_size": 2 * 1024 * 1024,
        "addressing_style": "path",
        "connect_timeout": 5,
        "read_timeout": 30,
    }
    # Should anything ask for a URL: signed, short-lived, on the configured service.
    assert url.startswith(f"https://minio.internal:9000/{BUCKET}/{PREFIX}/documents/1/2/abc?")
    assert "X-Amz-Expires=300" in url
    assert "X-Amz-Signature=" in url


def test_without_keys_boto3s_own_credentials_chain_is_used():
    env = {k: v for k, v in {**PRODUCTION_ENV, **S3_ENV}.items()
           if k not in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX")}
    found = describe_storage({**env, "AWS_ACCESS_KEY_ID": "from-the-role",
                              "AWS_SECRET_ACCESS_KEY": "x"})
    assert found["access_key"] == "from-the-role"  # django-storages reads AWS_* then boto3's
    assert found["location"] == ""
    assert found["endpoint_url"] is None
    assert found["addressing_style"] == "auto"


def test_the_file_system_stays_the_default():
    found = describe_storage(PRODUCTION_ENV)
    assert found == {"backend": "django.core.files.storage.FileSystemStorage",
                     "class": "django.core.files.storage.filesystem.FileSystemStorage",
                     "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.mark.parametrize(("env", "message"), [
    ({"MEDIA_STORAGE": "s3"}, "S3_BUCKET"),
    ({"MEDIA_STORAGE": "gcs"}, "MEDIA_STORAGE must be"),
    ({**S3_ENV, "S3_SECRET_ACCESS_KEY": ""}, "S3_SECRET_ACCESS_KEY"),
    ({**S3_ENV, "S3_ADDRESSING_STYLE": "dns"}, "S3_ADDRESSING_STYLE"),
])
def test_a_wrong_s3_setup_refuses_to_start(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storage(env)


def test_production_refuses_to_start_with_s3_and_no_bucket():
    result = run("import django; django.setup()", {**PRODUCTION_ENV, "MEDIA_STORAGE": "s3"})
    assert result.returncode != 0
    assert "S3_BUCKET" in result.stderr


def test_the_deploy_check_passes_with_s3():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 {**PRODUCTION_ENV, **S3_ENV})
    assert result.returncode == 0, result.stdout + result.stderr
