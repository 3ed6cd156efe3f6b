"""Where uploaded files are stored: content-addressed names, so a file is never overwritten by
another with the same name, and the stored name reveals nothing the uploader chose; and how
they are served (`file_response`)."""

import hashlib
import os

from django.http import FileResponse


def hashed_name(file, prefix: str, filename: str) -> str:
    """`<prefix>/<sha256[:2]>/<sha256><ext>` for the file's content."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = digest.hexdigest()
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"{prefix}/{name[:2]}/{name}{ext}"


# Served user files can never run: a browser must not sniff another type, and a file opened
# directly is sandboxed (no scripts, no same-origin access, no plugins).
USER_FILE_CSP = "default-src 'none'; sandbox"


def file_response(handle, *, filename: str | None = None, content_type: str | None = None,
                  as_attachment: bool = True) -> FileResponse:
    """A user's file, streamed by a view that has checked the permission: as an attachment
    (the name in `filename*`, RFC 5987, when it is not ASCII), never sniffed, sandboxed."""
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename or "",
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = USER_FILE_CSP
    return response
