"""Reading the sample reports of Zoom, Teams and Webex, and the variations real exports have."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from aula.attendance.parsers import (
    DateReader,
    ReportError,
    merged_seconds,
    name_candidates,
    name_key,
    parse_duration,
    parse_report,
)
from tests.attendance.helpers import FILES, sample

BERLIN = ZoneInfo("Europe/Berlin")

# Seconds present per person, identical in every sample: rejoins add up, Ștefan's three
# sessions are 17:35 + 27:28 + 35:48.
EXPECTED_SECONDS = {
    name_key(name): seconds for name, seconds in [
        ("Nora Lindqvist", 5583), ("Emil Novák", 5495), ("Jonas Weber", 2670),
        ("Žydrūnė Kazlauskienė", 5386), ("Ștefan Popescu", 4851), ("Ivana Horvat", 4115),
        ("Aoife Ní Bhriain", 4853), ("Mateo García", 3012), ("Kasia", 1800),
    ]
}


def _by_person(report):
    """Each person under the name key of the cast they are (whatever name they used)."""
    return {
        next(key for key in EXPECTED_SECONDS if key in person.names): person
        for person in report.people()
    }


@pytest.mark.parametrize(("layout", "source", "rows", "skipped"), [
    ("zoom-webinar", "zoom", 11, 1),
    ("zoom-meeting", "zoom", 11, 0),
    ("teams", "teams", 11, 0),
    ("teams-legacy", "teams", 11, 0),
    ("webex", "webex", 11, 0),
])
def test_every_sample_is_read_with_exact_durations(layout, source, rows, skipped):
    report = parse_report(sample(layout), BERLIN)
    assert (report.source, report.layout) == (source, layout)
    assert len(report.sessions) == rows
    assert len(report.skipped) == skipped
    people = _by_person(report)
    assert {k: p.seconds for k, p in people.items()} == EXPECTED_SECONDS
    stefan = people[name_key("Ștefan Popescu")]
    assert len(stefan.sessions) == 3
    # 18:02:40 and 19:30:58 in Berlin (summer time, UTC+2).
    assert stefan.first_join == datetime(2021, 6, 15, 16, 2, 40, tzinfo=UTC)
    assert stefan.last_leave == datetime(2021, 6, 15, 17, 30, 58, tzinfo=UTC)
    assert people["kasia"].email == ""


def test_zoom_webinar_skips_the_no_show_and_keeps_sections_as_roles():
    report = parse_report(sample("zoom-webinar"), BERLIN)
    assert report.skipped[0]["name"] == "Priya Raman"
    assert report.skipped[0]["reason"] == "absent"
    roles = {s.name: s.role for s in report.sessions}
    assert roles["Nora Lindqvist"] == "Host Details"
    assert roles["Kasia (iPad)"] == "Other Attended"


def test_emails_keep_their_case_in_the_row_but_group_lower_cased():
    people = {p.key: p for p in parse_report(sample("zoom-meeting"), BERLIN).people()}
    assert people["ivana.horvat@example.org"].email == "IVANA.HORVAT@EXAMPLE.ORG"
    assert len(people) == 9


def test_zoom_renamed_participant_is_known_by_the_original_name():
    people = {p.key: p for p in parse_report(sample("zoom-meeting"), BERLIN).people()}
    assert "garcia mateo" in people["mateo.garcia@example.org"].names


def test_teams_uses_the_activities_not_the_participants_summary():
    report = parse_report(sample("teams"), BERLIN)
    assert all(s.exact for s in report.sessions)
    assert len(report.sessions) == 11


def test_teams_participants_table_alone_gives_first_join_last_leave_and_total():
    text = (
        "1. Summary\r\nMeeting title\tX\r\n\r\n2. Participants\r\n"
        "NAME\tFIRST JOIN\tLAST LEAVE\tIN-MEETING DURATION\tEMAIL\tROLE\r\n"
        "Ana Pop\t15/06/2021, 17:58:02\t15/06/2021, 19:31:05\t1h 20m 51s\tana@example.org"
        "\tAttendee\r\n"
    )
    report = parse_report(b"\xff\xfe" + text.encode("utf-16-le"), BERLIN)
    (person,) = report.people()
    assert person.seconds == 4851 and person.intervals == []
    assert person.first_join == datetime(2021, 6, 15, 15, 58, 2, tzinfo=UTC)
    assert report.date_order == "dmy"


def test_utf8_without_bom_semicolons_and_day_first_dates():
    text = (
        "Name (original name);Email;Join time;Leave time;Duration (minutes)\n"
        "Ana Pop;ana@example.org;15.06.2021 17:58;15.06.2021 18:58;60\n"
    )
    report = parse_report(text.encode(), BERLIN)
    (person,) = report.people()
    assert person.seconds == 3600
    assert person.first_join == datetime(2021, 6, 15, 15, 58, tzinfo=UTC)


def test_utf16_without_bom_is_recognised():
    text = "Full Name\tUser Action\tTimestamp\r\nAna Pop\tJoined\t6/15/2021, 5:58:02 PM\r\n" \
           "Ana Pop\tLeft\t6/15/2021, 6:08:02 PM\r\n"
    report = parse_report(text.encode("utf-16-le"), BERLIN)
    assert report.people()[0].seconds == 600


def test_a_row_without_data_is_left_out_visibly_not_silently():
    text = ("Full Name\tUser Action\tTimestamp\r\n"
            "Ana Pop\t\t\r\n"
            "Ion Ene\tJoined\t6/15/2021, 5:30:00 PM\r\n"
            "Ion Ene\tLeft\t6/15/2021, 6:00:00 PM\r\n")
    report = parse_report(text.encode("utf-16"), BERLIN)
    assert [p.name for p in report.people()] == ["Ion Ene"]
    assert report.skipped == [{"line": 2, "name": "Ana Pop", "email": "", "reason": "no_time"}]


def test_legacy_join_without_leave_lasts_to_the_end_of_the_log():
    text = ("Full Name\tUser Action\tTimestamp\r\n"
            "Ana Pop\tJoined before\t6/15/2021, 5:00:00 PM\r\n"
            "Ion Ene\tJoined\t6/15/2021, 5:30:00 PM\r\n"
            "Ion Ene\tLeft\t6/15/2021, 6:00:00 PM\r\n")
    people = {p.name: p for p in parse_report(text.encode("utf-16"), BERLIN).people()}
    assert people["Ana Pop"].seconds == 3600
    assert people["Ion Ene"].seconds == 1800


def test_overlapping_sessions_count_once():
    text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Ana,ana@example.org,06/15/2021 05:00:00 PM,06/15/2021 06:00:00 PM,60\n"
        "Ana (phone),ana@example.org,06/15/2021 05:30:00 PM,06/15/2021 06:30:00 PM,60\n"
        "Ana,ana@example.org,06/15/2021 07:00:00 PM,06/15/2021 07:10:00 PM,10\n"
    )
    (person,) = parse_report(text.encode(), BERLIN).people()
    assert person.seconds == 90 * 60 + 10 * 60
    assert len(person.sessions) == 3


def test_merged_seconds():
    iso = "2021-06-15T10:{:02d}:00+00:00".format
    assert merged_seconds([]) == 0
    assert merged_seconds([(iso(0), iso(30)), (iso(10), iso(20)), (iso(40), iso(50))]) == 2400
    assert merged_seconds([(iso(0), iso(30)), (iso(30), iso(45))]) == 2700


@pytest.mark.parametrize(("text", "seconds"), [
    ("94", 94 * 60), ("94 mins", 94 * 60), ("1h 13m 42s", 4422), ("30m", 1800),
    ("44m 30s", 2670), ("1:13:42", 4422), ("1 Std. 2 Min.", 3720), ("--", None), ("", None),
    ("2,5", 150),
])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_unreadable_duration_is_an_error():
    with pytest.raises(ValueError):
        parse_duration("about an hour")


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("06/15/2021 05:58:02 PM", "auto", datetime(2021, 6, 15, 17, 58, 2)),
    ("Jun 15, 2021 17:58:02", "auto", datetime(2021, 6, 15, 17, 58, 2)),
    ("Jun 15, 2021 6:20 PM", "auto", datetime(2021, 6, 15, 18, 20)),
    ("6/15/21, 5:58:02 PM", "auto", datetime(2021, 6, 15, 17, 58, 2)),
    ("2021-06-15 17:58:02", "auto", datetime(2021, 6, 15, 17, 58, 2)),
    ("15 juin 2021 17:58", "auto", datetime(2021, 6, 15, 17, 58)),
    ("05/06/2021 17:58", "mdy", datetime(2021, 5, 6, 17, 58)),
    ("05/06/2021 17:58", "dmy", datetime(2021, 6, 5, 17, 58)),
    ("6/15/2021, 12:05:00 AM", "auto", datetime(2021, 6, 15, 0, 5)),
])
def test_dates(text, order, expected):
    reader = DateReader([text], UTC, order)
    assert reader.read(text) == expected.replace(tzinfo=UTC)


def test_aware_times_keep_their_offset():
    reader = DateReader([], BERLIN)
    assert reader.read("2021-06-15T17:58:02Z") == datetime(2021, 6, 15, 17, 58, 2, tzinfo=UTC)


def test_mixed_date_orders_are_refused():
    with pytest.raises(ReportError):
        DateReader(["13/06/2021 10:00", "06/13/2021 10:00"], UTC)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"just some text\nwithout a table\n", "No table of participants"),
    (b"Name,Join Time,Colour\nAna,yesterday,red\n", "does not look like"),
    (b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
     b"Ana,ana@example.org,sometime,06/15/2021 06:00:00 PM,60\n", "Line 2"),
    (b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
     b"Ana,ana@example.org,06/15/2021 05:00:00 PM,06/15/2021 06:00:00 PM,a while\n", "Line 2"),
    (b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n",
     "no participant"),
    (b"PK\x03\x04\x14\x00\x06\x00", "save the report as CSV"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "could not be read"),
])
def test_bad_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ReportError, match=message):
        parse_report(data, BERLIN)


def test_an_unrecognised_layout_is_read_when_the_tool_is_named():
    text = ("Participant Name,Email,Join Time,Leave Time,Duration\n"
            "Ana Pop,ana@example.org,2021-06-15 17:00:00,2021-06-15 18:00:00,60\n")
    with pytest.raises(ReportError, match="choose the tool"):
        parse_report(text.encode(), BERLIN)
    report = parse_report(text.encode(), BERLIN, source="webex")
    assert (report.source, report.layout) == ("webex", "other")
    assert report.people()[0].seconds == 3600


def test_name_keys_ignore_case_diacritics_titles_and_order():
    assert name_key("Dr. Emil Novák") == name_key("novak, EMIL")
    assert name_key("Žydrūnė Kazlauskienė") == name_key("Zydrune Kazlauskiene")
    assert name_key("Łukasz Wałęsa") == name_key("Lukasz Walesa")
    assert name_key("Kasia (iPad) (Unverified)") == name_key("Kasia iPad")
    assert name_candidates("Mateo G (Mateo García)") == [
        "g garcia mateo mateo", "garcia mateo", "g mateo"]


def test_all_samples_are_there():
    assert len(FILES) == 5
