"""Numbers for people to read, written as the active language writes them.

``USE_THOUSAND_SEPARATOR`` stays off, so numbers in HTML attributes, URLs, CSV, JSON and XLSX
stay raw; where a person reads a count or a percentage, the code says so: the template filters
``count``, ``number`` and ``percent`` of ``{% load aula %}``, or these functions.

Separators come from Django's locale formats ("12,345" in English; "12.345" in Romanian, Dutch,
Italian and Croatian), except Lithuanian: Django gives "." there, but Lithuanian groups
thousands with a space ("12 345", as CLDR and Lithuanian usage have it), written here as a
no-break space so that a number never breaks across lines.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats, numberformat
from django.utils.translation import get_language

GROUPING_SEPARATORS = {"lt": "\u00a0"}
# The languages that put a (no-break) space before the per cent sign (CLDR): "12,5 %".
SPACED_PERCENT = frozenset({"ro", "lt", "hr"})


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def grouped(value, decimals: int | None = None) -> str:
    """``value`` with the active language's thousands (and decimal) separator."""
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=formats.get_format("NUMBER_GROUPING"),
        thousand_sep=GROUPING_SEPARATORS.get(
            _language(), formats.get_format("THOUSAND_SEPARATOR")
        ),
        force_grouping=True,
    )


class Count(int):
    """A whole number that prints grouped in the active language ("12,345", "12.345",
    "12 345") yet stays a number, so ``{% blocktranslate count n=x|count %}`` still chooses the
    plural form by its value (and Django's localize() prints it through ``str``)."""

    def __str__(self) -> str:
        return grouped(int(self))

    def __repr__(self) -> str:
        return f"Count({int(self)})"


def count(value):
    """A count for people to read; anything but a whole number (None, "", text) as it is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return Count(value)


def decimal(value, decimals: int = 1):
    """A decimal number for people to read with ``decimals`` places ("1,234.5", "1.234,5");
    None, "" and anything that is not a number as they are."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    try:
        places = int(decimals)
        # Rounded here (half up, as people round): Django's numberformat cuts extra digits off.
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return value
    return grouped(rounded, places)


def percent(value, decimals: int = 1):
    """A percentage for people to read: "12.5%" in English, "12,5 %" in Romanian."""
    shown = decimal(value, decimals)
    if not isinstance(shown, str) or shown is value:
        return value
    return shown + ("\u00a0%" if _language() in SPACED_PERCENT else "%")
