"""Markdown: the one way what an organiser writes at length becomes HTML, plain text or a
document's paragraphs, the same in pages, e-mails, the announcement kit and PDFs.

markdown-it-py parses CommonMark (raw HTML off, bare addresses made links by linkify-it-py,
line breaks kept as typed); nh3 then keeps only the tags and link schemes listed here, so
whatever was typed can never add a script, a style or an event handler. ``blocks`` gives the
same parse as headings, paragraphs and lists of styled runs for writers that are not HTML
(DOCX, plain text).

``escape`` is the other direction: a value (an event's title, a speaker's name) put into a
Markdown draft with its control characters escaped, so it reads as itself and cannot open a
list, a heading or a link.

markdown-it-py, linkify-it-py and nh3 are imported on the first parse, not with this module (~3.6
MiB). Pages show what was rendered when the text was saved (``stored``, from a
``core.fields.RenderedMarkdownField``), so a web worker serving the public never parses
Markdown and never loads them (docs/architecture.md, "Memory").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from django.utils.html import escape as escape_html
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "strong", "em", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt(
        "commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False}
    ).enable(["linkify", "strikethrough", "table"])


def _shift_headings(tokens, offset: int) -> None:
    # "# Programme" inside an event page sits under the page's own h1 and h2.
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + offset)}"


def to_html(text: str, *, heading_offset: int = 0) -> SafeString:
    """Sanitised HTML of ``text``; headings moved down ``heading_offset`` levels."""
    parser = _parser()
    tokens = parser.parse(str(text or ""))
    _shift_headings(tokens, heading_offset)
    html = parser.renderer.render(tokens, parser.options, {})
    import nh3

    return mark_safe(  # noqa: S308 (nh3 keeps only the tags and schemes above)
        nh3.clean(
            html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        ).strip()
    )


# A page's own h1 and h2 come first: an organiser's "# Programme" is an h3 there.
PAGE_HEADING_OFFSET = 2
# Part of every digest: change it when ``to_html``'s output changes, and renders stored before
# are no longer used (pages render the text themselves until it is saved again).
RENDERING = "1"


def page_html(text: str) -> SafeString:
    """The HTML a page shows for ``text``."""
    return to_html(text, heading_offset=PAGE_HEADING_OFFSET) if text else mark_safe("")


def digest(text: str) -> str:
    return hashlib.blake2b(f"{RENDERING}\0{text}".encode(), digest_size=12).hexdigest()


def render_languages(texts: dict | None, previous: dict | None = None) -> dict:
    """``{language: {"digest": …, "html": …}}``: ``page_html`` of each language's text, kept
    from ``previous`` where that text has not changed (a save renders only what was edited)."""
    previous = previous if isinstance(previous, dict) else {}
    rendered = {}
    for language, text in (texts or {}).items():
        if not isinstance(text, str) or not text:
            continue
        key = digest(text)
        kept = previous.get(language)
        if isinstance(kept, dict) and kept.get("digest") == key and "html" in kept:
            rendered[language] = kept
        else:
            rendered[language] = {"digest": key, "html": str(page_html(text))}
    return rendered


def stored(rendered: dict | None, language: str, text: str) -> SafeString | None:
    """The stored ``page_html`` of ``text`` in ``language``; None when there is none for this
    very text (written by a queryset update or a fixture, or by an older ``RENDERING``)."""
    entry = rendered.get(language) if isinstance(rendered, dict) else None
    if isinstance(entry, dict) and entry.get("digest") == digest(text):
        return mark_safe(entry.get("html", ""))  # noqa: S308 (page_html's, sanitised when saved)
    return None


@dataclass
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "list"
    level: int = 0
    spans: list[Span] = field(default_factory=list)
    items: list[list[Span]] = field(default_factory=list)
    ordered: bool = False


SAFE_HREF = re.compile(r"^(https?://|mailto:|tel:)", re.I)


def _spans(inline) -> list[Span]:
    result: list[Span] = []
    bold = italic = 0
    href = ""
    for token in inline.children or []:
        kind = token.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            target = str(token.attrGet("href") or "")
            href = target if SAFE_HREF.match(target) else ""
        elif kind == "link_close":
            href = ""
        elif kind in ("softbreak", "hardbreak"):
            result.append(Span("\n", bold > 0, italic > 0))
        elif kind in ("text", "code_inline") and token.content:
            result.append(Span(token.content, bold > 0, italic > 0, href))
    return result


def blocks(text: str) -> list[Block]:
    """Headings, paragraphs and lists (a list item's paragraphs joined) of ``text``."""
    result: list[Block] = []
    lists: list[Block] = []
    heading = 0
    for token in _parser().parse(str(text or "")):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                result.append(Block("list", ordered=kind == "ordered_list_open"))
            lists.append(result[-1])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            lists[-1].items.append([])
        elif kind == "heading_open":
            heading = int(token.tag[1])
        elif kind == "inline":
            spans = _spans(token)
            if lists:
                item = lists[-1].items[-1]
                if item and spans:
                    item.append(Span(" "))
                item.extend(spans)
            elif heading:
                result.append(Block("heading", heading, spans))
            else:
                result.append(Block("paragraph", spans=spans))
        elif kind == "heading_close":
            heading = 0
        elif kind in ("fence", "code_block"):
            result.append(Block("paragraph", spans=[Span(token.content.rstrip("\n"))]))
    return result


def _plain(spans: list[Span]) -> str:
    return "".join(
        span.text if not span.href or span.href.removeprefix("mailto:") == span.text
        or span.href == span.text else f"{span.text} ({span.href.removeprefix('mailto:')})"
        for span in spans
    )


def plain_text(text: str) -> str:
    """The text without markup, links as "label (address)", for e-mails' text part."""
    lines: list[str] = []
    for block in blocks(text):
        if block.kind == "list":
            lines.extend(
                (f"{number}. " if block.ordered else "- ") + _plain(item)
                for number, item in enumerate(block.items, 1)
            )
        else:
            lines.append(_plain(block.spans))
        lines.append("")
    return "\n".join(lines).strip()


CONTROL = re.compile(r"([\\`*_\[\]<>#|~])")
LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)(\s)")
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def escape(value) -> str:
    """One line of text with Markdown's control characters escaped."""
    text = " ".join(str(value or "").split())
    text = CONTROL.sub(r"\\\1", text)
    return LINE_START.sub(
        lambda m: m.group(1) + "\\" + m.group(2) + m.group(3)
        if not m.group(2)[0].isdigit()
        else m.group(1) + m.group(2)[:-1] + "\\." + m.group(3),
        text,
    )


def escape_paragraphs(value) -> list[str]:
    """A multi-line text as escaped paragraphs (blank lines separate them)."""
    return [escape(part) for part in re.split(r"\n\s*\n", str(value or "")) if part.strip()]


def unescape(text: str) -> str:
    """``escape`` undone: the text a reader sees."""
    return ESCAPED.sub(r"\1", text)


def text_to_html(text: str) -> SafeString:
    """Plain text (a social-media post: no Markdown) as HTML paragraphs, all of it escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]
    return mark_safe(  # noqa: S308 (escaped)
        "\n".join("<p>" + escape_html(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    )
