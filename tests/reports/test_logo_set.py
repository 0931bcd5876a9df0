"""The funder's participation report opens with the project's logo set (Interreg visibility),
inline: the PDF embeds it as an image."""

import re

import pytest

from aula.reports import queries
from aula.reports.pdf import report_html, report_pdf
from tests.factories import give_logo_set, make_model_seminar

pytestmark = pytest.mark.django_db
IMAGE = re.compile(rb"/Subtype\s*/Image")


def test_the_report_opens_with_the_logo_set():
    event = make_model_seminar()
    give_logo_set(event.project)
    document = queries.report_document(event, "en")
    html = report_html(document)
    body = html.split("<body>", 1)[1]
    assert body.index('<img src="data:image/png;base64,') < body.index("<h1>")
    assert 'alt="Interreg logo set, co-funded by the European Union"' in body
    pdf = report_pdf(document)
    assert pdf.startswith(b"%PDF-") and IMAGE.search(pdf)


def test_without_a_logo_set_the_report_is_as_before():
    document = queries.report_document(make_model_seminar(), "en")
    assert "<img" not in report_html(document)
    assert not IMAGE.search(report_pdf(document))
