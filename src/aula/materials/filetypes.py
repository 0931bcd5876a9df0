"""What a material may be, told from its content: the uploader's file name and the browser's
word for its type are never trusted.

Speakers send slides (PPTX, ODP), documents (PDF, DOCX, ODT) and pictures (PNG, JPEG, WebP).
Office files are ZIP archives: only their directory and the few bytes of an ODF ``mimetype``
entry are read, never a whole member, so a crafted archive costs nothing to check.
"""

import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
DOCX = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
)
PPTX = FileType(
    "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"
)
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", "ODT")
ODP = FileType("odp", "application/vnd.oasis.opendocument.presentation", "ODP")
PNG = FileType("png", "image/png", "PNG")
JPEG = FileType("jpg", "image/jpeg", "JPEG")
WEBP = FileType("webp", "image/webp", "WebP")

# Never accepted; what a file of no known kind is served as (a download, never shown).
UNKNOWN = FileType("bin", "application/octet-stream", "")

ALL = (PDF, PPTX, ODP, DOCX, ODT, PNG, JPEG, WEBP)
BY_EXTENSION = {kind.extension: kind for kind in ALL}

# The file chooser's hint; the server decides by content whatever the browser sends.
ACCEPT = ",".join(
    [f".{kind.extension}" for kind in ALL] + [".jpeg"] + [kind.content_type for kind in ALL]
)
# Translators: the kinds of file accepted as seminar material, shown under the file field.
ACCEPTED_TEXT = _(
    "PDF, PowerPoint (PPTX), OpenDocument (ODP, ODT), Word (DOCX), PNG, JPEG or WebP."
)

OOXML_PARTS = {"word/document.xml": DOCX, "ppt/presentation.xml": PPTX}
ODF_MIMETYPES = {ODT.content_type: ODT, ODP.content_type: ODP}


def _office(upload) -> FileType | None:
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            for part, kind in OOXML_PARTS.items():
                if part in names:
                    return kind
            return None
        if "mimetype" in names:
            with archive.open("mimetype") as entry:
                mimetype = entry.read(100).decode("ascii", "replace").strip()
            return ODF_MIMETYPES.get(mimetype)
    return None


def detect(upload) -> FileType | None:
    """The accepted kind ``upload`` is by its bytes, or None. Leaves it rewound."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return WEBP
        if head.startswith(b"PK\x03\x04"):
            return _office(upload)
        return None
    finally:
        upload.seek(0)


def for_filename(filename: str) -> FileType:
    """The kind a stored material's download name says (it was given from its content)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return BY_EXTENSION.get(extension, UNKNOWN)
