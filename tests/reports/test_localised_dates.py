"""PDFs print dates in the document's language with Django's localized formats ("6 decembrie
2026", "6 December 2026"), never the American "Dec. 6, 2026", whatever the request's language."""

from datetime import date

import pytest
from django.utils import timezone, translation

from aula.certificates import document as certificate_document
from aula.certificates import services as certificates
from aula.certificates.models import Certificate, CertificateRule
from aula.core.timefmt import format_day
from aula.events import lifecycle
from aula.reports import queries
from aula.reports.pdf import report_pdf
from tests.factories import make_model_seminar, make_registration
from tests.reports.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_a_date_is_written_in_the_languages_own_format():
    day = date(2026, 12, 6)
    assert format_day(day, "ro") == "6 decembrie 2026"
    assert format_day(day, "en") == "6 December 2026"
    assert format_day(day, "lt") == "2026 m. gruodžio 6 d."


@pytest.mark.parametrize("request_language", ["en", "ro"])
def test_the_romanian_report_pdf_writes_its_dates_in_romanian(request_language):
    event = make_model_seminar()
    lifecycle.cancel(event, actor=None, reason="")
    event.refresh_from_db()
    with translation.override(request_language):  # the console's language may differ
        text = text_of(report_pdf(queries.report_document(event, "ro")))
    today = format_day(timezone.localdate(), "ro")
    cancelled = format_day(event.local(event.cancelled_at), "ro")
    assert today in text and cancelled in text
    assert "10 iunie 2021" in text  # the event's date, in the facts
    months = ("Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.",
              "Dec.", "June", "December")
    assert not any(month in text for month in months)


def test_the_english_report_pdf_writes_day_month_year():
    event = make_model_seminar()
    with translation.override("ro"):
        text = text_of(report_pdf(queries.report_document(event, "en")))
    assert format_day(timezone.localdate(), "en") in text
    assert "Generated on" in text  # English words, though the request was Romanian
    assert timezone.localdate().strftime("%b. ") not in text


def test_the_certificate_pdf_writes_its_date_in_the_certificates_language(monkeypatch):
    event = make_model_seminar()
    registration = make_registration(event, language="ro")
    monkeypatch.setattr("aula.certificates.queries.attendees",
                        lambda event: {registration.pk: None})
    CertificateRule.objects.create(event=event, allow_unknown_duration=True)
    certificates.issue_all(event, actor=None)
    certificate = Certificate.objects.get(registration=registration)
    with translation.override("en"):
        text = text_of(certificate_document.certificate_pdf(certificate))
    assert "10 iunie 2021" in text and "June" not in text


def test_the_verification_page_writes_the_issue_date_in_its_language(client, monkeypatch):
    from django.urls import reverse

    from tests.factories import utc

    event = make_model_seminar()
    registration = make_registration(event, language="ro")
    monkeypatch.setattr("aula.certificates.queries.attendees",
                        lambda event: {registration.pk: None})
    CertificateRule.objects.create(event=event, allow_unknown_duration=True)
    certificates.issue_all(event, actor=None)
    Certificate.objects.update(issued_at=utc(2026, 12, 6, 8))
    certificate = Certificate.objects.get(registration=registration)
    with translation.override("ro"):
        address = reverse("certificates:verify", kwargs={"code": certificate.code})
    assert "6 decembrie 2026" in client.get(address).content.decode()
    with translation.override("en"):
        address = reverse("certificates:verify", kwargs={"code": certificate.code})
    assert "6 December 2026" in client.get(address).content.decode()
