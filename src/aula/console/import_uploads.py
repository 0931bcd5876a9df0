"""Uploaded registrant files kept between the steps of an import (map the columns, preview,
import): personal data, so each is kept in a private file (owner-only, under ``VAR_DIR``) for no
longer than the steps need: deleted once imported or abandoned, and in any case after
``MAX_AGE_SECONDS`` (``sweep``, on every upload and every scheduler tick). The browser holds a
random name for it, signed with the event and the organiser (``registrant_forms``)."""

import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 3600
_NAME = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "registrant-imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    return _folder() / token if _NAME.match(token or "") else None


def keep(content: bytes) -> str:
    """Store an uploaded file; the token that finds it again."""
    sweep()
    token = secrets.token_urlsafe(24)
    descriptor = os.open(_folder() / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return token


def read(token: str) -> bytes | None:
    """The stored file, or None when it is gone (imported, abandoned or too old)."""
    path = _path(token)
    try:
        if path is None or time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep() -> int:
    """Delete the files older than ``MAX_AGE_SECONDS``; how many."""
    limit = time.time() - MAX_AGE_SECONDS
    removed = 0
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
