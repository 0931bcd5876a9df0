"""The participation report as PDF and XLSX: every figure where the funder reads it, the
organisations only when asked for, no personal data, input escaped and neutralised."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from aula.registrations.models import OrganisationType
from aula.reports import queries
from aula.reports.pdf import report_html, report_pdf
from aula.reports.xlsx import report_xlsx, safe, sheet_title
from tests.factories import make_model_seminar
from tests.reports.data import populate
from tests.reports.helpers import register
from tests.reports.pdftext import pdf_text, text_runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(attendance):
    event = make_model_seminar()
    registrations = populate(event, attendance)
    event.registrations_built = registrations
    return event


def document(event, organisations=False):
    return queries.report_document(event, "en", include_organisations=organisations)


def after(runs, label, count=1):
    """The ``count`` runs that follow the first run equal to ``label`` (a table row's cells)."""
    index = runs.index(label)
    return runs[index + 1:index + 1 + count]


def personal_data(event):
    values = set()
    for registration in event.registrations.all():
        values |= {registration.first_name, registration.family_name, registration.email,
                   registration.full_name}
    return values


def workbook(data):
    return load_workbook(BytesIO(data))


def cells(book):
    return [cell.value for sheet in book for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def table(sheet):
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=2)]


def test_pdf_is_a_pdf_with_the_figures(seminar):
    data = report_pdf(document(seminar))
    assert data.startswith(b"%PDF-")
    runs = text_runs(data)
    assert after(runs, "Registered") == ["8"]
    assert after(runs, "Confirmed") == ["6"]
    assert after(runs, "Attended") == ["5"]
    assert after(runs, "Organisations that attended") == ["4"]
    assert after(runs, "Participations (RCO81)") == ["5"]
    # By type (every Interreg category, registered then attended).
    assert after(runs, "Local public authority", 2) == ["2", "2"]
    assert after(runs, "SME", 2) == ["3", "2"]
    assert after(runs, "Higher education and research organisations", 2) == ["1", "1"]
    assert after(runs, "European grouping of territorial cooperation (EGTC)", 2) == ["0", "0"]
    # By country.
    assert after(runs, "Romania", 2) == ["3", "3"]
    assert after(runs, "Germany", 2) == ["1", "1"]
    assert after(runs, "Lithuania", 2) == ["1", "1"]
    assert after(runs, "France", 2) == ["1", "0"]
    assert after(runs, "Italy", 2) == ["1", "0"]
    assert after(runs, "Netherlands", 2) == ["1", "0"]
    assert after(runs, "Interest groups including NGOs", 2) == ["1", "0"]
    assert after(runs, "Other", 2) == ["1", "0"]
    # By partner's region: Germany and France are outside the partnership.
    regions = " ".join(runs[runs.index("Partner's region"):])
    assert "Finland University of Eastern Finland (Kuopio) 0 0" in regions
    assert ("Netherlands Municipality of Leeuwarden (Leeuwarden); Inqubator Foundation "
            "(Leeuwarden) 1 0") in regions
    assert "Romania Municipality of Timișoara (Timișoara) 3 3" in regions
    assert "Outside the partnership 2 1" in regions
    text = pdf_text(data)
    for fact in ("PGI06047", "Interreg Europe", "Europe/Vilnius", "UTC+03:00",
                 "Vytautas Magnus University, Centre for Enterprise Practices", "Online",
                 "Session 1: Good practices from Kaunas", "RCO81 – Participations in joint"):
        assert fact in text
    assert "Berlin Creative GmbH" not in text  # no organisations' list by default


def test_pdf_without_personal_data(seminar):
    for organisations in (False, True):
        text = pdf_text(report_pdf(document(seminar, organisations)))
        for value in personal_data(seminar):
            assert value not in text
        # Names on the agenda (speakers) are left out too.
        assert "Ekaterina Travkina" not in text
        assert "lavinia.simion@primariatm.ro" not in text


def test_pdf_with_the_organisations_when_asked(seminar):
    runs = text_runs(report_pdf(document(seminar, organisations=True)))
    section = runs[len(runs) - runs[::-1].index("Organisations that attended"):]
    assert section[:2] == ["Organisation", "Attended"]
    assert section[2:10] == [
        "Municipality of Timișoara", "2", "Berlin Creative GmbH", "1", "Timiș SME", "1",
        "Vytautas Magnus University", "1",
    ]


def test_pdf_html_escapes_organisation_names(seminar, attendance):
    attendance.mark(register(seminar, organisation="<b>Bold</b> & Co"))
    html = report_html(document(seminar, organisations=True))
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "<b>Bold" not in html


def test_xlsx_cells_hold_every_figure(seminar):
    book = workbook(report_xlsx(document(seminar)))
    assert book.sheetnames == ["Summary", "Agenda", "By type", "By country", "By partner's region"]
    summary = {row[0]: row[1] for row in table(book["Summary"]) if row[0]}
    assert summary["Project code"] == "PGI06047"
    assert summary["Funding programme"] == "Interreg Europe"
    assert summary["Date and time"] == (
        "Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)"
    )
    assert summary["Hosting partner"] == (
        "Vytautas Magnus University, Centre for Enterprise Practices, Kaunas (Lithuania)"
    )
    assert summary["Format"] == "Online"
    assert summary["Location"] == "Online, from Kaunas"
    figures = [row for row in table(book["Summary"]) if isinstance(row[1], int)]
    assert figures == [("Registered", 8), ("Confirmed", 6), ("Attended", 5),
                       ("Organisations that attended", 4), ("Participations (RCO81)", 5)]
    assert "RCO81" in summary["Counting rule"]
    expected = {str(label): (0, 0) for _key, label in OrganisationType.choices}
    expected.update({
        "Local public authority": (2, 2), "SME": (3, 2),
        "Higher education and research organisations": (1, 1),
        "Interest groups including NGOs": (1, 0), "Other": (1, 0),
    })
    assert {row[0]: row[1:] for row in table(book["By type"])} == expected
    assert [row[0] for row in table(book["By type"])] == [
        str(label) for _key, label in OrganisationType.choices
    ]
    assert table(book["By country"]) == [
        ("Romania", 3, 3), ("Germany", 1, 1), ("Lithuania", 1, 1), ("France", 1, 0),
        ("Italy", 1, 0), ("Netherlands", 1, 0),
    ]
    regions = {row[0]: (row[2], row[3]) for row in table(book["By partner's region"])}
    assert regions == {
        "Finland": (0, 0), "Netherlands": (1, 0), "Italy": (1, 0), "Croatia": (0, 0),
        "Romania": (3, 3), "Lithuania": (1, 1), "Outside the partnership": (2, 1),
    }
    agenda = [(start.strftime("%H:%M"), end.strftime("%H:%M"), title)
              for start, end, title in table(book["Agenda"]) if start]
    assert agenda[0] == ("10:00", "11:15", "The relevance and results of interregional cooperation")
    assert ("11:30", "12:30", "Session 2: Good practices from the EU") in agenda


def test_xlsx_without_personal_data(seminar):
    for organisations in (False, True):
        values = " | ".join(map(str, cells(workbook(report_xlsx(document(seminar,
                                                                          organisations))))))
        for value in personal_data(seminar):
            assert value not in values
        assert "Ekaterina Travkina" not in values


def test_xlsx_organisations_only_when_asked_and_neutralised(seminar, attendance):
    attendance.mark(register(seminar, organisation="=HYPERLINK(\"http://evil\",\"x\")"))
    attendance.mark(register(seminar, organisation="@SUM(A1)"))
    plain = workbook(report_xlsx(document(seminar)))
    assert "Organisations" not in plain.sheetnames
    assert not any("HYPERLINK" in str(value) for value in cells(plain))
    book = workbook(report_xlsx(document(seminar, organisations=True)))
    rows = table(book["Organisations"])
    assert rows[0] == ("Municipality of Timișoara", 2)
    assert ("'=HYPERLINK(\"http://evil\",\"x\")", 1) in rows
    assert ("'@SUM(A1)", 1) in rows
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows()
               for cell in row)


def test_safe_prefixes_formula_starts():
    assert [safe(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "ok", 5)] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "ok", 5
    ]


def test_sheet_titles_are_valid_in_any_language():
    assert sheet_title("Per regiune: partener/ţară [x]?") == "Per regiune  partener ţară  x"
    assert len(sheet_title("x" * 40)) == 31


def test_the_pdf_writes_counts_as_its_language_does_and_the_xlsx_keeps_numbers(seminar):
    """The report printed in Romanian groups thousands with "." and heads its columns in the
    plural of people ("Înregistrați"); the spreadsheet's cells stay numbers."""
    from django.utils import translation

    with translation.override("ro"):
        data = queries.report_document(seminar, "ro")
        data.report.funnel.registered = 12345
        data.report.participations = 4321
        html = report_html(data)
        book = workbook(report_xlsx(data))
    assert '<td class="num">12.345</td>' in html
    assert "4.321" in html
    assert ">Înregistrați</th>" in html and ">Confirmați</th>" in html
    assert ">Prezenți</th>" in html
    figure = next(value for label, value in table(book.worksheets[0]) if label == "Înregistrați")
    assert figure == 12345 and isinstance(figure, int)
