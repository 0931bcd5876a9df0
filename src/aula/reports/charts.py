"""Charts drawn on the server as inline SVG: readable and printable without JavaScript.

Each chart is an image for assistive technology (``role="img"`` with a ``<title>`` and a
``<desc>``); the page puts the same numbers in a table beside it. Every text that reaches the
SVG is escaped here (labels can be organisation names or other input).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aula.core.numbers import grouped
from aula.core.translation import localize

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
VALUE_WIDTH = 50
MAX_LABEL = 30  # at 12 px, 30 characters fit the label column even in wide letters
COLOUR = "#003399"


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _open(chart_id: str, title: str, description: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one per (label, value), the value written at the end of each bar."""
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    biggest = max((value for _label, value in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    description = "; ".join(f"{label}: {grouped(value)}" for label, value in rows)
    parts = [_open(chart_id, title, description, height)]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(span * value / biggest)
        middle = y + BAR_HEIGHT / 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="13" fill="#1b1f24">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{COLOUR}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" dominant-baseline="middle" '
            f'font-size="13" fill="#1b1f24">{grouped(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def line_chart(chart_id: str, title: str, points: list[tuple[date, int]]) -> SafeString:
    """A line of a running total over days; the first and last day and the top value marked."""
    height, left, right, top, bottom = 240, 50, 20, 16, 36
    inner_w, inner_h = WIDTH - left - right, height - top - bottom
    biggest = max((value for _day, value in points), default=0) or 1
    description = "; ".join(f"{day.isoformat()}: {grouped(value)}" for day, value in points)
    parts = [_open(chart_id, title, description, height)]
    parts.append(
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" '
        f'stroke="#4a5360"/><line x1="{left}" y1="{top}" x2="{left}" y2="{top + inner_h}" '
        f'stroke="#4a5360"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="12">'
        f"{grouped(biggest)}</text>"
        f'<text x="{left - 6}" y="{top + inner_h}" text-anchor="end" font-size="12">0</text>'
    )
    if points:
        steps = max(1, len(points) - 1)
        coords = [
            (left + inner_w * index / steps, top + inner_h - inner_h * value / biggest)
            for index, (_day, value) in enumerate(points)
        ]
        if len(coords) == 1:
            x, y = coords[0]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOUR}"/>')
        else:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{COLOUR}" stroke-width="2.5"/>'
            )
        first, last = points[0][0], points[-1][0]
        parts.append(
            f'<text x="{left}" y="{height - 12}" font-size="12">{escape(first.isoformat())}</text>'
        )
        if last != first:
            parts.append(
                f'<text x="{left + inner_w}" y="{height - 12}" text-anchor="end" '
                f'font-size="12">{escape(last.isoformat())}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


PALETTE = ("#003399", "#2e7d32", "#b35c00", "#6a1b9a")


def grouped_bar_chart(
    chart_id: str, title: str, series: list[str], rows: list[tuple[str, list[int]]]
) -> SafeString:
    """Horizontal bars in groups: for each label, one bar per series, with a legend on top."""
    small = 14
    group = len(series) * small + GAP * 2
    legend = 26
    height = legend + max(1, len(rows)) * group + GAP
    biggest = max((v for _label, values in rows for v in values), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    description = "; ".join(
        f"{label}: " + ", ".join(f"{name} {grouped(value)}" for name, value in zip(series, values,
                                                                        strict=True))
        for label, values in rows
    )
    parts = [_open(chart_id, title, description, height)]
    x = LABEL_WIDTH
    for index, name in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="16" font-size="12" fill="#1b1f24">{escape(name)}</text>'
        )
        x += 20 + 8 * len(str(name))
    for index, (label, values) in enumerate(rows):
        top = legend + index * group + GAP
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + len(series) * small / 2}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="13" fill="#1b1f24">'
            f"{escape(_short(label))}</text>"
        )
        for position, value in enumerate(values):
            y = top + position * small
            length = round(span * value / biggest)
            colour = PALETTE[position % len(PALETTE)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{small - 2}" '
                f'fill="{colour}"/>'
                f'<text x="{LABEL_WIDTH + length + 4}" y="{y + small / 2}" '
                f'dominant-baseline="middle" font-size="11" fill="#1b1f24">{grouped(value)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


@dataclass(slots=True)
class Chart:
    """A chart and the same numbers as a table (header and rows) to show beside it."""

    id: str
    title: str
    svg: SafeString
    header: list[str]
    rows: list[tuple]


def dashboard_charts(dashboard) -> dict[str, Chart]:
    """The event dashboard's charts, each with its table."""
    def bars(chart_id, title, header, rows):
        pairs = [(row.label, row.registered) for row in rows]
        return Chart(chart_id, title, bar_chart(chart_id, title, pairs), header, pairs)

    registered = pgettext("number of people", "Registered")
    funnel_title = _("From registration to attendance")
    over_time_title = _("Registrations over time (cumulative, days in the event's time zone)")
    points = dashboard.over_time
    return {
        "funnel": bars("chart-funnel", funnel_title, [_("Step"), _("People")],
                       dashboard.funnel.steps()),
        "over_time": Chart(
            "chart-over-time", over_time_title,
            line_chart("chart-over-time", over_time_title, points),
            [_("Day"), registered], [(day.isoformat(), n) for day, n in points],
        ),
        "country": bars("chart-country", _("Registered by country"),
                        [_("Country"), registered], dashboard.by_country),
        "type": bars("chart-type", _("Registered by type of organisation"),
                     [_("Type of organisation"), registered], dashboard.by_type),
        "session": bars("chart-session", _("Registered by parallel session"),
                        [_("Parallel session"), registered], dashboard.by_session),
    }


def project_chart(lines, language: str) -> Chart:
    """The project's events side by side: registered, confirmed and attended."""
    title = _("Registered, confirmed and attended per event")
    series = [pgettext("number of people", "Registered"),
              pgettext("number of people", "Confirmed"),
              pgettext("number of people", "Attended")]
    rows = []
    for line in lines:
        name = localize(line.event.title, language, line.event.primary_language).text
        label = f"{line.event.local_start:%Y-%m-%d} {name}"
        rows.append((label, [line.registered, line.confirmed, line.attended]))
    svg = grouped_bar_chart("chart-project", title, series, rows)
    return Chart("chart-project", title, svg, [_("Event"), *series],
                 [(label, *values) for label, values in rows])
