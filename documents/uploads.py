"""Upload rules for documents: the size limit is enforced while the upload streams, the type
is sniffed from the bytes and must be on the allow-list, and the file name is made safe
(no path, no control characters) while keeping its diacritics for display.

`check_content` refuses what a browser could run or what hides a second file: web pages and
SVG (whatever the name says), a PDF or image with markup in its first bytes, a ZIP archive
appended to another file; and zip containers (DOCX, XLSX, ODT, ZIP…) are checked from their
central directory alone before anything unpacks them (entry count, declared total size,
compression ratio, unsafe names, encryption, the members the format requires)."""

import hashlib
import itertools
import os
import re
import stat
import struct
import unicodedata
import zipfile

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


# --- content checks beyond the magic bytes ------------------------------------------------------

# The first bytes a browser's MIME sniffing takes for HTML (WHATWG "identifying a resource with an
# unknown MIME type", after optional BOM and whitespace), plus SVG and XML documents.
_MARKUP_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|svg|math|object|embed)[\s/>]|<!--|<\?xml", re.IGNORECASE)
# Markup a browser or an HTML parser would act on, in the head of a binary file (a polyglot).
_MARKUP_ANYWHERE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed)[\s/>]",
    re.IGNORECASE)
POLYGLOT_SCAN = 1024  # bytes of a binary file's head searched for markup
_BOMS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")
_EOCD = b"PK\x05\x06"
_EOCD_SEARCH = 22 + 65535  # an end-of-central-directory record with the longest comment

# Zip containers: the members each format must have; ODF's `mimetype` member must also name
# the format the extension says.
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_MIMETYPES = {"odt": b"application/vnd.oasis.opendocument.text",
                 "ods": b"application/vnd.oasis.opendocument.spreadsheet",
                 "odp": b"application/vnd.oasis.opendocument.presentation"}
RATIO_CHECKED_FROM = 1024 * 1024  # smaller members cannot hurt (the total is limited too)


def zip_limits() -> tuple[int, int, int]:
    """(entries, total uncompressed bytes, compression ratio) a zip container may have."""
    return (getattr(settings, "UPLOAD_ZIP_MAX_ENTRIES", 2000),
            getattr(settings, "UPLOAD_ZIP_MAX_UNCOMPRESSED", 500 * 1024 * 1024),
            getattr(settings, "UPLOAD_ZIP_MAX_RATIO", 100))


def _strip_leading(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    return head.lstrip(b" \t\r\n\f")


def _markup_refused():
    return UploadRefused(_("Web pages, SVG images and XML files cannot be uploaded, whatever "
                           "their name."), status=415)


def _polyglot_refused():
    return UploadRefused(_("The file hides web content or a second file inside it, so it "
                           "cannot be accepted."), status=415)


def _damaged(ext: str):
    return UploadRefused(_("The file is damaged or is not a real .%(ext)s file.")
                         % {"ext": ext}, status=415)


def _has_appended_zip(upload, size: int) -> bool:
    """Whether a ZIP archive ends the file: an end-of-central-directory record whose central
    directory starts right before it, as zip readers find it."""
    start = max(0, size - _EOCD_SEARCH)
    upload.seek(start)
    tail = upload.read()
    upload.seek(0)
    pos = tail.rfind(_EOCD)
    while pos >= 0:
        if pos + 22 <= len(tail):
            cd_size = struct.unpack("<I", tail[pos + 12:pos + 16])[0]
            cd_start = pos - cd_size
            zip64 = pos >= 20 and tail[pos - 20:pos - 16] == b"PK\x06\x07"
            if cd_size == 0xFFFFFFFF or zip64:
                return True  # zip64: only a zip writer puts a locator there
            if cd_start >= 0 and (cd_size == 0 or tail[cd_start:cd_start + 4] == b"PK\x01\x02"):
                return cd_size > 0
            if cd_start < 0 <= start + cd_start:  # the directory begins before the tail read
                upload.seek(start + cd_start)
                found = upload.read(4) == b"PK\x01\x02"
                upload.seek(0)
                if found:
                    return True
        pos = tail.rfind(_EOCD, 0, pos)
    return False


def _unsafe_member_name(name: str) -> bool:
    if not name or "\\" in name or "\0" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def check_zip_container(upload, ext: str) -> None:
    """Check a zip container from its central directory only (nothing is inflated)."""
    max_entries, max_total, max_ratio = zip_limits()
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            struct.error) as exc:
        raise _damaged(ext) from exc
    try:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise UploadRefused(_("The archive has more than %(n)s files.") % {"n": max_entries})
        total, names = 0, set()
        for info in infos:
            if _unsafe_member_name(info.orig_filename) or info.filename in names:
                raise UploadRefused(_("The archive contains a file name that is not allowed: "
                                      "%(name)s") % {"name": info.orig_filename[:100]})
            names.add(info.filename)
            if info.flag_bits & 0x1:
                raise UploadRefused(_("The archive contains encrypted files, which cannot be "
                                      "checked."))
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UploadRefused(_("The archive contains a link, which is not allowed."))
            total += info.file_size
            if info.file_size > RATIO_CHECKED_FROM and (
                    info.file_size > max_ratio * max(info.compress_size, 1)):
                raise UploadRefused(_("The archive contains a file compressed more than "
                                      "%(ratio)s times (a zip bomb?).") % {"ratio": max_ratio})
        if total > max_total:
            raise UploadRefused(_("The archive would unpack to more than %(mb)s MB.")
                                % {"mb": max_total // (1024 * 1024)})
        _check_overlaps(infos, archive.start_dir, ext)
        _check_required_members(archive, names, ext)
    finally:
        archive.close()
        upload.seek(0)


def _check_overlaps(infos, start_dir: int, ext: str) -> None:
    """Entries that share their bytes (the "overlapping files" bomb) are refused."""
    def name_bytes(info) -> int:
        return len(info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437",
                                             errors="replace"))

    spans = sorted((info.header_offset, info.header_offset + 30 + name_bytes(info)
                    + info.compress_size) for info in infos)
    for (_start, end), (next_start, _end) in itertools.pairwise(spans):
        if end > next_start:
            raise _damaged(ext)
    if spans and spans[-1][1] > start_dir:
        raise _damaged(ext)


def _check_required_members(archive, names: set[str], ext: str) -> None:
    if ext in OOXML_PARTS:
        prefix = OOXML_PARTS[ext]
        if "[Content_Types].xml" not in names or not any(n.startswith(prefix) for n in names):
            raise _damaged(ext)
    elif ext in ODF_MIMETYPES:
        info = archive.NameToInfo.get("mimetype")
        if info is None or info.file_size > 100:
            raise _damaged(ext)
        try:
            with archive.open(info) as member:
                mimetype = member.read(101).strip()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise _damaged(ext) from exc
        if mimetype != ODF_MIMETYPES[ext]:
            raise _damaged(ext)


def check_content(upload, ext: str) -> None:
    """Check the bytes of an upload whose extension `ext` is on the allow-list: they must be
    what the extension says, and nothing a browser could run or another file hidden inside.
    Raises UploadRefused."""
    family = ALLOWED[ext][0]
    upload.seek(0)
    sample = upload.read(TEXT_SAMPLE)
    upload.seek(0)
    detected = _family(sample)
    text_ok = family == "text" and detected is None and _is_text(sample)
    if not text_ok and (family == "text" or detected != family):
        raise UploadRefused(
            _("The file's content does not match its .%(ext)s name. Allowed types: %(types)s.")
            % {"ext": ext, "types": ALLOWED_NAMES}, status=415)
    if family == "text":
        if _MARKUP_START.match(_strip_leading(sample[:POLYGLOT_SCAN])):
            raise _markup_refused()
        return
    if _MARKUP_ANYWHERE.search(sample[:POLYGLOT_SCAN]):
        raise _polyglot_refused()
    if family == "zip":
        check_zip_container(upload, ext)
    elif _has_appended_zip(upload, upload.size):
        raise _polyglot_refused()


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
    content_type = ALLOWED[ext][1]
    check_content(upload, ext)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"filename": filename, "size": upload.size, "content_type": content_type,
            "sha256": digest.hexdigest()}
