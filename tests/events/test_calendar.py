"""The event's iCalendar file, read back with icalendar as a calendar program would."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from aula.events.calendar import PRODID, calendar_filename, event_calendar, event_uid
from aula.events.models import Event
from aula.projects.models import Partner
from tests.factories import make_event, make_project

pytestmark = pytest.mark.django_db

PAGE_URL = "https://aula.example/p/ecoc-sme/kaunas-seminar/"
MEETING_URL = "https://zoom.example/j/98765?pwd=SECRET"
PERSONAL_URL = "https://aula.example/join/personal-token/"


@pytest.fixture
def project():
    return make_project(
        name="ECoC-SME", code="PGI06047", slug="ecoc-sme", programme="Interreg Europe",
        website="https://ecoc-sme.example/", full_title={"en": "Capitals of Culture and SMEs"},
        description={},
    )


@pytest.fixture
def event(project):
    host = Partner.objects.create(
        project=project, organisation="Kaunas 2022", city="Kaunas", country="LT", role="lead"
    )
    return make_event(
        project, notice=False, capacity=None, host_partner=host, slug="kaunas-seminar",
        title={"en": "Culture and small business", "lt": "Kultūra ir smulkusis verslas"},
        summary={"en": "How capitals of culture work with SMEs."},
        location={"en": "online, from Kaunas", "lt": "internetu, iš Kauno"},
        format=Event.Format.ONLINE, time_zone="Europe/Vilnius",
        starts_at=datetime(2021, 6, 10, 7, 0, tzinfo=UTC),
        ends_at=datetime(2021, 6, 10, 9, 30, tzinfo=UTC),
        status=Event.Status.PUBLISHED, meeting_url=MEETING_URL,
        contact_name="Ona Petraitienė", contact_email="ona@kaunas.example",
    )


def read(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (vevent,) = calendar.walk("VEVENT")
    return calendar, vevent


def unfolded(ics: bytes) -> str:
    """The file's text with folded lines joined, so a split URL is found too."""
    return ics.decode().replace("\r\n ", "").replace("\r\n\t", "")


def test_calendar_header_and_filename(event):
    ics = event_calendar(event, "en", PAGE_URL)
    calendar, _vevent = read(ics)
    assert isinstance(ics, bytes)
    assert calendar["PRODID"] == PRODID == "-//Aula//Aula//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert b"\r\n" in ics
    assert calendar_filename(event) == "kaunas-seminar.ics"


def test_uid_is_stable_and_built_in_one_place(event):
    first = read(event_calendar(event, "en", PAGE_URL))[1]
    second = read(event_calendar(event, "lt", PAGE_URL, method="CANCEL"))[1]
    assert first["UID"] == second["UID"] == event_uid(event) == f"{event.uid}@aula"


def test_sequence_follows_the_event(event):
    assert read(event_calendar(event, "en", PAGE_URL))[1].decoded("SEQUENCE") == 0
    event.sequence = 3
    event.save()
    event.refresh_from_db()
    assert read(event_calendar(event, "en", PAGE_URL))[1].decoded("SEQUENCE") == 3


def test_dtstamp_is_now_in_utc(event):
    before = timezone.now().replace(microsecond=0)
    stamp = read(event_calendar(event, "en", PAGE_URL))[1].decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= timezone.now()


def test_times_are_local_with_their_zone_and_its_vtimezone(event):
    ics = event_calendar(event, "en", PAGE_URL)
    calendar, vevent = read(ics)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == event.time_zone == "Europe/Vilnius"
    assert calendar.get_missing_tzids() == set()
    assert vevent["DTSTART"].params["TZID"] == "Europe/Vilnius"
    assert vevent["DTEND"].params["TZID"] == "Europe/Vilnius"
    assert "DTSTART;TZID=Europe/Vilnius:20210610T100000" in unfolded(ics)
    assert "DTEND;TZID=Europe/Vilnius:20210610T123000" in unfolded(ics)
    start = vevent.decoded("DTSTART")
    assert start == datetime(2021, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/Vilnius"))
    assert start == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at


@pytest.mark.parametrize(
    ("zone", "utc", "local"),
    [
        ("Europe/Vilnius", datetime(2022, 1, 20, 7, 0, tzinfo=UTC), "20220120T090000"),
        ("Europe/Lisbon", datetime(2022, 7, 1, 7, 0, tzinfo=UTC), "20220701T080000"),
        ("Asia/Kolkata", datetime(2022, 7, 1, 7, 0, tzinfo=UTC), "20220701T123000"),
        ("America/New_York", datetime(2022, 3, 14, 14, 0, tzinfo=UTC), "20220314T100000"),
    ],
)
def test_other_zones_and_seasons(event, zone, utc, local):
    event.time_zone = zone
    event.starts_at, event.ends_at = utc, utc + timedelta(hours=2)
    event.save()
    event = Event.objects.get(pk=event.pk)
    ics = event_calendar(event, "en", PAGE_URL)
    calendar, vevent = read(ics)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [zone]
    assert f"DTSTART;TZID={zone}:{local}" in unfolded(ics)
    assert vevent.decoded("DTSTART") == utc


def test_summary_in_the_language_asked_for(event):
    assert read(event_calendar(event, "lt", PAGE_URL))[1]["SUMMARY"] == (
        "Kultūra ir smulkusis verslas"
    )
    assert read(event_calendar(event, "en", PAGE_URL))[1]["SUMMARY"] == (
        "Culture and small business"
    )


def test_summary_falls_back_to_the_primary_language(event):
    event.primary_language = "lt"
    event.save()
    assert read(event_calendar(event, "ro", PAGE_URL))[1]["SUMMARY"] == (
        "Kultūra ir smulkusis verslas"
    )
    event.title = {"lt": "Tik lietuviškai"}
    event.save()
    assert read(event_calendar(event, "en", PAGE_URL))[1]["SUMMARY"] == "Tik lietuviškai"


def test_description_location_and_url(event):
    _calendar, vevent = read(event_calendar(event, "lt", PAGE_URL))
    description = str(vevent["DESCRIPTION"])
    assert "How capitals of culture work with SMEs." in description
    assert PAGE_URL in description
    assert "<" not in description
    assert vevent["LOCATION"] == "internetu, iš Kauno"
    assert vevent["URL"] == PAGE_URL


def test_no_location_when_the_organiser_gave_none(event):
    event.location = {}
    event.save()
    assert "LOCATION" not in read(event_calendar(event, "en", PAGE_URL))[1]


def test_status(event):
    assert read(event_calendar(event, "en", PAGE_URL))[1]["STATUS"] == "CONFIRMED"
    event.status = Event.Status.CANCELLED
    event.save()
    _calendar, vevent = read(event_calendar(event, "en", PAGE_URL))
    assert vevent["STATUS"] == "CANCELLED"
    assert "cancelled" in str(vevent["DESCRIPTION"]).lower()


def test_method_cancel(event):
    event.status = Event.Status.CANCELLED
    event.save()
    calendar, vevent = read(event_calendar(event, "en", PAGE_URL, method="CANCEL"))
    assert calendar["METHOD"] == "CANCEL"
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["UID"] == event_uid(event)


def test_unknown_method_is_refused(event):
    with pytest.raises(ValueError, match="METHOD"):
        event_calendar(event, "en", PAGE_URL, method="PUBLISH\r\nX-EVIL:1")


def test_organizer_is_the_contact(event):
    event.contact_name = 'Ona "Oni" Petraitienė, PhD; Kaunas:2022'
    event.save()
    ics = event_calendar(event, "en", PAGE_URL)
    organizer = read(ics)[1]["ORGANIZER"]
    assert organizer == "mailto:ona@kaunas.example"
    assert organizer.params["CN"] == 'Ona "Oni" Petraitienė, PhD; Kaunas:2022'


def test_no_organizer_without_an_email(event):
    event.contact_email = ""
    event.save()
    assert "ORGANIZER" not in read(event_calendar(event, "en", PAGE_URL))[1]


def test_organizer_without_a_name(event):
    event.contact_name = ""
    event.save()
    organizer = read(event_calendar(event, "en", PAGE_URL))[1]["ORGANIZER"]
    assert organizer == "mailto:ona@kaunas.example"
    assert "CN" not in organizer.params


@pytest.mark.parametrize("event_format", list(Event.Format))
@pytest.mark.parametrize("language", ["en", "lt", "ro"])
def test_meeting_url_is_never_in_the_file(event, event_format, language):
    event.format = event_format
    event.save()
    for method in ("PUBLISH", "CANCEL"):
        text = unfolded(event_calendar(event, language, PAGE_URL, method=method))
        assert MEETING_URL not in text
        assert "zoom.example" not in text
        assert "SECRET" not in text


def test_personal_link_for_an_online_event(event):
    ics = event_calendar(event, "en", PAGE_URL, attendee_url=PERSONAL_URL)
    _calendar, vevent = read(ics)
    assert PERSONAL_URL in str(vevent["DESCRIPTION"])
    assert PAGE_URL in str(vevent["DESCRIPTION"])
    assert vevent["LOCATION"] == PERSONAL_URL
    assert vevent["URL"] == PAGE_URL
    assert "zoom.example" not in unfolded(ics)


def test_personal_link_for_a_hybrid_event_keeps_the_place(event):
    event.format = Event.Format.HYBRID
    event.location = {"en": "Kaunas Town Hall, Rotušės a. 15"}
    event.save()
    ics = event_calendar(event, "en", PAGE_URL, attendee_url=PERSONAL_URL)
    _calendar, vevent = read(ics)
    assert PERSONAL_URL in str(vevent["DESCRIPTION"])
    assert vevent["LOCATION"] == "Kaunas Town Hall, Rotušės a. 15"
    assert "zoom.example" not in unfolded(ics)


def test_personal_link_absent_unless_given(event):
    assert PERSONAL_URL not in unfolded(event_calendar(event, "en", PAGE_URL))


def test_awkward_text_survives_a_round_trip(event):
    title = 'Smart <b>cities</b> & "culture", part 1; 2\\3: \nnew line, 50% — Ąžuolas'
    summary = "First line,\nsecond; line\r\nthird: <script>alert(1)</script> \\ end"
    location = "Rotušės a. 15; Kaunas, LT-44280"
    event.title = {"en": title}
    event.summary = {"en": summary}
    event.location = {"en": location}
    event.format = Event.Format.IN_PERSON
    event.save()
    ics = event_calendar(event, "en", PAGE_URL)
    _calendar, vevent = read(ics)
    assert vevent["SUMMARY"] == title
    assert vevent["LOCATION"] == location
    # iCalendar has one line break; \r\n comes back as \n.
    assert str(vevent["DESCRIPTION"]).startswith(summary.replace("\r\n", "\n"))
    # Every content line stays a single line with no bare line breaks.
    for line in ics.split(b"\r\n"):
        assert b"\n" not in line and b"\r" not in line


def test_event_after_2038_still_has_its_zone(event):
    event.starts_at = datetime(2040, 11, 5, 9, 0, tzinfo=UTC)
    event.ends_at = datetime(2040, 11, 5, 11, 0, tzinfo=UTC)
    event.save()
    ics = event_calendar(event, "en", PAGE_URL)
    calendar, _vevent = read(ics)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Vilnius"]
    assert "DTSTART;TZID=Europe/Vilnius:20401105T110000" in unfolded(ics)


def test_utc_event_is_written_in_utc(event):
    event.time_zone = "UTC"
    event.save()
    event = Event.objects.get(pk=event.pk)
    ics = event_calendar(event, "en", PAGE_URL)
    calendar, vevent = read(ics)
    assert "DTSTART:20210610T070000Z" in unfolded(ics)
    assert calendar.get_missing_tzids() == set()
    assert vevent.decoded("DTSTART") == event.starts_at
