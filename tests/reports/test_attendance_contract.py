"""The reports read attendance through ``aula.attendance.queries.attendees`` (the contract with
the attendance app): here with the real function, not a stand-in."""

import pytest

from aula.reports import queries
from tests.factories import make_model_seminar, utc
from tests.reports.helpers import register

pytestmark = pytest.mark.django_db


def test_a_click_on_the_join_link_counts_as_a_participation():
    event = make_model_seminar()
    register(event, first_joined_at=utc(2021, 6, 10, 7, 2), join_count=1)
    register(event, country="LT")  # registered, never joined
    report = queries.participation_report(event)
    assert (report.funnel.registered, report.funnel.attended, report.participations) == (2, 1, 1)
    assert {row.key: row.attended for row in report.by_country} == {"RO": 1, "LT": 0}
