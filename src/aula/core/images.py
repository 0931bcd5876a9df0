"""Pictures organisers upload for the public (a project's logo set, an event's illustration).

Only raster images, told by their bytes (Pillow), never by name or the browser's word: PNG,
JPEG and WebP. SVG is refused because it can carry scripts. Each is at most
``AULA_IMAGE_MAX_BYTES`` and is stored under a random name with the extension of what it is.
"""

import base64
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Pillow's format name → the extension stored.
ACCEPTED = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
ACCEPT = "image/png,image/jpeg,image/webp"
# Decompression bombs: a small file may claim a huge canvas.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class Picture:
    extension: str
    width: int
    height: int


def max_bytes() -> int:
    return int(getattr(settings, "AULA_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES))


def accepted_text() -> str:
    return _("PNG, JPEG or WebP, at most %(limit)s.") % {
        "limit": filesizeformat(max_bytes())}


def check(upload) -> Picture:
    """What the upload is; refuses (``ValidationError``) one too large or not an image."""
    if upload.size > max_bytes():
        raise ValidationError(
            _("The file is too large: at most %(limit)s.")
            % {"limit": filesizeformat(max_bytes())}, code="too_large",
        )
    refused = ValidationError(
        _("This is not a PNG, JPEG or WebP image. Accepted: %(kinds)s")
        % {"kinds": accepted_text()}, code="not_accepted",
    )
    from PIL import Image, UnidentifiedImageError  # here: only uploads need Pillow (memory)

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind, (width, height) = image.format, image.size
            if kind not in ACCEPTED or width * height > MAX_PIXELS:
                raise refused
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as error:
        raise refused from error
    finally:
        upload.seek(0)
    return Picture(ACCEPTED[kind], width, height)


def random_path(folder: str, filename: str) -> str:
    """``folder/<random>.<ext>``: the stored name never comes from the uploader; the extension
    is the one ``check`` chose (the caller saves under ``upload.<ext>``)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ACCEPTED.values():
        extension = "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def project_logo_path(instance, filename: str) -> str:
    return random_path("logos", filename)


def partner_logo_path(instance, filename: str) -> str:
    return random_path("partner-logos", filename)


def event_image_path(instance, filename: str) -> str:
    return random_path("event-images", filename)


MIME_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


def data_uri(name: str) -> str:
    """A stored picture as a ``data:`` URI, for documents that fetch nothing (WeasyPrint with
    no fetcher); '' when there is none or it is gone or not one of ours."""
    mime = MIME_TYPES.get(name.rsplit(".", 1)[-1].lower()) if name else None
    if mime is None or not default_storage.exists(name):
        return ""
    with default_storage.open(name, "rb") as file:
        return f"data:{mime};base64,{base64.b64encode(file.read()).decode('ascii')}"


def for_word(name: str) -> bytes | None:
    """The stored picture as PNG or JPEG bytes (Word documents take no WebP), None when there
    is none."""
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as file:
        content = file.read()
    if not name.lower().endswith(".webp"):
        return content
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(content)) as image:
        image.save(out, format="PNG")
    return out.getvalue()
