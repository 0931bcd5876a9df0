"""Placeholders in texts the organiser writes to registrants (messages to registrants, the
automatic e-mails they edit): ``{first_name}`` and the like, filled in per registrant. The text
is Markdown (``core.markdown``): ``fill_body`` renders it, then fills in the values, escaped.
A subject is one line of plain text (``fill_plain``).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aula.core import markdown, timefmt
from aula.events.models import Event
from aula.registrations import display

PLACEHOLDERS = {
    "first_name": _("the registrant's first name"),
    "family_name": _("the registrant's family name"),
    "join_link": _("their personal link to join the online meeting"),
    "personal_link": _("their personal registration page"),
    "event_title": _("the event's title"),
    "event_time": _("the event's date and time, in the event's zone and their own"),
}
LINK_PLACEHOLDERS = frozenset({"join_link", "personal_link"})
# A placeholder: a name in braces, without spaces or further braces.
PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
# Stand-ins for placeholder values while the text is escaped (private-use characters).
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def has_join_link(event: Event) -> bool:
    return event.format != Event.Format.IN_PERSON


def placeholder_help() -> str:
    """The placeholders one may use, for messages: "{first_name}, {family_name}, …"."""
    return ", ".join("{%s}" % name for name in PLACEHOLDERS)  # noqa: UP031


def unknown_placeholders(text: str) -> list[str]:
    """The placeholder names in ``text`` that are not ones we know, in order, once each."""
    unknown = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def fill_plain(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(
        lambda m: values.get(m.group(1), m.group(0)) if m.group(1) in PLACEHOLDERS
        else m.group(0),
        text,
    )


@dataclass(frozen=True)
class FilledBody:
    html: SafeString  # the e-mail's HTML part
    text: str  # its plain-text part


# The placeholders by number: a marker holds the number, never the name, so nothing in it (an
# underscore) can read as Markdown.
_NAMES = list(PLACEHOLDERS)
# A link placeholder written as a link's address, ``[Join]({join_link})``: the marker is an
# address the renderers keep as it is (an https one), replaced once rendered.
_LINK_TARGET = re.compile(
    r"\[([^\[\]]*)\]\(\s*\{(" + "|".join(sorted(LINK_PLACEHOLDERS)) + r")\}\s*\)"
)
_TARGET_MARKER = "https://placeholder.aula.invalid/"
_TARGET = re.compile(re.escape(_TARGET_MARKER) + r"(\d+)")
# A marker inside an address Markdown made of the text (percent-encoded).
_ENCODED = re.compile(r"%EE%80%80(\d+)%EE%80%81")


def _mark(text: str, values: dict[str, str]) -> str:
    """The organiser's text with each known placeholder a marker (private-use characters); a
    link to a link placeholder without a value (no join link: an event in person) its label."""
    text = str(text or "").replace(_OPEN, "").replace(_CLOSE, "")
    text = _LINK_TARGET.sub(
        lambda m: f"[{m.group(1)}]({_TARGET_MARKER}{_NAMES.index(m.group(2))})"
        if values.get(m.group(2)) else m.group(1),
        text,
    )
    return PLACEHOLDER.sub(
        lambda m: f"{_OPEN}{_NAMES.index(m.group(1))}{_CLOSE}" if m.group(1) in PLACEHOLDERS
        else m.group(0),
        text,
    )


def _value(values: dict[str, str], number: str) -> tuple[str, str]:
    name = _NAMES[int(number)]
    return name, str(values.get(name, "") or "")


def fill_body(text: str, values: dict[str, str]) -> FilledBody:
    """An organiser's text (Markdown, with placeholders) as an e-mail's HTML and plain-text
    parts: rendered by ``core.markdown`` first, the placeholders filled in after, so a value
    (a registrant's name with ``**`` or ``<b>`` in it) is never read as Markdown or HTML:
    escaped in the HTML, as it is in the text; the link placeholders become links."""
    marked = _mark(text, values)
    return FilledBody(_fill_html(markdown.to_html(marked), values),
                      _fill_text(markdown.plain_text(marked), values))


def _fill_html(html: str, values: dict[str, str]) -> SafeString:
    def in_address(match):
        name, value = _value(values, match.group(1))
        # Only Aula's own links may be an address; any other value is inert there.
        return escape(value) if name in LINK_PLACEHOLDERS else quote(value, safe="")

    def in_text(match):
        name, value = _value(values, match.group(1))
        if name in LINK_PLACEHOLDERS and value:
            return f'<a href="{escape(value)}">{escape(value)}</a>'
        return escape(value)

    html = _ENCODED.sub(in_address, _TARGET.sub(in_address, html))
    # Safe: nh3 sanitised the rendered text, every value put in is escaped.
    return mark_safe(_MARKER.sub(in_text, html))  # noqa: S308


def _fill_text(text: str, values: dict[str, str]) -> str:
    def value(match):
        return _value(values, match.group(1))[1]

    return _MARKER.sub(value, _ENCODED.sub(value, _TARGET.sub(value, text)))


def placeholder_values(registration, event, language: str) -> dict[str, str]:
    when = timefmt.format_range(event.starts_at, event.ends_at, event.time_zone, language)
    own = display.own_zone(registration)
    if own:
        with translation.override(language):
            # Translators: the event's time in its own zone, then in the registrant's.
            when = gettext("%(event)s; your time: %(own)s") % {
                "event": when,
                "own": timefmt.format_range(event.starts_at, event.ends_at, own, language),
            }
    return {
        "first_name": registration.first_name,
        "family_name": registration.family_name,
        "join_link": display.join_url(registration) if has_join_link(event) else "",
        "personal_link": display.personal_url(registration, language),
        "event_title": event.text("title", language).text,
        "event_time": when,
    }
