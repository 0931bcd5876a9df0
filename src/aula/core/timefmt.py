"""Formatting of times for people: always with the zone, so nobody has to guess.

One place for it: pages, e-mails and calendar texts all say "Thursday, 10 June 2021,
10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)" the same way, in the language asked for: the
zone's IANA name, its abbreviation on that day (EEST, CET, EDT, IST; left out where the zone has
none and would only repeat the offset, e.g. "+03") and the offset on that day. The sentence
patterns are the catalogues' (unchanged); the abbreviation travels inside ``%(offset)s``.
"""

import zoneinfo
from datetime import datetime

from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext, pgettext


def format_offset(value: datetime) -> str:
    """'UTC+03:00', 'UTC−05:30' or 'UTC' for an aware datetime."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("format_offset needs an aware datetime")
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def format_zone_label(value: datetime) -> str:
    """'EEST, UTC+03:00', 'IST, UTC+05:30', 'UTC+03:00' (Europe/Istanbul: its abbreviation is
    '+03') or 'UTC', for an aware datetime: the abbreviation and offset in force at that
    moment, so a date after a daylight-saving change gets that date's."""
    offset = format_offset(value)
    abbreviation = value.tzname() or ""
    if not abbreviation or abbreviation[0] in "+-" or abbreviation == offset:
        return offset
    return f"{abbreviation}, {offset}"


def _formats() -> tuple[str, str]:
    # Translators: a date in the format of Django's date filter (l = weekday, j = day,
    # F = month, Y = year); reorder to suit the language.
    date_format = pgettext("event date", "l, j F Y")
    # Translators: a time of day in the format of Django's time filter (H = hour, i = minutes).
    time_format = pgettext("event time", "H:i")
    return date_format, time_format


# Languages that write month and weekday names in lower case; Django's catalogues for some of
# them capitalise them ("Joi, 10 Iunie 2021"), which reads wrong in a sentence ("se închide
# pe joi, 10 iunie 2021"). A date that starts a line is capitalised where it is shown
# (``|capfirst``), as a sentence would be.
LOWER_CASE_NAMES = frozenset({"ro", "it", "lt", "hr", "nl"})


def format_date(moment: datetime, date_format: str) -> str:
    """The date in the active language, with month and weekday names as that language writes
    them inside a sentence."""
    text = dateformat.format(moment, date_format)
    if translation.get_language() in LOWER_CASE_NAMES:
        names = {dateformat.format(moment, code) for code in ("F", "E", "l", "D")}
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, name.lower())
    return text


def _zone_is_its_offset(zone_name: str, offset: str) -> bool:
    """True for UTC (and its aliases): its name already says its offset, and "(UTC, UTC)" would
    say it twice."""
    return offset == "UTC" and zone_name in {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu"}


def _range_without_offset(start: datetime, end: datetime, values: dict) -> str:
    if start.date() == end.date():
        # Translators: e.g. "Thursday, 10 June 2021, 10:00–13:00 (UTC)": a zone that is its offset.
        return gettext("%(date)s, %(start)s–%(end)s (%(zone)s)") % values
    # Translators: like the line above, across midnight.
    return gettext("%(date)s, %(start)s – %(end_date)s, %(end)s (%(zone)s)") % values


def format_range(
    start: datetime, end: datetime, zone_name: str, language: str | None = None
) -> str:
    """'Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)'; both dates when
    the range crosses midnight in that zone; both abbreviations and offsets ('EET, UTC+02:00/EEST,
    UTC+03:00') when it crosses a daylight-saving change."""
    zone = zoneinfo.ZoneInfo(zone_name)
    start, end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    with translation.override(language or translation.get_language()):
        date_format, time_format = _formats()
        offset = format_zone_label(start)
        if format_zone_label(end) != offset:
            offset = f"{offset}/{format_zone_label(end)}"
        values = {
            "date": format_date(start, date_format),
            "start": dateformat.format(start, time_format),
            "end_date": format_date(end, date_format),
            "end": dateformat.format(end, time_format),
            "zone": zone_name,
            "offset": offset,
        }
        if _zone_is_its_offset(zone_name, offset):
            return _range_without_offset(start, end, values)
        if start.date() == end.date():
            # Translators: e.g. "Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST,
            # UTC+03:00)"; %(offset)s is "EEST, UTC+03:00" (the zone's abbreviation and offset).
            return gettext("%(date)s, %(start)s–%(end)s (%(zone)s, %(offset)s)") % values
        return gettext("%(date)s, %(start)s – %(end_date)s, %(end)s (%(zone)s, %(offset)s)") % (
            values
        )


def format_moment(moment: datetime, zone_name: str, language: str | None = None) -> str:
    """'Thursday, 10 June 2021, 10:00 (Europe/Vilnius, EEST, UTC+03:00)'."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(zone_name))
    with translation.override(language or translation.get_language()):
        date_format, time_format = _formats()
        values = {
            "date": format_date(local, date_format),
            "time": dateformat.format(local, time_format),
            "zone": zone_name,
            "offset": format_zone_label(local),
        }
        if _zone_is_its_offset(zone_name, values["offset"]):
            # Translators: e.g. "Thursday, 10 June 2021, 10:00 (UTC)": a zone that is its offset.
            return gettext("%(date)s, %(time)s (%(zone)s)") % values
        # Translators: e.g. "Thursday, 10 June 2021, 10:00 (Europe/Vilnius, EEST, UTC+03:00)".
        return gettext("%(date)s, %(time)s (%(zone)s, %(offset)s)") % values


def format_local(moment: datetime, date_format: str | None = None) -> str:
    """'6 December 2026, 10:00 (EET, UTC+02:00)': a time in the active zone (the console
    activates the event's), in the active language's own date-and-time format unless
    ``date_format`` says otherwise, with that zone's abbreviation and offset so a time is never
    labelled with a zone it is not in."""
    local = timezone.localtime(moment)
    pattern = date_format or formats.get_format("DATETIME_FORMAT")
    return f"{format_date(local, pattern)} ({format_zone_label(local)})"


def format_day(value, language: str | None = None) -> str:
    """'6 December 2026', '6 decembrie 2026': a date (or an aware datetime's date in the active
    zone) in the language's own date format (Django's localized ``DATE_FORMAT``)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(language or translation.get_language()):
        pattern = formats.get_format("DATE_FORMAT")
        return format_date(value, pattern)


def format_day_time(moment: datetime, zone_name: str, language: str | None = None) -> str:
    """'6 decembrie 2026, 10:00 (Europe/Bucharest)': the language's own date-and-time format in
    the zone, with the zone's name."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(zone_name))
    with translation.override(language or translation.get_language()):
        return f"{format_date(local, formats.get_format('DATETIME_FORMAT'))} ({zone_name})"
