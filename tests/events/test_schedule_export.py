"""The frab schedule (XML and JSON, as pretalx writes them) for conference apps, read back."""

import json
import re
import uuid
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation

from aula.events.models import AgendaItem, Event
from tests.factories import (
    add_role,
    make_block,
    make_event,
    make_item,
    make_model_seminar,
    make_person,
    utc,
)

pytestmark = pytest.mark.django_db

DURATION = re.compile(r"^\d{1,2}:\d{2}$")
START = re.compile(r"^[0-2]\d:[0-5]\d$")
OFFSET = re.compile(r"[+-]\d{2}:\d{2}$")
# What the frab XSD (c3voc validator/xsd/schedule.xml.xsd) allows in an <event>, and requires.
EVENT_ALLOWED = {"room", "title", "subtitle", "type", "date", "start", "duration", "abstract",
                 "slug", "track", "logo", "persons", "language", "description", "recording",
                 "links", "attachments", "video_download_url", "url"}
EVENT_REQUIRED = {"room", "title", "subtitle", "type", "date", "start", "duration", "abstract",
                  "slug", "track"}
CONFERENCE_ALLOWED = {"title", "acronym", "start", "end", "days", "timeslot_duration",
                      "base_url", "time_zone_name"}


def url(name, event, language="en"):
    with translation.override(language):
        return reverse(f"events:{name}",
                       kwargs={"project": event.project.slug, "event": event.slug})


@pytest.fixture
def seminar():
    return make_model_seminar()


def xml_of(client, event, language="en"):
    response = client.get(url("schedule_xml", event, language))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def json_of(client, event, language="en"):
    response = client.get(url("schedule_json", event, language))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def test_xml_has_the_frab_structure(client, seminar):
    root = xml_of(client, seminar)
    assert root.tag == "schedule"
    assert [child.tag for child in root][:3] == ["generator", "version", "conference"]
    assert {child.tag for child in root[3:]} == {"day"}
    conference = root.find("conference")
    assert {child.tag for child in conference} <= CONFERENCE_ALLOWED
    assert conference.findtext("acronym") == "resilience-2021-06-10"
    assert conference.findtext("start") == conference.findtext("end") == "2021-06-10"
    assert conference.findtext("days") == "1"
    assert conference.findtext("time_zone_name") == "Europe/Vilnius"
    (day,) = root.findall("day")
    assert day.attrib == {"index": "1", "date": "2021-06-10",
                          "start": "2021-06-10T10:00:00+03:00", "end": "2021-06-10T13:00:00+03:00"}
    events = root.findall("day/room/event")
    ids = [e.get("id") for e in events]
    guids = [e.get("guid") for e in events]
    slugs = [e.findtext("slug") for e in events]
    assert len(set(ids)) == len(set(guids)) == len(set(slugs)) == len(events)
    for element in events:
        tags = [child.tag for child in element]
        assert len(tags) == len(set(tags))
        assert EVENT_REQUIRED <= set(tags) <= EVENT_ALLOWED
        assert int(element.get("id")) > 0
        uuid.UUID(element.get("guid"))
        assert DURATION.match(element.findtext("duration"))
        assert START.match(element.findtext("start"))
        assert OFFSET.search(element.findtext("date"))
        for person in element.iter("person"):
            assert int(person.get("id")) > 0


def test_rooms_are_plenary_and_the_parallel_sessions(client, seminar):
    root = xml_of(client, seminar)
    rooms = [room.get("name") for room in root.findall("day/room")]
    assert rooms == ["Plenary", "Session 1: Good practices from Kaunas",
                     "Session 2: Good practices from the EU"]
    for room in root.findall("day/room"):
        for element in room.findall("event"):
            assert element.findtext("room") == room.get("name")


def test_items_become_entries_with_their_times_and_people(client, seminar):
    root = xml_of(client, seminar)
    entries = {e.findtext("title"): e for e in root.iter("event")}
    closing = entries["The OECD's perspective"]
    assert closing.findtext("date") == "2021-06-10T12:40:00+03:00"
    assert closing.findtext("start") == "12:40"
    assert closing.findtext("duration") == "00:20"
    assert [p.text for p in closing.iter("person")] == ["Ekaterina Travkina"]
    assert closing.find("links/link").get("href") == \
        "http://testserver/en/p/ecoc-sme/resilience-2021-06-10/"
    plans = entries["The local and regional action plans of the ECoC-SME partners"]
    assert plans.findtext("subtitle") == "The five project partners"
    # A block without items (the break) is an entry of its own.
    assert entries["Break"].findtext("duration") == "00:15"
    assert entries["Break"].findtext("type") == "Break"


def test_guid_is_stable_and_derived_from_the_event_and_item(client, seminar):
    item = AgendaItem.objects.get(title__en="The OECD's perspective")
    expected = str(uuid.uuid5(seminar.uid, f"item:{item.pk}"))
    first = {e.get("guid") for e in xml_of(client, seminar).iter("event")}
    again = {e.get("guid") for e in xml_of(client, seminar, "ro").iter("event")}
    assert expected in first
    assert first == again
    data = json_of(client, seminar)
    json_guids = {entry["guid"] for day in data["schedule"]["conference"]["days"]
                  for entries in day["rooms"].values() for entry in entries}
    assert json_guids == first


def test_json_has_the_frab_structure(client, seminar):
    data = json_of(client, seminar)
    assert data["$schema"] == "https://c3voc.de/schedule/schema.json"
    schedule = data["schedule"]
    assert {"version", "base_url", "conference"} <= set(schedule)
    conference = schedule["conference"]
    for key in ("acronym", "title", "start", "end", "daysCount", "timeslot_duration",
                "time_zone_name", "rooms", "days"):
        assert key in conference
    assert conference["start"] == "2021-06-10T10:00:00+03:00"
    assert [room["name"] for room in conference["rooms"]] == [
        "Plenary", "Session 1: Good practices from Kaunas",
        "Session 2: Good practices from the EU"]
    (day,) = conference["days"]
    assert day["index"] == 1 and day["date"] == "2021-06-10"
    for room, entries in day["rooms"].items():
        for entry in entries:
            assert entry["room"] == room
            for key in ("guid", "id", "date", "start", "duration", "room", "slug", "url",
                        "title", "subtitle", "track", "type", "language", "abstract",
                        "description", "persons", "links"):
                assert key in entry
            assert DURATION.match(entry["duration"])
            assert OFFSET.search(entry["date"])
            assert entry["url"] == "http://testserver/en/p/ecoc-sme/resilience-2021-06-10/"
    closing = [e for e in day["rooms"]["Plenary"] if e["title"] == "The OECD's perspective"]
    assert [p["name"] for p in closing[0]["persons"]] == ["Ekaterina Travkina"]
    assert closing[0]["persons"][0]["role"] == "Closing remarks"


def test_urls_and_texts_in_the_requests_language(client, seminar):
    data = json_of(client, seminar, "ro")
    conference = data["schedule"]["conference"]
    assert conference["title"].startswith("Reziliența regiunilor")
    assert conference["url"] == "http://testserver/ro/p/ecoc-sme/resilience-2021-06-10/"
    for element in xml_of(client, seminar, "ro").iter("event"):
        assert element.findtext("url").startswith("http://testserver/ro/")
        assert element.findtext("language") == "ro"


def test_several_days_are_split_by_local_date(client):
    event = make_event(starts_at=utc(2026, 3, 2, 7), ends_at=utc(2026, 3, 3, 15),
                       time_zone="Europe/Vilnius")
    first = make_block(event, starts_at=utc(2026, 3, 2, 7), ends_at=utc(2026, 3, 2, 9))
    second = make_block(event, starts_at=utc(2026, 3, 3, 7), ends_at=utc(2026, 3, 3, 9))
    make_item(first, title={"en": "Day one"})
    make_item(second, title={"en": "Day two"})
    root = xml_of(client, event)
    days = root.findall("day")
    assert [d.get("date") for d in days] == ["2026-03-02", "2026-03-03"]
    assert [e.findtext("title") for e in days[1].iter("event")] == ["Day two"]
    assert root.find("conference").findtext("days") == "2"


def test_drafts_have_no_schedule_and_cancelled_say_so(client):
    draft = make_event(status=Event.Status.DRAFT)
    assert client.get(url("schedule_xml", draft)).status_code == 404
    assert client.get(url("schedule_json", draft)).status_code == 404
    cancelled = make_event(status=Event.Status.CANCELLED)
    assert json_of(client, cancelled)["schedule"]["conference"]["title"].startswith("Cancelled")
    assert xml_of(client, cancelled).find("conference/title").text.startswith("Cancelled")


def test_schedule_queries_do_not_grow_with_the_agenda(client, settings, seminar,
                                                      django_assert_max_num_queries):
    settings.AULA_PAGE_CACHE = False
    with django_assert_max_num_queries(4):
        client.get(url("schedule_xml", seminar))
    block = make_block(seminar, starts_at=utc(2021, 6, 10, 9, 30),
                       ends_at=utc(2021, 6, 10, 10))
    for n in range(5):
        add_role(make_item(block, title={"en": f"More {n}"}), make_person())
    with django_assert_max_num_queries(4):
        xml_of(client, seminar)
    with django_assert_max_num_queries(4):
        json_of(client, seminar)


def test_event_page_links_the_schedule_in_its_language(client, seminar):
    with translation.override("ro"):
        page = reverse("events:event", kwargs={"project": "ecoc-sme", "event": seminar.slug})
    html = client.get(page).content.decode()
    assert f'href="{url("schedule_xml", seminar, "ro")}"' in html
    assert f'href="{url("schedule_json", seminar, "ro")}"' in html
