"""The console's data retention page (owners only): the rule, each event's erasure date and
how many people it concerns, the purges, and the owner's settings on the record."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.registrations.models import Registration
from tests.factories import make_event, make_project, make_registration, organiser

pytestmark = pytest.mark.django_db

STARTS = datetime(2021, 6, 15, 7, tzinfo=UTC)


@pytest.fixture
def project():
    return make_project(ends_on=date(2022, 12, 31))


def url(project):
    return reverse("console:retention", kwargs={"project": project.slug})


def _owner(client, project):
    owner = organiser(project=project, role=Role.OWNER)
    client.force_login(owner)
    return owner


def _events(project, n, people=2):
    for i in range(n):
        event = make_event(project, starts_at=STARTS + timedelta(days=30 * i))
        for _ in range(people):
            make_registration(event)


def test_the_owner_sees_each_events_date_and_people(client, project):
    _events(project, 2, people=3)
    erased = Registration.objects.first()
    Registration.objects.filter(pk=erased.pk).update(anonymised_at=STARTS)
    _owner(client, project)
    response = client.get(url(project))
    assert response.status_code == 200
    page = response.content.decode()
    # No payment year entered: estimated from the project's end (2022 → 2023 + five years).
    assert "Estimate:" in page and "31 December 2028" in page
    assert page.count("Monday, 1 January 2029, 02:00 (Europe/Vilnius, EET, UTC+02:00)") == 2
    rows = response.context["rows"]
    assert [(row["line"].people, row["line"].erased) for row in rows] == [(2, 1), (3, 0)]
    assert "Organisers' login records" in page and "after 90 days" in page


def test_the_project_page_links_to_it_for_owners(client, project):
    _owner(client, project)
    page = client.get(reverse("console:project", kwargs={"project": project.slug}))
    assert url(project) in page.content.decode()


def test_no_date_known_is_said(client):
    project = make_project()
    _owner(client, project)
    page = client.get(url(project)).content.decode()
    assert "No date yet:" in page and "Estimate:" not in page


def test_the_shorter_period_is_shown_per_event(client, project):
    project.retention_months = 6
    project.save()
    _events(project, 1)
    _owner(client, project)
    page = client.get(url(project)).content.decode()
    assert "your shorter period" in page
    assert "Wednesday, 15 December 2021, 12:00" in page


def test_the_page_reads_a_fixed_number_of_queries(client, project,
                                                  django_assert_max_num_queries):
    _owner(client, project)
    _events(project, 2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url(project)).status_code == 200
    _events(project, 8, people=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(project)).status_code == 200


def test_the_owner_sets_the_period_on_the_record(client, project):
    owner = _owner(client, project)
    response = client.post(url(project), {
        "last_payment_year": "2024", "audit_period_ends_on": "", "retention_months": "18",
    })
    assert response.status_code == 302 and response["Location"] == url(project)
    project.refresh_from_db()
    assert (project.last_payment_year, project.retention_months) == (2024, 18)
    entry = AuditEntry.objects.get(action="project.retention_set")
    assert (entry.actor, entry.via, entry.project_id) == (owner, "console", project.pk)
    assert entry.changes == {"last_payment_year": [None, 2024], "retention_months": [None, 18]}
    page = client.get(url(project)).content.decode()
    assert "The last payment to the project was in 2024" in page
    assert "erased 18 months after each event" in page


@pytest.mark.parametrize("data", [
    {"last_payment_year": "1999"},
    {"last_payment_year": "<b>2024</b>"},
    {"retention_months": "0"},
    {"audit_period_ends_on": "31/12/2030x"},
])
def test_bad_input_is_refused_with_a_message_and_nothing_stored(client, project, data):
    _owner(client, project)
    response = client.post(url(project), data)
    assert response.status_code == 400
    assert b'class="error-summary"' in response.content
    assert b"<b>2024</b>" not in response.content
    project.refresh_from_db()
    assert (project.last_payment_year, project.retention_months,
            project.audit_period_ends_on) == (None, None, None)
    assert not AuditEntry.objects.filter(action="project.retention_set").exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_editors_and_viewers_are_refused(client, project, role):
    client.force_login(organiser(project=project, role=role))
    assert client.get(url(project)).status_code == 403
    assert client.post(url(project), {"retention_months": "1"}).status_code == 403
    project.refresh_from_db()
    assert project.retention_months is None


def test_other_projects_members_find_nothing(client, project):
    client.force_login(organiser(project=make_project(), role=Role.OWNER))
    assert client.get(url(project)).status_code == 404
