"""The Markdown subset the announcement drafts use, and nothing more.

``clean`` makes a value safe to put into a draft: no line breaks, and Markdown's control
characters escaped with a backslash, so a title cannot open a list, a heading or a link.
``blocks`` parses the subset (headings, paragraphs, bullet lists; inline bold and links; a
line break inside a paragraph is kept, as in an e-mail's signature);
``to_html`` renders it with EVERYTHING escaped except the markup it generates itself.
"""

import re
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

CONTROL = re.compile(r"([\\`*_\[\]<>#|~])")
LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)(\s)")
INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|\[(?P<label>(?:\\.|[^\]\\])+)\]\((?P<href>[^)\s]+)\)"
)
SAFE_HREF = re.compile(r"^(https?://|mailto:|tel:)", re.I)


def clean(value) -> str:
    """One line of text with Markdown's control characters escaped."""
    text = " ".join(str(value or "").split())
    text = CONTROL.sub(r"\\\1", text)
    return LINE_START.sub(
        lambda m: m.group(1) + "\\" + m.group(2) + m.group(3)
        if not m.group(2)[0].isdigit()
        else m.group(1) + m.group(2)[:-1] + "\\." + m.group(3),
        text,
    )


def clean_paragraphs(value) -> list[str]:
    """A multi-line text as cleaned paragraphs (blank lines separate them)."""
    return [clean(part) for part in re.split(r"\n\s*\n", str(value or "")) if part.strip()]


@dataclass
class Span:
    text: str
    bold: bool = False
    href: str = ""


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "list"
    level: int = 0
    spans: list[Span] = field(default_factory=list)
    items: list[list[Span]] = field(default_factory=list)


def unescape(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def spans(text: str, bold: bool = False) -> list[Span]:
    result: list[Span] = []
    position = 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            result.append(Span(text[position:match.start()], bold))
        if match.group("escaped"):
            result.append(Span(match.group("escaped"), bold))
        elif match.group("bold") is not None:
            result.extend(spans(match.group("bold"), True))
        else:
            href = unescape(match.group("href"))
            label = unescape(match.group("label"))
            if SAFE_HREF.match(href):
                result.append(Span(label, bold, href))
            else:
                result.append(Span(label, bold))
        position = match.end()
    if position < len(text):
        result.append(Span(text[position:], bold))
    return result


def blocks(markdown: str) -> list[Block]:
    result: list[Block] = []
    paragraph: list[str] = []

    def flush():
        if paragraph:
            result.append(Block("paragraph", spans=spans("\n".join(paragraph))))
            paragraph.clear()

    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        item = re.match(r"^[-*+]\s+(.*)$", line)
        if not line:
            flush()
        elif heading:
            flush()
            result.append(Block("heading", len(heading.group(1)), spans(heading.group(2))))
        elif item:
            flush()
            if not result or result[-1].kind != "list":
                result.append(Block("list"))
            result[-1].items.append(spans(item.group(1)))
        elif result and result[-1].kind == "list" and raw[:1].isspace() and not paragraph:
            result[-1].items[-1].extend(spans(" " + line))
        else:
            paragraph.append(line)
    flush()
    return result


def plain_text(markdown: str) -> str:
    """The text without markup (links as "label (address)")."""
    lines = []
    for block in blocks(markdown):
        if block.kind == "list":
            lines.extend("- " + _plain(item) for item in block.items)
        else:
            lines.append(_plain(block.spans))
        lines.append("")
    return "\n".join(lines).strip()


def _plain(items: list[Span]) -> str:
    return "".join(
        s.text if not s.href or s.href.removeprefix("mailto:") == s.text or s.href == s.text
        else f"{s.text} ({s.href})"
        for s in items
    )


def _html(items: list[Span]) -> str:
    out = []
    for span in items:
        text = escape(span.text).replace("\n", "<br>\n")
        if span.href:
            text = f'<a href="{escape(span.href)}" rel="noopener">{text}</a>'
        if span.bold:
            text = f"<strong>{text}</strong>"
        out.append(text)
    return "".join(out).replace("</strong><strong>", "")


def to_html(markdown: str) -> SafeString:
    """HTML of the subset; every character of the text itself is escaped."""
    parts = []
    for block in blocks(markdown):
        if block.kind == "heading":
            parts.append(f"<h{block.level}>{_html(block.spans)}</h{block.level}>")
        elif block.kind == "list":
            items = "".join(f"<li>{_html(item)}</li>" for item in block.items)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{_html(block.spans)}</p>")
    return mark_safe("\n".join(parts))  # noqa: S308 (built from escaped text only)


def text_to_html(text: str) -> SafeString:
    """Plain text (a social-media post) as HTML paragraphs, all of it escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return mark_safe(  # noqa: S308 (escaped)
        "\n".join("<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    )
