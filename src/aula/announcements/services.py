"""Drafting and editing an event's announcements; their files (DOCX, QR code)."""

import io
import re

import segno
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from aula.announcements import queries
from aula.announcements.markdown import blocks, text_to_html, to_html, unescape
from aula.announcements.models import Announcement
from aula.events.models import Event
from aula.projects.models import Partner

SOCIAL_LIMIT = 280


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


@transaction.atomic
def save_edit(event: Event, kind: str, language: str, body: str, user) -> Announcement:
    body = body.replace("\r\n", "\n")
    announcement, _created = Announcement.objects.update_or_create(
        event=event, kind=kind, language=language,
        defaults={"body": body, "edited_by": user, "edited_at": timezone.now()},
    )
    return announcement


@transaction.atomic
def reset_to_draft(
    event: Event, kind: str, language: str, issuer: Partner | None = None
) -> Announcement:
    """Forget the organiser's edits: the stored text becomes the generated draft again."""
    Announcement.objects.filter(event=event, kind=kind, language=language).delete()
    if issuer is None:
        return get_or_draft(event, kind, language)
    return Announcement.objects.create(
        event=event, kind=kind, language=language, body=draft(event, kind, language, issuer)
    )


def html(kind: str, body: str) -> str:
    """The announcement as HTML: Markdown rendered, or a social-media post as plain text."""
    return text_to_html(body) if kind == Announcement.Kind.SOCIAL else to_html(body)


def qr_png(url: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=True)
    return out.getvalue()


def docx(body: str, url: str, language: str) -> bytes:
    """The announcement as a Word document: headings, paragraphs, bullet lists, links as text,
    and the registration link's QR code at the end."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.core_properties.language = language
    for block in blocks(body):
        if block.kind == "heading":
            paragraph = document.add_heading(level=min(block.level, 4))
            _runs(paragraph, block.spans)
        elif block.kind == "list":
            for item in block.items:
                _runs(document.add_paragraph(style="List Bullet"), item)
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
        paragraph.add_run(text).bold = span.bold


def filename(event: Event, kind: str, language: str, extension: str) -> str:
    slug = f"{event.project.slug}-{event.slug}"
    return f"{slug}-{kind.replace('_', '-')}-{language}.{extension}"
