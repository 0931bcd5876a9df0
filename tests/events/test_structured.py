"""The event's schema.org JSON-LD and its <script> element."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils.safestring import SafeString

from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person
from aula.events.structured import agenda_people, event_json_ld, json_ld_script
from aula.projects.models import Partner
from tests.factories import make_event, make_project

pytestmark = pytest.mark.django_db

PAGE_URL = "https://aula.example/p/ecoc-sme/kaunas-seminar/"
MEETING_URL = "https://zoom.example/j/98765?pwd=SECRET"
SCHEMA = "https://schema.org"
START = datetime(2021, 6, 10, 7, 0, tzinfo=UTC)
PROGRAMME_ORDER = ["Marco Rossi", "Ona Petraitienė", "Ana Horvat"]


@pytest.fixture
def project():
    return make_project(
        name="ECoC-SME", code="PGI06047", slug="ecoc-sme", programme="Interreg Europe",
        website="https://ecoc-sme.example/", full_title={"en": "Capitals of Culture and SMEs"},
        description={},
    )


@pytest.fixture
def host(project):
    return Partner.objects.create(
        project=project, organisation="Kaunas 2022", city="Kaunas", country="LT", role="lead"
    )


@pytest.fixture
def event(project, host):
    return make_event(
        project, notice=False, capacity=None, contact_name="", contact_email="",
        host_partner=host, slug="kaunas-seminar",
        title={"en": "Culture and small business", "lt": "Kultūra ir smulkusis verslas"},
        summary={"en": "How capitals of culture work with SMEs.", "lt": "Kaip kultūros sostinės"},
        location={"en": "Kaunas Town Hall", "lt": "Kauno rotušė"},
        format=Event.Format.ONLINE, time_zone="Europe/Vilnius",
        starts_at=START, ends_at=START + timedelta(hours=3),
        status=Event.Status.PUBLISHED, meeting_url=MEETING_URL,
    )


def add_item(event, title, minutes, people, kind=AgendaBlock.Kind.PLENARY, order=0):
    """A block starting ``minutes`` after the event with one item; ``people``: (person, role)."""
    block = AgendaBlock.objects.create(
        event=event, kind=kind, order=order,
        starts_at=event.starts_at + timedelta(minutes=minutes),
        ends_at=event.starts_at + timedelta(minutes=minutes + 30),
    )
    item = AgendaItem.objects.create(block=block, title={"en": title})
    for index, (person, role) in enumerate(people):
        ItemRole.objects.create(item=item, person=person, role=role, order=index)
    return item


@pytest.fixture
def people(event):
    ona = Person.objects.create(
        name="Ona Petraitienė", organisation="Kaunas 2022",
        job_title={"en": "Programme director", "lt": "Programos direktorė"},
    )
    marco = Person.objects.create(name="Marco Rossi", organisation="")
    ana = Person.objects.create(name="Ana Horvat", organisation="Rijeka 2020")
    # Created in a different order from the programme, which is Marco, Ona, Ana.
    add_item(event, "Closing", 120, [(ana, ItemRole.Role.CLOSING_REMARKS)])
    add_item(event, "Welcome", 0, [(marco, ItemRole.Role.MODERATOR), (ona, ItemRole.Role.SPEAKER)])
    add_item(event, "Panel", 60, [(ona, ItemRole.Role.PANELLIST), (marco, ItemRole.Role.SPEAKER)])
    return [marco, ona, ana]


def test_fields(event, people):
    data = event_json_ld(event, PAGE_URL, "en")
    assert data["@context"] == SCHEMA
    assert data["@type"] == "Event"
    assert data["name"] == "Culture and small business"
    assert data["description"] == "How capitals of culture work with SMEs."
    assert data["startDate"] == "2021-06-10T10:00:00+03:00"
    assert data["endDate"] == "2021-06-10T13:00:00+03:00"
    assert datetime.fromisoformat(data["startDate"]) == event.starts_at
    assert data["eventStatus"] == f"{SCHEMA}/EventScheduled"
    assert data["eventAttendanceMode"] == f"{SCHEMA}/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": PAGE_URL}
    assert data["organizer"] == {
        "@type": "Organization", "name": "Kaunas 2022", "url": "https://ecoc-sme.example/",
    }
    assert data["inLanguage"] == "en"
    assert data["url"] == PAGE_URL
    assert "offers" not in data
    json.dumps(data)  # plain JSON types only


def test_translated_and_fallback_texts(event):
    data = event_json_ld(event, PAGE_URL, "lt")
    assert data["name"] == "Kultūra ir smulkusis verslas"
    assert data["description"] == "Kaip kultūros sostinės"
    assert data["inLanguage"] == "lt"
    data = event_json_ld(event, PAGE_URL, "ro")
    assert data["name"] == "Culture and small business"
    assert data["inLanguage"] == "ro"


def test_no_description_without_a_summary(event):
    event.summary = {}
    event.save()
    assert "description" not in event_json_ld(event, PAGE_URL, "en")


def test_winter_offset(event):
    event.starts_at = datetime(2022, 1, 20, 7, 0, tzinfo=UTC)
    event.ends_at = datetime(2022, 1, 20, 9, 0, tzinfo=UTC)
    event.save()
    data = event_json_ld(event, PAGE_URL, "en")
    assert data["startDate"] == "2022-01-20T09:00:00+02:00"
    assert data["endDate"] == "2022-01-20T11:00:00+02:00"


def test_cancelled(event):
    event.status = Event.Status.CANCELLED
    event.save()
    assert event_json_ld(event, PAGE_URL, "en")["eventStatus"] == f"{SCHEMA}/EventCancelled"


VIRTUAL = {"@type": "VirtualLocation", "url": PAGE_URL}
PLACE_EN = {"@type": "Place", "name": "Kaunas Town Hall", "address": "Kaunas Town Hall"}


@pytest.mark.parametrize(
    ("event_format", "mode", "location"),
    [
        (Event.Format.ONLINE, "OnlineEventAttendanceMode", VIRTUAL),
        (Event.Format.IN_PERSON, "OfflineEventAttendanceMode", PLACE_EN),
        (Event.Format.HYBRID, "MixedEventAttendanceMode", [VIRTUAL, PLACE_EN]),
    ],
)
def test_attendance_mode_and_location_per_format(event, event_format, mode, location):
    event.format = event_format
    event.save()
    data = event_json_ld(event, PAGE_URL, "en")
    assert data["eventAttendanceMode"] == f"{SCHEMA}/{mode}"
    assert data["location"] == location


def test_place_in_the_language_asked_for(event):
    event.format = Event.Format.IN_PERSON
    event.save()
    assert event_json_ld(event, PAGE_URL, "lt")["location"]["name"] == "Kauno rotušė"


def test_place_without_a_location_text_uses_the_host_city(event):
    event.format = Event.Format.IN_PERSON
    event.location = {}
    event.save()
    assert event_json_ld(event, PAGE_URL, "en")["location"] == {
        "@type": "Place", "name": "Kaunas",
        "address": {"@type": "PostalAddress", "addressLocality": "Kaunas", "addressCountry": "LT"},
    }


@pytest.mark.parametrize("event_format", list(Event.Format))
def test_meeting_url_is_never_in_the_data(event, people, event_format):
    event.format = event_format
    event.save()
    for language in ("en", "lt", "ro"):
        text = json.dumps(event_json_ld(event, PAGE_URL, language))
        assert "zoom.example" not in text
        assert "SECRET" not in text


def test_organizer_without_a_host_is_the_project(event, project):
    event.host_partner = None
    event.save()
    assert event_json_ld(event, PAGE_URL, "en")["organizer"] == {
        "@type": "Organization", "name": "ECoC-SME", "url": "https://ecoc-sme.example/",
    }
    project.website = ""
    project.save()
    event = Event.objects.get(pk=event.pk)
    assert event_json_ld(event, PAGE_URL, "en")["organizer"] == {
        "@type": "Organization", "name": "ECoC-SME",
    }


def test_performers_in_programme_order_once_each(event, people):
    assert event_json_ld(event, PAGE_URL, "lt")["performer"] == [
        {"@type": "Person", "name": "Marco Rossi"},
        {
            "@type": "Person", "name": "Ona Petraitienė", "jobTitle": "Programos direktorė",
            "affiliation": {"@type": "Organization", "name": "Kaunas 2022"},
        },
        {
            "@type": "Person", "name": "Ana Horvat",
            "affiliation": {"@type": "Organization", "name": "Rijeka 2020"},
        },
    ]


def test_parallel_sessions_in_slot_order(event):
    left = Person.objects.create(name="Left")
    right = Person.objects.create(name="Right")
    add_item(event, "B", 0, [(right, ItemRole.Role.SPEAKER)], AgendaBlock.Kind.PARALLEL, order=2)
    add_item(event, "A", 0, [(left, ItemRole.Role.SPEAKER)], AgendaBlock.Kind.PARALLEL, order=1)
    assert agenda_people(event) == [left, right]


def test_only_named_people_and_not_other_events(event, project):
    unnamed = Person.objects.create(name="")
    named = Person.objects.create(name="Named")
    other = make_event(
        project, notice=False, slug="other", title={"en": "Other"},
        starts_at=START, ends_at=START + timedelta(hours=1),
    )
    elsewhere = Person.objects.create(name="Elsewhere")
    item = add_item(event, "Talk", 0, [(unnamed, ItemRole.Role.SPEAKER)])
    ItemRole.objects.create(item=item, person=named, role=ItemRole.Role.SPEAKER, order=1)
    item.presenters = {"en": "the five project partners"}
    item.save()
    add_item(other, "Talk", 0, [(elsewhere, ItemRole.Role.SPEAKER)])
    assert event_json_ld(event, PAGE_URL, "en")["performer"] == [
        {"@type": "Person", "name": "Named"}
    ]


def test_no_performer_without_people(event):
    assert "performer" not in event_json_ld(event, PAGE_URL, "en")


def test_people_fetched_in_one_query(event, people, django_assert_num_queries):
    event = Event.objects.select_related("project", "host_partner").get(pk=event.pk)
    with django_assert_num_queries(1):
        data = event_json_ld(event, PAGE_URL, "en")
    assert [p["name"] for p in data["performer"]] == PROGRAMME_ORDER


def test_people_passed_in_cost_no_query(event, people, django_assert_num_queries):
    event = Event.objects.select_related("project", "host_partner").get(pk=event.pk)
    loaded = agenda_people(event)
    with django_assert_num_queries(0):
        data = event_json_ld(event, PAGE_URL, "en", people=loaded)
    assert [p["name"] for p in data["performer"]] == PROGRAMME_ORDER
    with django_assert_num_queries(0):
        assert "performer" not in event_json_ld(event, PAGE_URL, "en", people=[])


def test_script_element(event, people):
    data = event_json_ld(event, PAGE_URL, "lt")
    script = json_ld_script(data)
    assert isinstance(script, SafeString)
    assert script.startswith('<script type="application/ld+json">')
    assert script.endswith("</script>")
    assert "Kultūra ir smulkusis verslas" in script  # not \u-escaped
    inner = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(inner) == data


def test_script_element_resists_injection(event):
    hostile = '</script><script>alert("x")</script><!-- & </SCRIPT > <b>'
    event.title = {"en": hostile}
    event.summary = {"en": "a <!-- b --> c & d </script"}
    event.save()
    data = event_json_ld(event, PAGE_URL, "en")
    script = json_ld_script(data)
    assert script.lower().count("</script") == 1
    assert script.endswith("</script>")
    inner = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert "\\u003c/script\\u003e" in inner
    assert json.loads(inner) == data
    assert json.loads(inner)["name"] == hostile
