"""Where user files (media) are kept: the `STORAGES["default"]` entry built from the environment.

MEDIA_STORAGE=filesystem (the default) keeps them under MEDIA_ROOT, which suits one host.
MEDIA_STORAGE=s3 keeps them in a bucket of Amazon S3 or of any S3-compatible service (MinIO,
Ceph, Garage, a cloud provider's object storage) through django-storages, so that every web
process on every host sees the same files:

    S3_BUCKET               the bucket (required); keep it private
    S3_ENDPOINT_URL         the service's address, for anything but Amazon S3
    S3_REGION               the bucket's region (Amazon S3; most others accept any value)
    S3_ACCESS_KEY_ID        credentials; without both, boto3's own chain is used
    S3_SECRET_ACCESS_KEY      (AWS_* variables, ~/.aws, an instance or pod role)
    S3_PREFIX               a folder inside the bucket for this site's files (optional)
    S3_ADDRESSING_STYLE     "path" or "virtual" (default: boto3 decides; MinIO needs "path"
                            unless it is set up for virtual-host buckets)

Files are never served from the bucket's URLs: the views check the permission and stream the
file through the storage API (core.uploads.file_response). The objects get no ACL of their own
(the bucket's policy applies), and `url()`, should anything call it, gives a signed address that
expires after five minutes.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"

# A file read from S3 is first downloaded into a temporary file: kept in memory up to this
# size, on disk (FILE_UPLOAD_TEMP_DIR) beyond it, so that a large download does not grow the
# worker's memory. django-storages' default, 0, would keep every file wholly in memory.
S3_MAX_MEMORY_SIZE = 2 * 1024 * 1024
S3_CONNECT_TIMEOUT = 5  # seconds
S3_READ_TIMEOUT = 30


def media_storage(environ: Mapping[str, str]) -> dict:
    """The `STORAGES["default"]` entry for these environment variables."""
    kind = (environ.get("MEDIA_STORAGE") or "filesystem").strip().lower()
    if kind == "filesystem":
        return dict(FILESYSTEM)
    from botocore.config import Config  # only when S3 is used
    if kind != "s3":
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE must be 'filesystem' or 's3', not {environ['MEDIA_STORAGE']!r}.")

    def value(name):
        return (environ.get(name) or "").strip() or None

    bucket = value("S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET (the bucket's name).")
    access_key, secret_key = value("S3_ACCESS_KEY_ID"), value("S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (boto3's own "
            "credentials chain is used then).")
    addressing_style = value("S3_ADDRESSING_STYLE")
    if addressing_style not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be 'path', 'virtual' or 'auto', not {addressing_style!r}.")
    options = {
        "bucket_name": bucket,
        "endpoint_url": value("S3_ENDPOINT_URL"),
        "region_name": value("S3_REGION"),
        "location": (value("S3_PREFIX") or "").strip("/"),
        # The bucket's policy decides access (buckets with ACLs disabled refuse ACL headers).
        "default_acl": None,
        # Never replace a stored file: a name already taken gets a suffix, as on the disk.
        "file_overwrite": False,
        # url() is not used to serve files; if it ever is, a short-lived signed address.
        "querystring_auth": True,
        "querystring_expire": 300,
        "max_memory_size": S3_MAX_MEMORY_SIZE,
        # An unreachable service fails a request (and /healthz) within seconds instead of
        # holding a worker for minutes: botocore waits 60 s per attempt by default.
        "client_config": Config(
            s3={"addressing_style": addressing_style or "auto"},
            connect_timeout=S3_CONNECT_TIMEOUT, read_timeout=S3_READ_TIMEOUT,
            retries={"mode": "standard", "max_attempts": 3}),
    }
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
