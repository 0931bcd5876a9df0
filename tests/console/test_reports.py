"""The console's report pages: who may open them, what they show, and in how many queries."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aula.console.models import Membership, Role
from aula.events.models import AgendaBlock
from tests.factories import make_event, make_model_seminar, make_project, organiser
from tests.reports.data import populate
from tests.reports.helpers import attendance, register  # noqa: F401
from tests.reports.pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(attendance):  # noqa: F811
    event = make_model_seminar()
    populate(event, attendance)
    return event


def urls(event):
    return [
        reverse("console:reports_event", kwargs={"event_id": event.pk}),
        reverse("console:reports_pdf", kwargs={"event_id": event.pk}),
        reverse("console:reports_xlsx", kwargs={"event_id": event.pk}),
        reverse("console:reports_project", kwargs={"project": event.project.slug}),
    ]


def test_every_report_url_needs_a_login(client, seminar):
    for url in urls(seminar):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("console:login"))


def test_another_projects_member_gets_404(client, seminar):
    client.force_login(organiser("stranger", make_project(), Role.OWNER))
    for url in urls(seminar):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.OWNER])
def test_members_from_viewer_up_may_see_reports(client, seminar, role):
    client.force_login(organiser(f"member-{role}", seminar.project, role))
    dashboard, pdf, xlsx, project = urls(seminar)
    assert client.get(dashboard).status_code == 200
    assert client.get(project).status_code == 200
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    response = client.get(xlsx)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unknown_event_or_project_is_404(client, seminar):
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    assert client.get(reverse("console:reports_event", kwargs={"event_id": 999999})).status_code \
        == 404
    assert client.get(reverse("console:reports_project", kwargs={"project": "nope"})).status_code \
        == 404


def test_reports_are_read_only(client, seminar):
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    for url in urls(seminar):
        assert client.post(url).status_code == 405


def test_hub_links_to_the_reports(client, seminar):
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    page = client.get(reverse("console:event", kwargs={"event_id": seminar.pk})).content.decode()
    for url in urls(seminar):
        assert f'href="{url}"' in page


def test_dashboard_draws_svg_charts_with_their_tables(client, seminar):
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    page = client.get(urls(seminar)[0]).content.decode()
    assert "Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)" in page
    assert page.count('role="img"') == 5
    for chart in ("chart-funnel", "chart-over-time", "chart-country", "chart-type",
                  "chart-session"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in page
        assert f'<title id="{chart}-title">' in page
        assert f'id="{chart}-table"' in page
    funnel_table = page.split('id="chart-funnel-table"')[1].split("</table>")[0]
    assert '<th scope="row">Registered</th><td class="num">8</td>' in funnel_table
    assert '<th scope="row">Confirmed</th><td class="num">6</td>' in funnel_table
    assert '<th scope="row">Attended</th><td class="num">5</td>' in funnel_table
    country_table = page.split('id="chart-country-table"')[1].split("</table>")[0]
    assert '<th scope="row">Romania</th><td class="num">3</td>' in country_table
    type_table = page.split('id="chart-type-table"')[1].split("</table>")[0]
    assert '<th scope="row">SME</th><td class="num">3</td>' in type_table
    assert '<th scope="row">Local public authority</th><td class="num">2</td>' in type_table
    over_time = page.split('id="chart-over-time-table"')[1].split("</table>")[0]
    assert '<th scope="row">2021-06-04</th><td class="num">8</td>' in over_time
    session_table = page.split('id="chart-session-table"')[1].split("</table>")[0]
    assert "Session 1: Good practices from Kaunas</th><td class=\"num\">2</td>" in session_table
    # The report's form: the organisations' list is an unticked option, offered to whoever
    # may download personal data (not to this viewer).
    assert 'name="organisations"' not in page
    Membership.objects.filter(project=seminar.project, role=Role.VIEWER).update(
        personal_data=True)
    page = client.get(urls(seminar)[0]).content.decode()
    assert 'name="organisations" value="1">' in page and "checked" not in page


def test_dashboard_escapes_organiser_input_in_charts(client, seminar):
    AgendaBlock.objects.filter(event=seminar, order=1).update(
        title={"en": "<script>alert(1)</script>"}
    )
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    page = client.get(urls(seminar)[0]).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_project_dashboard_puts_events_side_by_side(client, seminar, attendance):  # noqa: F811
    other = make_event(seminar.project)
    attendance.mark(register(other, organisation="Materahub", country="IT"))
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    page = client.get(urls(seminar)[3]).content.decode()
    table = page.split('id="project-events"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("</tr>")
    assert "10 Jun 2021, 10:00 (Europe/Vilnius)" in rows[0]  # in the event's zone
    assert ('<td class="num">8</td><td class="num">6</td><td class="num">5</td>'
            '<td class="num">7</td><td class="num">4</td>') in rows[0]
    assert ('<td class="num">1</td><td class="num">1</td><td class="num">1</td>'
            '<td class="num">1</td><td class="num">1</td>') in rows[1]
    assert 'id="chart-project-table"' in page and 'role="img"' in page


def test_downloads_carry_the_figures_and_no_personal_data(client, seminar):
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    _dashboard, pdf, xlsx, _project = urls(seminar)
    people = [value for r in seminar.registrations.all()
              for value in (r.first_name, r.family_name, r.email)]
    text = pdf_text(client.get(pdf).content)
    assert "Participations (RCO81)\n5" in text
    assert "Berlin Creative GmbH" not in text
    assert not [value for value in people if value in text]
    book = load_workbook(BytesIO(client.get(xlsx).content))
    values = " | ".join(str(c.value) for s in book for row in s.iter_rows() for c in row)
    assert not [value for value in people if value in values]
    assert "Organisations" not in book.sheetnames
    # Ticked: the organisations are in, still without any person. Personal data: a viewer
    # downloads it only when given the permission.
    assert client.get(pdf, {"organisations": "1"}).status_code == 403
    Membership.objects.filter(project=seminar.project, role=Role.VIEWER).update(
        personal_data=True)
    text = pdf_text(client.get(pdf, {"organisations": "1"}).content)
    assert "Berlin Creative GmbH" in text
    assert not [value for value in people if value in text]
    book = load_workbook(BytesIO(client.get(xlsx, {"organisations": "1"}).content))
    assert ("Berlin Creative GmbH", 1) in [
        tuple(c.value for c in row) for row in book["Organisations"].iter_rows()
    ]


def test_pages_take_a_bounded_number_of_queries(client, seminar, attendance,  # noqa: F811
                                                django_assert_max_num_queries):
    client.force_login(organiser("viewer", seminar.project, Role.VIEWER))
    dashboard, _pdf, xlsx, project = urls(seminar)

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for url in (dashboard, xlsx, project):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    before = counts()
    session1 = AgendaBlock.objects.filter(event=seminar, order=1).get()
    for n in range(15):
        attendance.mark(register(seminar, organisation=f"Org {n}", country="HR",
                                 sessions=[session1]))
    make_event(seminar.project)
    after = counts()
    assert after[:2] == before[:2]
    assert after[2] == before[2]  # one more event adds no query (attendance is faked here)
    with django_assert_max_num_queries(14):
        client.get(dashboard)
