"""Upload rules for documents: the size limit is enforced while the upload streams, the type
is sniffed from the bytes and must be on the allow-list, and the file name is made safe
(no path, no control characters) while keeping its diacritics for display."""

import hashlib
import os
import unicodedata

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

TEXT_SAMPLE = 64 * 1024

# extension → (family the bytes must show, content type stored and served)
ALLOWED = {
    "pdf": ("pdf", "application/pdf"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
    "ppt": ("ole", "application/vnd.ms-powerpoint"),
    "docx": ("zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("zip",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("zip", "application/vnd.oasis.opendocument.text"),
    "ods": ("zip", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": ("zip", "application/vnd.oasis.opendocument.presentation"),
    "zip": ("zip", "application/zip"),
    "txt": ("text", "text/plain; charset=utf-8"),
    "md": ("text", "text/markdown; charset=utf-8"),
    "csv": ("text", "text/csv; charset=utf-8"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
}
ALLOWED_NAMES = ("PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, ODT, ODS, ODP, TXT, MD, CSV, PNG, "
                 "JPEG, GIF, WEBP, ZIP")


class UploadRefused(Exception):
    """The file cannot be accepted; `message` says why, `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class UploadTooLarge(UploadRefused):
    def __init__(self, limit: int):
        super().__init__(
            _("The file is larger than the limit of %(limit)s MB.")
            % {"limit": limit // (1024 * 1024)}, status=413)


def max_upload_bytes() -> int:
    return settings.DOCUMENT_MAX_UPLOAD_BYTES


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops an upload as soon as it passes the limit, before it is read further or stored.
    Install it first, before anything reads request.POST or request.FILES."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit or max_upload_bytes()

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The whole request is a little larger than the file; far larger is refused at once.
        if content_length and content_length > self.limit + 1024 * 1024:
            raise UploadTooLarge(self.limit)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, limit: int | None = None) -> None:
    request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, limit))


# A refused upload's body is read and dropped (so the client sees the answer instead of a reset
# connection) only up to the limit plus this margin.
DRAIN_MARGIN = 2 * 1024 * 1024


def drain_refused_body(request) -> None:
    """Read and drop what is left of a refused request body (never more than the limit plus a
    margin: a far larger request was refused before it was read at all)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length > max_upload_bytes() + DRAIN_MARGIN:
        return
    try:
        while request.read(64 * 1024):
            pass
    except Exception:  # noqa: S110 (the client went away: nothing left to answer)
        pass


def safe_filename(name: str) -> str:
    """The name without any path, control or format characters, at most 200 characters,
    diacritics kept (NFC)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    stem, ext = os.path.splitext(name)
    if len(name) > 200:
        name = stem[: 200 - len(ext)] + ext
    return name or "document"


def _family(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _is_text(sample: bytes) -> bool:
    if b"\0" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            return False
        text = sample[: exc.start].decode("utf-8")
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n\f")
    return controls == 0


def inspect_upload(upload) -> dict:
    """Check an uploaded file; return its safe name, size, content type and SHA-256.
    Raises UploadRefused with the reason."""
    limit = max_upload_bytes()
    if upload.size == 0:
        raise UploadRefused(_("The file is empty."))
    if upload.size > limit:
        raise UploadTooLarge(limit)
    filename = safe_filename(upload.name)
    ext = os.path.splitext(filename)[1].lower().lstrip(".")
    if ext not in ALLOWED:
        raise UploadRefused(_("This type of file is not accepted. Allowed types: %(types)s.")
                            % {"types": ALLOWED_NAMES}, status=415)
    family, content_type = ALLOWED[ext]
    upload.seek(0)
    sample = upload.read(TEXT_SAMPLE)
    upload.seek(0)
    detected = _family(sample)
    text_ok = family == "text" and detected is None and _is_text(sample)
    if not text_ok and (family == "text" or detected != family):
        raise UploadRefused(
            _("The file's content does not match its .%(ext)s name. Allowed types: %(types)s.")
            % {"ext": ext, "types": ALLOWED_NAMES}, status=415)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"filename": filename, "size": upload.size, "content_type": content_type,
            "sha256": digest.hexdigest()}
