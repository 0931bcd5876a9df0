"""The participation report as PDF: an HTML template (every value autoescaped) printed by
WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from aula.core import images
from aula.core.timefmt import format_day
from aula.reports.queries import ReportDocument


def report_html(document: ReportDocument) -> str:
    """The report's HTML in the document's language: its words and its dates ("6 decembrie
    2026"), whatever language the request that asked for it is in."""
    with translation.override(document.language):
        return render_to_string("reports/participation.html", _context(document))


def _context(document: ReportDocument) -> dict:
    return {
        "report": document.report,
        "facts": document.facts,
        "agenda": document.agenda,
        "rule": document.rule,
        "language": document.language,
        "title": document.title,
        "provisional": document.provisional,
        "generated_at": format_day(timezone.localdate(), document.language),
        # Interreg visibility: the project's logo set heads the report (inline: fetches nothing).
        "logo_set": images.data_uri(document.report.event.project.logo_set.name),
        "logo_set_alt": _logo_alt(document),
    }


def _logo_alt(document: ReportDocument) -> str:
    project = document.report.event.project
    return project.text("logo_set_alt", document.language).text or project.name


def report_pdf(document: ReportDocument) -> bytes:
    from weasyprint import HTML  # imported when needed: it loads Pango and fonts

    return HTML(string=report_html(document)).write_pdf()
