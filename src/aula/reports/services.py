"""The funder's participation report as a file to download, and the record of downloads that
carry names: the report with the attending organisations' names is recorded in the audit log
(``audit.record_download``); the report without them holds no personal data."""

from dataclasses import dataclass

from django.utils.text import slugify

from aula.audit import services as audit
from aula.events.models import Event
from aula.reports import queries
from aula.reports.models import OrganisationCounts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True, slots=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str


def participation_file(event: Event, *, actor, language: str, extension: str,
                       include_organisations: bool = False) -> ReportFile:
    """The participation report of ``event`` as PDF or XLSX (``extension``); marked provisional
    unless the event was held. A download with the organisations' names is recorded."""
    document = queries.report_document(event, language,
                                       include_organisations=include_organisations)
    if extension == "pdf":
        from aula.reports.pdf import report_pdf

        content, content_type = report_pdf(document), PDF
    else:
        from aula.reports.xlsx import report_xlsx

        content, content_type = report_xlsx(document), XLSX
    if include_organisations:
        audit.record_download(actor, "participation_report_with_organisations", event=event,
                              data={"format": extension, "final": bool(not document.provisional)})
    draft = "" if not document.provisional else "-provisional"
    name = f"participation-{slugify(event.project.code)}-{event.slug}{draft}.{extension}"
    return ReportFile(content, content_type, name)


def keep_organisation_counts(event) -> None:
    """Before the retention job erases ``event``'s registrants (in its transaction): keep the
    distinct organisations registered and attending, once (the first batch counts them while
    every name is there)."""
    if OrganisationCounts.objects.filter(event=event).exists():
        return
    registered, attending = queries.organisation_keys(event)
    OrganisationCounts.objects.create(event=event, registered=len(registered),
                                      attending=len(attending))
