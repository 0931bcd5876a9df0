"""Times for people: the zone's name, its abbreviation on that day and its offset on that day."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest

from aula.core.timefmt import format_moment, format_offset, format_range, format_zone_label


def at(zone, *args):
    return datetime(*args, tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "moment", "label"),
    [
        ("Europe/Vilnius", (2027, 3, 27, 12), "EET, UTC+02:00"),
        ("Europe/Vilnius", (2027, 3, 29, 12), "EEST, UTC+03:00"),
        ("Europe/Rome", (2027, 1, 15, 12), "CET, UTC+01:00"),
        ("Europe/London", (2027, 3, 27, 12), "GMT, UTC"),  # an offset of 0 is said "UTC"
        ("Europe/London", (2027, 3, 29, 12), "BST, UTC+01:00"),
        ("America/New_York", (2027, 3, 13, 12), "EST, UTC−05:00"),
        ("America/New_York", (2027, 3, 15, 12), "EDT, UTC−04:00"),
        ("Asia/Kolkata", (2027, 3, 29, 12), "IST, UTC+05:30"),
        ("Asia/Kathmandu", (2027, 3, 29, 12), "UTC+05:45"),  # abbreviation "+0545": left out
        ("Europe/Istanbul", (2027, 3, 29, 12), "UTC+03:00"),  # "+03": left out
        ("UTC", (2027, 3, 29, 12), "UTC"),
    ],
)
def test_zone_label(zone, moment, label):
    assert format_zone_label(at(zone, *moment)) == label


def test_an_offset_of_zero_is_utc():
    assert format_offset(at("Europe/London", 2027, 1, 15, 12)) == "UTC"


def test_range_and_moment_carry_name_abbreviation_and_offset():
    start = datetime(2021, 6, 10, 7, tzinfo=UTC)
    assert format_range(start, start + timedelta(hours=3), "Europe/Vilnius", "en") == (
        "Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)"
    )
    assert format_moment(start, "Asia/Kolkata", "en") == (
        "Thursday, 10 June 2021, 12:30 (Asia/Kolkata, IST, UTC+05:30)"
    )
    assert format_moment(start, "UTC", "en") == "Thursday, 10 June 2021, 07:00 (UTC)"


def test_a_range_across_the_autumn_change_shows_both():
    # Vilnius, night of 30–31 October 2027: 04:00 EEST → 03:00 EET.
    start = datetime(2027, 10, 30, 22, tzinfo=UTC)  # 01:00 EEST on Sunday 31 October
    text = format_range(start, start + timedelta(hours=4), "Europe/Vilnius", "en")
    assert text == (
        "Sunday, 31 October 2027, 01:00–04:00 (Europe/Vilnius, EEST, UTC+03:00/EET, UTC+02:00)"
    )


def test_in_another_language_only_the_words_change():
    start = datetime(2027, 3, 29, 7, tzinfo=UTC)
    text = format_range(start, start + timedelta(hours=3), "Europe/Vilnius", "ro")
    assert "10:00–13:00" in text and "EEST, UTC+03:00" in text and "2027" in text


@pytest.mark.parametrize(("language", "month"), [
    ("ro", "iunie"), ("it", "giugno"), ("lt", "birželio"), ("hr", "lipnja"), ("nl", "juni"),
])
def test_month_names_are_written_as_the_language_writes_them(language, month):
    start = datetime(2021, 6, 10, 7, 0, tzinfo=UTC)
    text = format_range(start, start + timedelta(hours=3), "Europe/Vilnius", language)
    assert month in text
    assert month.capitalize() not in text


@pytest.mark.parametrize(("language", "weekday"), [
    ("ro", "joi"), ("it", "giovedì"), ("lt", "ketvirtadienis"), ("hr", "četvrtak"),
    ("nl", "donderdag"),
])
def test_weekdays_are_lower_case_inside_a_sentence(language, weekday):
    start = datetime(2021, 6, 10, 7, 0, tzinfo=UTC)
    text = format_moment(start, "Europe/Vilnius", language)
    assert text.startswith(weekday)  # "se închide pe joi, 10 iunie 2021, 10:00 …"


@pytest.mark.django_db
def test_a_date_that_starts_a_line_is_capitalised_where_it_is_shown(client):
    from django.urls import reverse

    from tests.factories import make_event

    event = make_event(starts_at=datetime(2031, 6, 12, 7, 0, tzinfo=UTC), primary_language="ro")
    page = client.get(reverse("events:event", kwargs={"project": event.project.slug,
                                                      "event": event.slug}).replace("/en/", "/ro/"))
    html = page.content.decode()
    assert ">Joi, 12 iunie 2031" in html
    assert "Joi, 12 Iunie" not in html
