"""Where uploaded files are stored: content-addressed names, so a file is never overwritten by
another with the same name, and the stored name reveals nothing the uploader chose."""

import hashlib
import os


def hashed_name(file, prefix: str, filename: str) -> str:
    """`<prefix>/<sha256[:2]>/<sha256><ext>` for the file's content."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = digest.hexdigest()
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"{prefix}/{name[:2]}/{name}{ext}"
