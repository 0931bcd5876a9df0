"""Importing reports into an event: matching, merging, re-imports, marks, the contract."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aula.attendance import queries, services
from aula.attendance.models import AttendanceRecord, ImportBatch, Source
from aula.attendance.parsers import ReportError
from tests.attendance.helpers import register, register_cast, sample
from tests.factories import make_event

pytestmark = pytest.mark.django_db
Match = AttendanceRecord.Match


@pytest.fixture
def event():
    return make_event(time_zone="Europe/Berlin", starts_at=datetime(2021, 6, 15, 16, tzinfo=UTC))


def _import(event, layout, **options):
    return services.import_report(event, f"{layout}.csv", sample(layout), actor=None, **options)


def _matches(batch):
    return {r.name: (r.match, r.registration_id) for r in batch.records.all()}


@pytest.mark.parametrize("layout", ["zoom-webinar", "zoom-meeting", "teams", "webex"])
def test_samples_match_by_email_with_exact_minutes(event, layout):
    cast = register_cast(event)
    batch = _import(event, layout)
    assert (batch.rows_read, batch.people) == (11, 9)
    records = {r.person_key: r for r in batch.records.all()}
    assert records["ivana.horvat@example.org"].registration == cast["ivana"]
    assert records["ivana.horvat@example.org"].match == Match.EMAIL
    unmatched = [r.name for r in batch.records.filter(registration__isnull=True)]
    assert sorted(unmatched) == ["Kasia (iPad)", "Nora Lindqvist"]
    assert queries.attendees(event) == {
        cast["emil"].pk: 92, cast["stefan"].pk: 81, cast["zydrune"].pk: 90,
        cast["ivana"].pk: 69, cast["jonas"].pk: 45, cast["aoife"].pk: 81,
        cast["mateo"].pk: 50,
    }
    assert cast["priya"].pk not in queries.attendees(event)
    # One page of a list asks about its own rows only, with the same minutes.
    page = [cast["stefan"].pk, cast["priya"].pk, cast["ivana"].pk]
    assert queries.attendees(event, page) == {cast["stefan"].pk: 81, cast["ivana"].pk: 69}
    stefan = records["stefan.popescu@example.org"]
    assert (stefan.sessions, stefan.seconds, stefan.minutes) == (3, 4851, 81)
    assert stefan.first_join == datetime(2021, 6, 15, 16, 2, 40, tzinfo=UTC)


def test_legacy_teams_matches_by_name(event):
    cast = register_cast(event)
    batch = _import(event, "teams-legacy")
    matches = _matches(batch)
    assert matches["Ștefan Popescu"] == (Match.NAME, cast["stefan"].pk)
    assert matches["Dr. Emil Novák"] == (Match.NAME, cast["emil"].pk)
    assert matches["Žydrūnė Kazlauskienė"] == (Match.NAME, cast["zydrune"].pk)
    assert matches["Kasia (iPad)"] == (Match.NONE, None)
    assert queries.attendees(event)[cast["stefan"].pk] == 81


def test_name_match_handles_order_and_needs_a_single_registrant(event):
    popescu = register(event, "Popescu", "Ștefan", "other@example.org")  # given/family swapped
    batch = _import(event, "teams-legacy")
    assert _matches(batch)["Ștefan Popescu"] == (Match.NAME, popescu.pk)
    register(event, "Stefan", "Popescu", "second@example.org")  # now two answer to the name
    batch = _import(event, "teams-legacy")
    assert _matches(batch)["Ștefan Popescu"] == (Match.NONE, None)


def test_renamed_zoom_participant_matches_by_original_name(event):
    mateo = register(event, "Mateo", "García", "mateo.private@example.org")
    batch = _import(event, "zoom-meeting")
    assert _matches(batch)["Mateo G (Mateo García)"] == (Match.NAME, mateo.pk)


def test_email_matching_is_case_insensitive_and_trimmed(event):
    ivana = register(event, "I", "H", "  Ivana.Horvat@Example.org ")
    batch = _import(event, "webex")
    assert _matches(batch)["Ivana Horvat"] == (Match.EMAIL, ivana.pk)


def test_same_file_twice_does_not_double(event):
    cast = register_cast(event)
    first = _import(event, "zoom-meeting")
    before = queries.attendees(event)
    second = _import(event, "zoom-meeting")
    assert ImportBatch.objects.filter(event=event).count() == 1
    assert not ImportBatch.objects.filter(pk=first.pk).exists()
    assert AttendanceRecord.objects.filter(event=event).count() == 9
    assert second.sha256 == first.sha256
    assert queries.attendees(event) == before
    # Even when told to add rather than replace, the same file counts once.
    _import(event, "zoom-meeting", replace=False)
    assert AttendanceRecord.objects.filter(event=event).count() == 9
    assert queries.attendees(event)[cast["stefan"].pk] == 81


def test_reimport_replaces_only_the_same_tool(event):
    register_cast(event)
    _import(event, "zoom-meeting")
    _import(event, "webex")
    _import(event, "zoom-webinar")  # replaces the meeting report: both are Zoom
    assert sorted(ImportBatch.objects.values_list("source", flat=True)) == ["webex", "zoom"]
    assert AttendanceRecord.objects.filter(event=event).count() == 18


def test_two_tools_for_the_same_meeting_count_overlaps_once(event):
    cast = register_cast(event)
    _import(event, "zoom-meeting")
    _import(event, "teams")
    assert queries.attendees(event)[cast["stefan"].pk] == 81


def test_adding_a_second_day_adds_its_minutes(event):
    event.ends_at = datetime(2021, 6, 16, 19, tzinfo=UTC)  # a seminar of two days
    event.save()
    ana = register(event, "Ana", "Pop", "ana@example.org")
    day = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
           "Ana,ana@example.org,06/{d}/2021 05:00:00 PM,06/{d}/2021 06:00:00 PM,60\n")
    services.import_report(event, "day1.csv", day.format(d=15).encode(), actor=None)
    services.import_report(event, "day2.csv", day.format(d=16).encode(), actor=None,
                           replace=False)
    assert queries.attendees(event) == {ana.pk: 120}


def test_a_bad_file_imports_nothing_and_keeps_the_previous_import(event):
    register_cast(event)
    _import(event, "zoom-meeting")
    broken = sample("zoom-meeting").replace(b"06/15/2021 06:24:02 PM", b"06/15/2021 noon")
    with pytest.raises(ReportError, match="Line 14"):
        services.import_report(event, "broken.csv", broken, actor=None)
    assert ImportBatch.objects.filter(event=event).count() == 1
    assert AttendanceRecord.objects.filter(event=event).count() == 9


def test_hand_match_and_its_carry_over_on_reimport(event):
    kasia = register(event, "Katarzyna", "Nowak", "kasia@example.org")
    batch = _import(event, "zoom-meeting")
    row = batch.records.get(name="Kasia (iPad)")
    services.match_by_hand(row, services.registration_by_email(event, " KASIA@example.org"),
                            actor=None)
    assert queries.attendees(event) == {kasia.pk: 30}
    batch = _import(event, "zoom-meeting")
    assert _matches(batch)["Kasia (iPad)"] == (Match.HAND, kasia.pk)
    services.unmatch(batch.records.get(name="Kasia (iPad)"), actor=None)
    assert queries.attendees(event) == {}


def test_a_refused_name_match_stays_refused_on_reimport(event):
    cast = register_cast(event)
    batch = _import(event, "teams-legacy")
    services.unmatch(batch.records.get(name="Jonas Weber"), actor=None)
    batch = _import(event, "teams-legacy")
    assert _matches(batch)["Jonas Weber"] == (Match.NONE, None)
    assert _matches(batch)["Ivana Horvat"] == (Match.NAME, cast["ivana"].pk)
    # Matching by hand after all wins over the refusal.
    services.match_by_hand(batch.records.get(name="Jonas Weber"), cast["jonas"], actor=None)
    batch = _import(event, "teams-legacy")
    assert _matches(batch)["Jonas Weber"] == (Match.HAND, cast["jonas"].pk)


def test_hand_match_refuses_another_events_registrant(event):
    other = register(make_event(), "Kasia", "Nowak", "kasia@example.org")
    batch = _import(event, "zoom-meeting")
    with pytest.raises(ValidationError):
        services.registration_by_email(event, "kasia@example.org")
    with pytest.raises(ValidationError):
        services.match_by_hand(batch.records.first(), other, actor=None)


def test_manual_marks_and_join_link_clicks_are_present_without_minutes(event):
    cast = register_cast(event)
    cast["priya"].first_joined_at = datetime(2021, 6, 15, 16, tzinfo=UTC)
    cast["priya"].save()
    services.mark_present(event, cast["jonas"].pk, actor=None)
    services.mark_present(event, cast["jonas"].pk, actor=None)  # twice is once
    assert AttendanceRecord.objects.filter(source=Source.MANUAL).count() == 1
    assert queries.attendees(event) == {cast["priya"].pk: None, cast["jonas"].pk: None}
    _import(event, "webex")
    assert queries.attendees(event)[cast["jonas"].pk] == 45  # the report knows the minutes
    services.unmark_present(event, cast["jonas"].pk, actor=None)
    assert queries.attendees(event)[cast["jonas"].pk] == 45
    services.unmark_present(event, cast["priya"].pk, actor=None)  # a click is not a mark
    assert queries.attendees(event)[cast["priya"].pk] is None
    with pytest.raises(ValidationError):
        services.mark_present(event, register(make_event(), "A", "B", "a@example.org").pk,
                              actor=None)


def test_attendees_costs_two_queries_whatever_the_numbers(event):
    register_cast(event)
    _import(event, "zoom-meeting")
    _import(event, "teams")
    with CaptureQueriesContext(connection) as captured:
        result = queries.attendees(event)
    assert len(captured) == 2
    assert len(result) == 7


def test_overview_lists_everyone_with_sources(event):
    cast = register_cast(event)
    _import(event, "zoom-meeting")
    services.mark_present(event, cast["priya"].pk, actor=None)
    overview = queries.overview(event)
    rows = {row.registration.pk: row for row in overview["rows"]}
    assert overview["present"] == 8 and overview["registered"] == 8
    assert rows[cast["priya"].pk].source_labels == ["Marked by hand"]
    assert rows[cast["stefan"].pk].presence.minutes == 81
    assert rows[cast["stefan"].pk].source_labels == ["Zoom"]


def test_erasing_a_registration_erases_its_imported_name_and_email(event):
    from aula.registrations import services as registrations

    cast = register_cast(event)
    _import(event, "zoom-meeting")
    ivana = cast["ivana"]
    assert AttendanceRecord.objects.filter(registration=ivana).exclude(email="").exists()
    minutes = queries.attendees(event)[ivana.pk]

    registrations.erase(ivana)

    records = AttendanceRecord.objects.filter(registration=ivana)
    assert records.exists()
    assert all((r.name, r.email, r.details) == ("", "", {}) for r in records)
    assert queries.attendees(event)[ivana.pk] == minutes  # the counts stay right
