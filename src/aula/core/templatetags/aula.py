"""Template tags for translated content, times in an event's zone, language links and numbers
for people to read."""

from django import template
from django.conf import settings
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from aula.core import markdown as markdown_text
from aula.core import numbers
from aula.core.timefmt import format_day, format_local, format_offset
from aula.core.translation import localize

register = template.Library()


def _fallback(context) -> str:
    return context.get("content_language") or settings.LANGUAGE_CODE


@register.simple_tag(takes_context=True)
def tr(context, value, paragraphs=False, markdown=False, rendered=None):
    """Translated text, escaped; marked with ``lang`` where it falls back to another language.
    ``markdown=True``: long text an organiser wrote, as sanitised Markdown with its headings
    under the page's own (core.markdown): the HTML stored when it was saved, ``rendered`` (its
    ``RenderedMarkdownField``), else rendered now."""
    current = get_language()
    text = localize(value, current, _fallback(context))
    if markdown:
        body = markdown_text.stored(rendered, text.lang, text.text)
        if body is None:
            body = markdown_text.page_html(text.text)
        if text.lang != current:
            return format_html('<div class="prose" lang="{}">{}</div>', text.lang, body)
        return format_html('<div class="prose">{}</div>', body)
    if paragraphs:
        # linebreaks() escapes the text itself (autoescape=True) and returns the <p> markup.
        body = mark_safe(linebreaks(text.text, autoescape=True))  # noqa: S308
        if text.lang != current:
            return format_html('<div lang="{}">{}</div>', text.lang, body)
        return format_html("<div>{}</div>", body)
    if text.lang != current:
        return format_html('<span lang="{}">{}</span>', text.lang, text.text)
    return format_html("{}", text.text)


@register.simple_tag(takes_context=True)
def tr_text(context, value):
    """Plain translated text, for attributes and meta tags (autoescaped by the template)."""
    return localize(value, get_language(), _fallback(context)).text


@register.filter
def utc_offset(value):
    """'UTC+03:00' for an aware datetime."""
    return format_offset(value)


@register.filter
def local_time(value, date_format=None):
    """'6 December 2026, 10:00 (EET, UTC+02:00)': a time in the active zone, in the language's
    own format, labelled with the zone."""
    if not value:
        return ""
    return format_local(value, date_format)


@register.filter
def day(value):
    """'6 December 2026', '6 decembrie 2026': a date in the active language's own format."""
    if not value:
        return ""
    return format_day(value)


@register.simple_tag(takes_context=True)
def language_links(context):
    """(code, name, url, is_current) for every language, keeping the visitor on the same page."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        (code, name, in_language(path, code), code == current)
        for code, name in settings.LANGUAGES
    ]


def in_language(path: str, code: str) -> str:
    """``path`` in language ``code``: the same address under the other language's prefix.

    Aula's addresses differ between languages only by that prefix (no path is translated), so
    this is what ``translate_url`` answers for every page, without reversing the page's URL in
    every language: that built the URL resolver's tables once per language in every web worker
    (~0.35 MiB each). An address without a language prefix (a join link, /mail/) is the same
    in every language."""
    for language, _name in settings.LANGUAGES:
        prefix = f"/{language}/"
        if path.startswith(prefix):
            return f"/{code}/{path[len(prefix):]}"
    return path


@register.filter
def local_name(partner):
    """A partner organisation's name as written in the active language (else its own name)."""
    return partner.name_in(get_language())


# --- Numbers people read (aula.core.numbers): never in attributes, URLs or data files ----------


@register.filter
def count(value):
    """A count grouped as the active language writes it: {{ n|count }} → "12,345", "12.345";
    still a number for {% blocktranslate count n=x|count %}."""
    return numbers.count(value)


@register.filter
def number(value, decimals=1):
    """A decimal number with the active language's separators: {{ x|number:2 }}."""
    return numbers.decimal(value, decimals)


@register.filter
def percent(value, decimals=1):
    """A percentage as the active language writes it: {{ x|percent }} → "12.5%", "12,5 %"."""
    return numbers.percent(value, decimals)
