"""How long registrants' personal data is kept, and the job that erases it when due
(``aula.registrations.retention``): the dates, what erasure takes and keeps, the audit entries."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from aula.attendance import queries as attendance_queries
from aula.attendance import services as attendance
from aula.attendance.models import AttendanceRecord
from aula.audit.models import AuditEntry
from aula.certificates import services as certificates
from aula.certificates.models import Certificate
from aula.feedback import queries as feedback_queries
from aula.feedback import services as feedback
from aula.feedback.models import SurveyResponse
from aula.messaging import periodic
from aula.messaging.models import OutboxMessage
from aula.messaging.services import queue_email
from aula.projects import services as projects
from aula.registrations import retention
from aula.registrations.models import Registration
from aula.reports import queries as reports
from tests.attendance.helpers import register_cast, sample
from tests.factories import clear_audit_log, make_event, make_project, make_registration, organiser

pytestmark = pytest.mark.django_db

# The sample Zoom report's seminar: 15 June 2021, 16:00 UTC.
STARTS = datetime(2021, 6, 15, 16, tzinfo=UTC)
ENDS = STARTS + timedelta(hours=3)
# Last payment in 2022: the audit period ends on 31 December 2027.
AUDIT_END = datetime(2028, 1, 1, tzinfo=UTC)


def _seminar(**project_fields):
    project = make_project(last_payment_year=2022, **project_fields)
    return make_event(project, time_zone="Europe/Berlin", starts_at=STARTS)


def _personal_data(event):
    """Everything personal about ``event``'s registrants, to see what goes."""
    return {
        "registrations": sorted(
            Registration.objects.filter(event=event)
            .values_list("email", "first_name", "family_name", "organisation")
        ),
        "attendance": sorted(
            AttendanceRecord.objects.filter(event=event, registration__isnull=False)
            .values_list("name", "email", "person_key")
        ),
        "certificates": sorted(
            Certificate.objects.filter(event=event).values_list("holder_name", flat=True)
        ),
        "comments": sorted(
            SurveyResponse.objects.filter(survey__event=event).values_list("comment", flat=True)
        ),
    }


@pytest.fixture
def seminar():
    """A seminar of 2021 with everything an event collects about people: registrants in
    several organisations, a Zoom report imported, a mark by hand, certificates, feedback."""
    event = _seminar()
    cast = register_cast(event)
    Registration.objects.filter(pk=cast["emil"].pk).update(organisation="Creative Prague")
    Registration.objects.filter(pk=cast["jonas"].pk).update(organisation="Berlin Creative",
                                                           country="DE")
    make_registration(event, organisation="Absent Org", status=Registration.Status.WAITING)
    attendance.import_report(event, "zoom.csv", sample("zoom-meeting"), actor=None)
    attendance.mark_present(event, cast["priya"].pk, actor=None)
    certificates.save_rule(event, actor=None, minimum_minutes=0, allow_unknown_duration=True)
    certificates.issue_all(event, actor=None)
    question = feedback.add_question(event, actor=None, text={"en": "Content"}, order=1)
    feedback.save_settings(event, actor=None, intro={"en": "Tell us."}, is_open=True,
                           closes_at=None)
    feedback.answer(cast["ivana"], {question.pk: 4}, "Ivana Horvat liked it")
    feedback.answer(cast["stefan"], {question.pk: 5}, "")
    clear_audit_log()
    return event


def _figures(event):
    """Every figure the reports and indicators show for ``event`` and its project."""
    overview = reports.project_overview(event.project)
    report = reports.participation_report(event)
    survey = feedback_queries.results(feedback_queries.survey_of(event))
    return {
        "dashboard": reports.event_dashboard(event, "en"),
        "funnel": report.funnel,
        "participations": report.participations,
        "by_type": report.by_type,
        "by_country": report.by_country,
        "by_partner_region": report.by_partner_region,
        "organisations_attending": report.organisations_attending,
        "overview": [(line.registered, line.confirmed, line.attended, line.organisations,
                      line.organisations_attending) for line in overview],
        "attendance_minutes": attendance_queries.attendees(event),
        # The ratings stay; the comments (free text by the person) go.
        "feedback": (survey.responses, survey.questions),
        "certificates": Certificate.objects.filter(event=event).count(),
    }


# --- the rule -----------------------------------------------------------------------------------


def test_the_audit_period_from_what_the_owner_entered_or_an_estimate():
    assert retention.audit_period(make_project()) == retention.AuditPeriod(
        None, retention.Basis.UNKNOWN
    )
    # Estimated: last payment the year after the project's end, then five years.
    estimated = retention.audit_period(make_project(ends_on=date(2023, 3, 31)))
    assert estimated == retention.AuditPeriod(date(2029, 12, 31), retention.Basis.ESTIMATE)
    assert estimated.estimated
    # ... or after its last event, when that is later.
    late = make_project(ends_on=date(2023, 3, 31))
    make_event(late, starts_at=datetime(2026, 5, 4, 9, tzinfo=UTC))
    assert retention.audit_period(late) == retention.AuditPeriod(
        date(2032, 12, 31), retention.Basis.ESTIMATE
    )
    paid = make_project(ends_on=date(2023, 3, 31), last_payment_year=2024)
    assert retention.audit_period(paid) == retention.AuditPeriod(
        date(2029, 12, 31), retention.Basis.PAYMENT
    )
    told = make_project(last_payment_year=2024, audit_period_ends_on=date(2030, 6, 30))
    assert retention.audit_period(told) == retention.AuditPeriod(
        date(2030, 6, 30), retention.Basis.DATE
    )


def test_due_date_is_the_day_after_the_audit_period_or_the_shorter_period():
    event = _seminar()
    project = event.project
    assert retention.due_at(event, project) == AUDIT_END
    assert not retention.shorter_applies(event, project)
    project.retention_months = 6
    assert retention.due_at(event, project) == ENDS.replace(month=12)
    assert retention.shorter_applies(event, project)
    # A "shorter" period ending after the audit period changes nothing.
    project.retention_months = 120
    assert retention.due_at(event, project) == AUDIT_END
    assert not retention.shorter_applies(event, project)
    # Nothing known: no date, unless the owner chose a period.
    unknown = retention.AuditPeriod(None, retention.Basis.UNKNOWN)
    assert retention.due_at(event, project, unknown) == ENDS.replace(year=2031)
    assert retention.shorter_applies(event, project, unknown)
    project.retention_months = None
    assert retention.due_at(event, project, unknown) is None


def test_never_before_the_event_has_ended():
    project = make_project(audit_period_ends_on=date(2020, 12, 31))
    event = make_event(project, starts_at=STARTS)
    assert retention.due_at(event, project) == ENDS


def test_months_are_added_as_the_calendar_has_them():
    assert retention.add_months(datetime(2021, 1, 31, 9, tzinfo=UTC), 1) == datetime(
        2021, 2, 28, 9, tzinfo=UTC
    )
    assert retention.add_months(datetime(2023, 11, 30, tzinfo=UTC), 3) == datetime(
        2024, 2, 29, tzinfo=UTC
    )
    assert retention.add_months(datetime(2021, 6, 15, tzinfo=UTC), 18) == datetime(
        2022, 12, 15, tzinfo=UTC
    )


# --- the job ------------------------------------------------------------------------------------


def test_nothing_is_erased_before_the_audit_period_ends(seminar):
    before = _personal_data(seminar)
    with time_machine.travel(AUDIT_END - timedelta(seconds=1), tick=False):
        assert retention.erase_due_personal_data() == 0
    assert _personal_data(seminar) == before
    assert not AuditEntry.objects.exists()


def test_after_it_everything_personal_goes_and_every_figure_stays(seminar):
    figures = _figures(seminar)
    assert figures["participations"] > 0 and figures["organisations_attending"] > 1
    names = {r.email for r in Registration.objects.filter(event=seminar)}

    with time_machine.travel(AUDIT_END, tick=False):
        assert retention.erase_due_personal_data() == 9

    people = Registration.objects.filter(event=seminar)
    assert all(r.anonymised_at == AUDIT_END for r in people)
    assert {r.email for r in people}.isdisjoint(names)
    assert {(r.first_name, r.family_name, r.organisation, str(r.answers)) for r in people} == {
        ("", "", "", "{}")
    }
    personal = _personal_data(seminar)
    assert set(personal["attendance"]) == {("", "", "")}
    assert set(personal["certificates"]) == {""}
    assert set(personal["comments"]) == {""}
    assert _figures(seminar) == figures
    # What the organisations' names were is gone, their count is kept (reports.models).
    assert reports.participation_report(seminar, include_organisations=True).organisations == []


def test_the_audit_entries_name_counts_and_ids_never_people(seminar):
    ids = sorted(Registration.objects.filter(event=seminar).values_list("pk", flat=True))
    people = list(Registration.objects.filter(event=seminar)
                  .values_list("email", "family_name"))
    with time_machine.travel(AUDIT_END, tick=False):
        retention.erase_due_personal_data(batch_size=5)
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.action, e.actor_id, e.actor_name, e.event_id) for e in entries] == [
        ("registration.retention_erased", None, "", seminar.pk)
    ] * 2
    assert [e.data["registrations"] for e in entries] == [5, 4]
    assert sorted(entries[0].data["ids"] + entries[1].data["ids"]) == ids
    assert entries[0].data["rule"] == "payment"
    assert entries[0].data["due"] == AUDIT_END.isoformat()
    logged = json.dumps([[e.data, e.changes, e.target_label] for e in entries])
    for email, family_name in people:
        assert email not in logged and family_name not in logged


def test_the_owners_shorter_period_is_honoured(seminar):
    projects.set_retention(seminar.project, actor=None, last_payment_year=2022,
                           audit_period_ends_on=None, retention_months=6)
    due = datetime(2021, 12, 15, 19, tzinfo=UTC)
    with time_machine.travel(due - timedelta(minutes=1), tick=False):
        assert retention.erase_due_personal_data() == 0
    with time_machine.travel(due, tick=False):
        assert retention.erase_due_personal_data() == 9
    assert AuditEntry.objects.get(action="registration.retention_erased").data["rule"] == (
        "shorter"
    )


def test_without_a_payment_year_the_estimate_counts_from_the_last_event(seminar):
    project = seminar.project
    project.last_payment_year = None
    project.save()
    make_event(project, starts_at=datetime(2024, 5, 6, 9, tzinfo=UTC))
    # Last event in 2024: last payment estimated in 2025, audit period to the end of 2030.
    with time_machine.travel(datetime(2030, 12, 31, 23, 59, tzinfo=UTC), tick=False):
        assert retention.erase_due_personal_data() == 0
    with time_machine.travel(datetime(2031, 1, 1, tzinfo=UTC), tick=False):
        assert retention.erase_due_personal_data() == 9
    assert AuditEntry.objects.get().data["rule"] == "estimate"


def test_only_due_events_are_erased_and_only_theirs():
    due = _seminar()
    later = make_event(due.project, starts_at=datetime(2023, 6, 1, 9, tzinfo=UTC))
    other = make_event(make_project(last_payment_year=2030), starts_at=STARTS)
    for event in (due, later, other):
        make_registration(event)
    with time_machine.travel(AUDIT_END, tick=False):
        retention.erase_due_personal_data()
    erased = Registration.objects.filter(anonymised_at__isnull=False)
    # Same project, later event: the audit period is the project's, so it is due too.
    assert set(erased.values_list("event_id", flat=True)) == {due.pk, later.pk}


def test_a_tick_erases_a_bounded_number_and_the_next_goes_on(seminar):
    with time_machine.travel(AUDIT_END, tick=False):
        assert retention.erase_due_personal_data(batch_size=2, limit=3) == 3
        assert Registration.objects.filter(anonymised_at__isnull=True).count() == 6
        assert retention.erase_due_personal_data(batch_size=2, limit=3) == 3
        assert retention.erase_due_personal_data(batch_size=2, limit=3) == 3
        assert retention.erase_due_personal_data(batch_size=2, limit=3) == 0
    assert sum(e.data["registrations"] for e in AuditEntry.objects.all()) == 9


def test_running_again_erases_nothing_twice(seminar):
    with time_machine.travel(AUDIT_END, tick=False):
        retention.erase_due_personal_data()
        entries = AuditEntry.objects.count()
        assert retention.erase_due_personal_data() == 0
    assert AuditEntry.objects.count() == entries


def test_a_batch_checks_the_date_again_under_the_lock(seminar):
    """The owner extended the period between the job's look and its batch: nothing goes."""
    project = seminar.project
    project.last_payment_year = 2030
    project.save()
    assert retention._erase_batch(seminar.pk, AUDIT_END, 100) == 0
    assert not Registration.objects.filter(anonymised_at__isnull=False).exists()


def test_sent_mail_of_the_erased_keeps_no_address(seminar):
    registration = Registration.objects.filter(event=seminar).first()
    message = queue_email(to=registration.email, subject="Your certificate", text="Dear Emil",
                          kind="certificate", language="en", registration_id=registration.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT,
                                                      sent_at=STARTS)
    with time_machine.travel(AUDIT_END, tick=False):
        retention.erase_due_personal_data()
    message = OutboxMessage.objects.get()
    assert (message.recipient, message.subject, message.text_body) == ("", "", "")


def test_the_job_runs_on_the_schedulers_tick():
    assert periodic.job_name(retention.erase_due_personal_data) in periodic.registered()


# --- the owner's settings -----------------------------------------------------------------------


def test_setting_the_retention_is_on_the_record():
    project = make_project()
    owner = organiser(project=project, role="owner")
    projects.set_retention(project, actor=owner, last_payment_year=2026,
                           audit_period_ends_on=None, retention_months=12, via="console")
    project.refresh_from_db()
    assert (project.last_payment_year, project.retention_months) == (2026, 12)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.project_id) == (
        "project.retention_set", owner, project.pk
    )
    assert entry.changes == {"last_payment_year": [None, 2026], "retention_months": [None, 12]}
    # The same again: nothing changed, nothing recorded.
    projects.set_retention(project, actor=owner, last_payment_year=2026,
                           audit_period_ends_on=None, retention_months=12)
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("values", [
    {"last_payment_year": 1999, "retention_months": None},
    {"last_payment_year": None, "retention_months": 0},
    {"last_payment_year": None, "retention_months": 241},
])
def test_values_out_of_range_are_refused_and_nothing_stored(values):
    project = make_project()
    with pytest.raises(ValidationError):
        projects.set_retention(project, actor=None, audit_period_ends_on=None, **values)
    project.refresh_from_db()
    assert (project.last_payment_year, project.retention_months) == (None, None)
    assert not AuditEntry.objects.exists()
