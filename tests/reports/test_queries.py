"""Every figure of the dashboards and of the participation report, against data built by hand
(see tests/reports/data.py for the table the expectations come from)."""

from datetime import date, timedelta

import pytest

from aula.reports import queries
from tests.factories import make_event, make_model_seminar
from tests.reports.data import populate
from tests.reports.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(attendance):
    event = make_model_seminar()
    populate(event, attendance)
    return event


def figures(rows):
    return {row.key: (row.registered, row.attended) for row in rows}


def test_funnel(seminar):
    funnel = queries.funnel(seminar)
    assert (funnel.registered, funnel.confirmed, funnel.attended, funnel.cancelled) == (8, 6, 5, 1)
    assert [(step.label, step.registered) for step in funnel.steps()] == [
        ("Registered", 8), ("Confirmed", 6), ("Attended", 5)
    ]


def test_registrations_over_time_are_cumulative_per_day_in_the_events_zone(seminar):
    # r2 at 23:00 on 1 June (Vilnius), r1 at 01:30 on 2 June, six on 4 June; r8 cancelled.
    assert queries.registrations_over_time(seminar) == [
        (date(2021, 6, 1), 1), (date(2021, 6, 2), 2), (date(2021, 6, 3), 2), (date(2021, 6, 4), 8)
    ]


def test_registrations_over_time_of_an_event_without_registrations(attendance):
    assert queries.registrations_over_time(make_event()) == []


def test_by_country(seminar):
    rows = queries.by_country(seminar)
    assert [(row.label, row.registered) for row in rows] == [
        ("Romania", 3), ("France", 1), ("Germany", 1), ("Italy", 1), ("Lithuania", 1),
        ("Netherlands", 1),
    ]


def test_by_organisation_type_with_translated_labels(seminar):
    rows = queries.by_organisation_type(seminar)
    assert [(row.label, row.registered) for row in rows] == [
        ("SME", 3), ("Local public authority", 2),
        ("Higher education and research organisations", 1),
        ("Interest groups including NGOs", 1), ("Other", 1),
    ]


def test_by_organisation_type_in_romanian(seminar):
    from django.utils import translation

    with translation.override("ro"):
        labels = {row.key: row.label for row in queries.by_organisation_type(seminar)}
    assert labels["Sme"] == "IMM"
    assert labels["LocalPublicAuthority"] == "Autoritate publică locală"


def test_by_session_counts_choices_of_registrations_not_cancelled(seminar):
    rows = queries.by_session(seminar, "en")
    assert [(row.label, row.registered) for row in rows] == [
        ("11:30 · Session 1: Good practices from Kaunas", 2),
        ("11:30 · Session 2: Good practices from the EU", 1),
    ]


def test_participation_report_figures(seminar):
    report = queries.participation_report(seminar)
    assert report.participations == 5
    assert (report.funnel.registered, report.funnel.confirmed, report.funnel.attended) == (8, 6, 5)
    # Every Interreg category is listed, zeros included.
    assert len(report.by_type) == 16
    types = figures(report.by_type)
    assert types["LocalPublicAuthority"] == (2, 2)
    assert types["Sme"] == (3, 2)
    assert types["HigherEducationOrganisations"] == (1, 1)
    assert types["InterestGroups"] == (1, 0)
    assert types["Other"] == (1, 0)
    assert types["Egtc"] == (0, 0)
    assert sum(a for _r, a in types.values()) == report.participations
    assert figures(report.by_country) == {
        "RO": (3, 3), "LT": (1, 1), "DE": (1, 1), "NL": (1, 0), "IT": (1, 0), "FR": (1, 0)
    }
    assert report.organisations_attending == 4
    assert report.organisations == []  # not asked for


def test_by_partner_region(seminar):
    report = queries.participation_report(seminar)
    regions = {region.country: region for region in report.by_partner_region}
    assert [region.country for region in report.by_partner_region] == [
        "FI", "NL", "IT", "HR", "RO", "LT", ""
    ]
    assert regions["NL"].partners == [
        "Municipality of Leeuwarden (Leeuwarden)", "Inqubator Foundation (Leeuwarden)"
    ]
    assert {code: (r.registered, r.attended) for code, r in regions.items()} == {
        "FI": (0, 0), "NL": (1, 0), "IT": (1, 0), "HR": (0, 0), "RO": (3, 3), "LT": (1, 1),
        "": (2, 1),  # Germany and France: outside the partnership
    }
    assert regions[""].label == "Outside the partnership"


def test_attending_organisations_only_when_asked(seminar):
    report = queries.participation_report(seminar, include_organisations=True)
    assert [(o.name, o.attended) for o in report.organisations] == [
        ("Municipality of Timișoara", 2), ("Berlin Creative GmbH", 1), ("Timiș SME", 1),
        ("Vytautas Magnus University", 1),
    ]


def test_project_overview(seminar, attendance):
    other = make_event(seminar.project, starts_at=seminar.starts_at + timedelta(days=30))
    a = register(other, organisation="Materahub", country="IT")
    register(other, organisation="MATERAHUB", country="IT")
    register(other, status="waiting", organisation="Paris Org", country="FR")
    attendance.mark(a)
    empty = make_event(seminar.project, starts_at=seminar.starts_at + timedelta(days=60))
    lines = queries.project_overview(seminar.project)
    assert [line.event for line in lines] == [seminar, other, empty]
    assert [(line.registered, line.confirmed, line.attended, line.organisations,
             line.organisations_attending) for line in lines] == [
        # seminar: 8 registered; organisations among them: Municipality of Timișoara (twice),
        # Timiș SME, Vytautas Magnus, Berlin Creative, Inqubator, Materahub, Paris Org → 7.
        (8, 6, 5, 7, 4),
        (3, 2, 1, 2, 1),
        (0, 0, 0, 0, 0),
    ]


def test_queries_are_bounded(seminar, attendance, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        queries.event_dashboard(seminar, "en")
    with django_assert_max_num_queries(4):
        queries.participation_report(seminar, include_organisations=True)
    with django_assert_max_num_queries(2):
        queries.project_overview(seminar.project)
    # Ten more registrations, sessions chosen, attendance taken: still the same numbers.
    for n in range(10):
        attendance.mark(register(seminar, organisation=f"Org {n}", country="HR"))
    with django_assert_max_num_queries(6):
        queries.event_dashboard(seminar, "en")
    with django_assert_max_num_queries(4):
        queries.participation_report(seminar, include_organisations=True)
    with django_assert_max_num_queries(2):
        queries.project_overview(seminar.project)


def test_rule_explains_the_count():
    rule = queries.rco81_rule()
    assert "RCO81" in rule and "attendance list" in rule and "once per event" in rule
