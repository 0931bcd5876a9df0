"""The participation report as PDF: an HTML template (every value autoescaped) printed by
WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from aula.reports.queries import ReportDocument


def report_html(document: ReportDocument) -> str:
    return render_to_string("reports/participation.html", {
        "report": document.report,
        "facts": document.facts,
        "agenda": document.agenda,
        "rule": document.rule,
        "language": document.language,
        "title": document.title,
        "provisional": document.provisional,
        "generated_at": date_format(timezone.localdate(), "DATE_FORMAT"),
    })


def report_pdf(document: ReportDocument) -> bytes:
    from weasyprint import HTML  # imported when needed: it loads Pango and fonts

    return HTML(string=report_html(document)).write_pdf()
