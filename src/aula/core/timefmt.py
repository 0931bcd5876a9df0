"""Formatting of times for people: always with the zone, so nobody has to guess."""

from datetime import datetime


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
