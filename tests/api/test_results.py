"""The token endpoints after the seminar: attendance, feedback results, report figures, and the
project's events."""

import pytest

from aula.api.models import PERSONAL, READ, WRITE
from aula.attendance.models import AttendanceRecord, ImportBatch, Source
from aula.feedback import services as feedback
from aula.registrations.models import Registration
from tests.api.conftest import ALL_SCOPES
from tests.factories import make_event, make_project, make_registration

pytestmark = pytest.mark.django_db


def url(path: str) -> str:
    return f"/api/v1{path}"


def attend(event, registration, seconds):
    batch = ImportBatch.objects.create(event=event, source=Source.ZOOM, filename="zoom.csv",
                                       sha256="0" * 64)
    return AttendanceRecord.objects.create(event=event, registration=registration, batch=batch,
                                           source=Source.ZOOM, seconds=seconds)


@pytest.fixture
def held(api_project):
    """An event that took place: three registrants, two present, one cancelled."""
    event = make_event(api_project, days_ahead=-1)
    ana = make_registration(event, organisation="Kaunas 2022", country="LT",
                            organisation_type="Sme")
    bo = make_registration(event, organisation="Timișoara 2023")
    make_registration(event, status=Registration.Status.CANCELLED)
    attend(event, ana, 3600)
    Registration.objects.filter(pk=bo.pk).update(first_joined_at=event.starts_at)
    event.ana, event.bo = ana, bo
    return event


def test_attendance_totals_without_personal_rows_with(api_client, api_token, held,
                                                      django_assert_max_num_queries):
    _token, read = api_token((READ,))
    response = api_client.get(url(f"/events/{held.pk}/attendance"), headers=read)
    assert response.status_code == 200
    assert response.json() == {"event": held.pk, "registered": 2, "attended": 2,
                               "minutes": 60, "registrants": None}
    _token, personal = api_token((READ, PERSONAL))
    with django_assert_max_num_queries(10):
        response = api_client.get(url(f"/events/{held.pk}/attendance"), headers=personal)
    rows = {row["registration"]: row for row in response.json()["registrants"]}
    assert rows[held.ana.pk]["minutes"] == 60 and rows[held.ana.pk]["attended"] is True
    assert rows[held.bo.pk]["minutes"] is None and rows[held.bo.pk]["attended"] is True
    assert rows[held.ana.pk]["email"] == held.ana.email
    assert len(rows) == 2  # the cancelled registrant, absent, is not listed


def test_feedback_results_free_text_only_with_personal(api_client, api_token, held):
    rating = feedback.add_question(held, actor=None, text={"en": "The content"}, order=1)
    choice = feedback.add_question(
        held, actor=None, text={"en": "How did you hear of it?"}, order=2,
        kind="single", options=[{"key": "mail", "label": {"en": "E-mail"}},
                                {"key": "web", "label": {"en": "Website"}}],
    )
    text = feedback.add_question(held, actor=None, text={"en": "What else?"}, order=3,
                                 kind="text", required=False)
    feedback.save_settings(held, actor=None, intro={"en": "Tell us."}, is_open=True,
                           closes_at=None)
    feedback.answer(held.ana, {rating.pk: 5, choice.pk: "web", text.pk: "More, Ana"},
                    "Ana liked it")
    feedback.answer(held.bo, {rating.pk: 3, choice.pk: "web"})
    _token, read = api_token((READ,))
    result = api_client.get(url(f"/events/{held.pk}/feedback"), headers=read).json()
    assert result["survey"] is True and result["responses"] == 2
    first, second, third = result["questions"]
    assert first["average"] == 4.0 and first["answered"] == 2
    assert [c["count"] for c in first["counts"]] == [0, 0, 1, 0, 1]
    assert [(c["key"], c["count"]) for c in second["counts"]] == [("mail", 0), ("web", 2)]
    assert third["texts"] is None and result["comments"] is None
    assert "Ana" not in str(result)
    _token, personal = api_token((READ, PERSONAL))
    result = api_client.get(url(f"/events/{held.pk}/feedback"), headers=personal).json()
    assert result["questions"][2]["texts"] == ["More, Ana"]
    assert result["comments"][0]["text"] == "Ana liked it"


def test_no_survey(api_client, api_token, api_event):
    _token, read = api_token((READ,))
    result = api_client.get(url(f"/events/{api_event.pk}/feedback"), headers=read).json()
    assert result["survey"] is False and result["questions"] == []


def test_report_figures(api_client, api_token, held, api_event):
    _token, read = api_token((READ,))
    report = api_client.get(url(f"/events/{held.pk}/report"), headers=read).json()
    assert report["provisional"] is True  # published, not yet marked held
    assert report["registered"] == 2 and report["attended"] == 2
    assert report["participations"] == 2 and report["organisations_attending"] == 2
    types = {row["key"]: row for row in report["by_organisation_type"]}
    assert types["Sme"]["attended"] == 1
    countries = {row["key"]: row["registered"] for row in report["by_country"]}
    assert countries == {"LT": 1, "RO": 1}
    assert "Ana" not in str(report) and held.ana.email not in str(report)
    held.status = "held"
    held.save()
    report = api_client.get(url(f"/events/{held.pk}/report"), headers=read).json()
    assert report["provisional"] is False


def test_project_events_include_drafts(api_client, api_token, api_project, api_event):
    draft = make_event(api_project, status="draft")
    make_event(make_project())  # another project's
    _token, read = api_token((READ,))
    page = api_client.get(url("/project/events"), headers=read).json()
    found = {row["id"]: row["status"] for row in page["results"]}
    assert found == {api_event.pk: "published", draft.pk: "draft"}


@pytest.mark.parametrize("path", ["attendance", "feedback", "report"])
def test_scopes_and_projects(api_client, api_token, held, path):
    _token, write_only = api_token((WRITE,))
    response = api_client.get(url(f"/events/{held.pk}/{path}"), headers=write_only)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    elsewhere = make_event(make_project(), days_ahead=-1)
    _token, header = api_token(ALL_SCOPES)
    assert api_client.get(url(f"/events/{elsewhere.pk}/{path}"),
                          headers=header).status_code == 404
    assert api_client.get(url(f"/events/{held.pk}/{path}")).status_code == 401
