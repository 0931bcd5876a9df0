"""Drafting and editing an event's announcements; their files (DOCX, QR code).

Saving, resetting and downloading are organiser actions on the event's record. An announcement
holds no personal data, so a download is recorded as an action (``announcement.downloaded``),
not as a download of personal data; the texts themselves are not copied into the log (only that
they changed, and their length).
"""

import io
import re

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.announcements import queries
from aula.announcements.models import Announcement
from aula.audit import services as audit
from aula.core import images
from aula.core.markdown import blocks, text_to_html, to_html, unescape
from aula.events.models import Event
from aula.projects.models import Partner

SOCIAL_LIMIT = 280

SAVED = audit.action("announcement.saved", _("Saved an announcement text"))
RESET = audit.action("announcement.reset", _("Reset an announcement to the generated draft"))
DOWNLOADED = audit.action("announcement.downloaded", _("Downloaded an announcement"))


def _label(kind: str, language: str) -> str:
    return f"{Announcement.Kind(kind).label} ({language})"


def _render(kind: str, language: str, context: dict) -> str:
    text = render_to_string(f"announcements/{language}/{kind}.md", context)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def draft(event: Event, kind: str, language: str, issuer: Partner | None = None) -> str:
    """The announcement as Aula drafts it from the event's data (Markdown)."""
    if kind not in queries.KINDS or language not in queries.LANGUAGES:
        raise ValueError(f"No {kind} template in {language}")
    context = queries.kit_context(event, language, issuer)
    text = _render(kind, language, context)
    if kind == Announcement.Kind.SOCIAL:
        # Social networks show the post as typed: no Markdown escapes. It must fit: shorten
        # the title, never the link.
        title = unescape(context["title"])
        text = unescape(text).strip()
        while len(text) > SOCIAL_LIMIT and title:
            cut = title[: max(0, len(title) - (len(text) - SOCIAL_LIMIT) - 1)]
            title = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:–-")
            context["title"] = f"{title}…" if title else ""
            text = unescape(_render(kind, language, context)).strip()
    return text


def get_or_draft(event: Event, kind: str, language: str) -> Announcement:
    """The saved announcement, or an unsaved one holding the fresh draft."""
    saved = Announcement.objects.filter(event=event, kind=kind, language=language).first()
    if saved is not None:
        return saved
    return Announcement(event=event, kind=kind, language=language,
                        body=draft(event, kind, language))


def _body_changes(before: str | None, after: str | None) -> dict:
    if before == after:
        return {}
    return {"body": [audit.CHANGED]}


@transaction.atomic
def save_edit(event: Event, kind: str, language: str, body: str, *, actor) -> Announcement:
    if kind not in queries.KINDS or language not in queries.LANGUAGES:
        raise ValueError(f"No {kind} announcement in {language}")
    body = body.replace("\r\n", "\n")
    before = (
        Announcement.objects.select_for_update()
        .filter(event=event, kind=kind, language=language)
        .values_list("body", flat=True).first()
    )
    announcement, _created = Announcement.objects.update_or_create(
        event=event, kind=kind, language=language,
        defaults={"body": body, "edited_by": actor, "edited_at": timezone.now()},
    )
    audit.record(
        actor, SAVED, announcement, event=event, label=_label(kind, language),
        changes=_body_changes(before, body),
        data={"kind": kind, "language": language,
              "characters": [len(before) if before is not None else None, len(body)]},
    )
    return announcement


@transaction.atomic
def reset_to_draft(
    event: Event, kind: str, language: str, issuer: Partner | None = None, *, actor
) -> Announcement:
    """Forget the organiser's edits: the stored text becomes the generated draft again."""
    before = (
        Announcement.objects.select_for_update()
        .filter(event=event, kind=kind, language=language)
        .values_list("body", flat=True).first()
    )
    Announcement.objects.filter(event=event, kind=kind, language=language).delete()
    if issuer is None:
        announcement = get_or_draft(event, kind, language)
    else:
        announcement = Announcement.objects.create(
            event=event, kind=kind, language=language, body=draft(event, kind, language, issuer)
        )
    audit.record(
        actor, RESET, event, label=_label(kind, language),
        changes=_body_changes(before, announcement.body if issuer is not None else None),
        data={"kind": kind, "language": language,
              "issuer": issuer.pk if issuer is not None else None},
    )
    return announcement


def record_download(event: Event, kind: str, language: str, fmt: str, *, actor) -> None:
    """An organiser downloaded an announcement (or the registration QR code: kind "qr")."""
    label = _label(kind, language) if kind != "qr" else f"QR ({language})"
    with transaction.atomic():
        audit.record(actor, DOWNLOADED, event, label=label,
                     data={"kind": kind, "language": language, "format": fmt})


def logo_set_for_word(event: Event) -> bytes | None:
    """The project's logo set for a Word document (Interreg visibility), None without one."""
    return images.for_word(event.project.logo_set.name)


def logo_set_for_html(event: Event, language: str) -> dict:
    """The project's logo set for a downloaded HTML file, which must show it wherever it is
    opened: a data: URI ('' without one) and its description."""
    project = event.project
    return {
        "data_uri": images.data_uri(project.logo_set.name),
        "alt": project.text("logo_set_alt", language).text or project.name,
    }


def html(kind: str, body: str) -> str:
    """The announcement as HTML: Markdown rendered, or a social-media post as plain text."""
    return text_to_html(body) if kind == Announcement.Kind.SOCIAL else to_html(body)


def qr_png(url: str, scale: int = 8) -> bytes:
    import segno  # here, not at the top: only QR downloads need it (memory)

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=True)
    return out.getvalue()


def docx(body: str, url: str, language: str, logo_set: bytes | None = None) -> bytes:
    """The announcement as a Word document: the project's logo set at the top (Interreg
    visibility, when there is one), headings, paragraphs, bullet lists, links as text, and the
    registration link's QR code at the end."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.core_properties.language = language
    if logo_set:
        document.add_picture(io.BytesIO(logo_set), height=Cm(2))
    for block in blocks(body):
        if block.kind == "heading":
            paragraph = document.add_heading(level=min(block.level, 4))
            _runs(paragraph, block.spans)
        elif block.kind == "list":
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                _runs(document.add_paragraph(style=style), item)
        else:
            _runs(document.add_paragraph(), block.spans)
    document.add_paragraph(url)
    document.add_picture(io.BytesIO(qr_png(url)), width=Cm(4))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _runs(paragraph, spans) -> None:
    for span in spans:
        text = span.text
        if span.href and span.href.removeprefix("mailto:") != text:
            text = f"{text} ({span.href.removeprefix('mailto:')})"
        run = paragraph.add_run(text)
        run.bold, run.italic = span.bold, span.italic


def filename(event: Event, kind: str, language: str, extension: str) -> str:
    slug = f"{event.project.slug}-{event.slug}"
    return f"{slug}-{kind.replace('_', '-')}-{language}.{extension}"
