"""Calendar feeds per project and per hosting partner, read back with icalendar as a calendar
program subscribing to them would."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from aula.events.models import Event
from tests.factories import make_event, make_partner, make_project

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"events:{name}", kwargs=kwargs)


@pytest.fixture
def project():
    return make_project(slug="ecoc-sme", name="ECoC-SME")


@pytest.fixture
def events(project):
    host = make_partner(project, organisation="Kaunas 2022", local_names={"ro": "Kaunas RO"})
    other = make_partner(project, organisation="Timișoara")
    return {
        "published": make_event(project, slug="published", host_partner=host),
        "held": make_event(project, slug="held", days_ahead=-20, status=Event.Status.HELD,
                           host_partner=other),
        "closed": make_event(project, slug="closed", days_ahead=-40, status=Event.Status.CLOSED),
        "cancelled": make_event(project, slug="cancelled", status=Event.Status.CANCELLED,
                                host_partner=host, cancelled_at=timezone.now(), sequence=2),
        "draft": make_event(project, slug="draft", status=Event.Status.DRAFT, host_partner=host),
        "elsewhere": make_event(make_project(), slug="elsewhere"),
    }


def read(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def by_uid(calendar) -> dict:
    return {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}


def own_vevent(client, event, language="en"):
    kwargs = {"project": event.project.slug, "event": event.slug}
    response = client.get(url("calendar", language, **kwargs))
    (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
    return vevent


def without_stamp(vevent) -> list:
    """The VEVENT's lines but DTSTAMP (the moment of writing, different in every file)."""
    return [line for line in vevent.to_ical().decode().split("\r\n")
            if not line.startswith("DTSTAMP")]


def test_project_feed_lists_every_public_event_and_no_draft(client, project, events):
    calendar = read(client.get(url("project_feed", project="ecoc-sme")))
    uids = set(by_uid(calendar))
    expected = {f"{events[name].uid}@aula" for name in ("published", "held", "closed",
                                                        "cancelled")}
    assert uids == expected
    assert f"{events['draft'].uid}@aula" not in uids
    assert b"draft" not in response_paths(calendar)


def response_paths(calendar) -> bytes:
    return b" ".join(str(v["URL"]).encode() for v in calendar.walk("VEVENT"))


def test_each_vevent_is_exactly_the_events_own(client, project, events):
    calendar = read(client.get(url("project_feed", project="ecoc-sme")))
    for uid, vevent in by_uid(calendar).items():
        event = Event.objects.get(uid=uid.removesuffix("@aula"))
        own = own_vevent(client, event)
        assert without_stamp(vevent) == without_stamp(own)
        assert vevent["SEQUENCE"] == event.sequence


def test_cancelled_event_is_marked_cancelled_and_published(client, project, events):
    calendar = read(client.get(url("project_feed", project="ecoc-sme")))
    assert calendar["METHOD"] == "PUBLISH"
    vevents = by_uid(calendar)
    assert vevents[f"{events['cancelled'].uid}@aula"]["STATUS"] == "CANCELLED"
    assert vevents[f"{events['cancelled'].uid}@aula"]["SEQUENCE"] == 2
    assert vevents[f"{events['published'].uid}@aula"]["STATUS"] == "CONFIRMED"


def test_feed_has_a_name_in_the_requests_language_and_a_refresh_interval(client, project,
                                                                         events):
    english = read(client.get(url("project_feed", "en", project="ecoc-sme")))
    assert str(english["X-WR-CALNAME"]) == "ECoC-SME seminars"
    assert english["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert english["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    response = client.get(url("project_feed", "en", project="ecoc-sme"))
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in response.content
    romanian = read(client.get(url("project_feed", "ro", project="ecoc-sme")))
    for vevent in romanian.walk("VEVENT"):
        assert str(vevent["URL"]).startswith("http://testserver/ro/p/ecoc-sme/")
        assert str(vevent["SUMMARY"]) == "Seminar cultură și IMM"
    for vevent in english.walk("VEVENT"):
        assert str(vevent["URL"]).startswith("http://testserver/en/p/ecoc-sme/")


def test_times_carry_the_events_zone(client, project, events):
    calendar = read(client.get(url("project_feed", project="ecoc-sme")))
    vevent = by_uid(calendar)[f"{events['published'].uid}@aula"]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Vilnius"
    assert vevent["DTSTART"].dt == events["published"].starts_at
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Vilnius"]


def test_partner_feed_has_only_the_events_it_hosts(client, project, events):
    host = events["published"].host_partner
    calendar = read(client.get(url("partner_feed", "ro", project="ecoc-sme", partner=host.pk)))
    assert set(by_uid(calendar)) == {f"{events['published'].uid}@aula",
                                     f"{events['cancelled'].uid}@aula"}
    assert "Kaunas RO" in str(calendar["X-WR-CALNAME"])


def test_partner_of_another_project_or_unknown_is_404(client, project, events):
    stranger = make_partner(events["elsewhere"].project)
    assert client.get(url("partner_feed", project="ecoc-sme", partner=stranger.pk)).status_code \
        == 404
    assert client.get(url("partner_feed", project="ecoc-sme", partner=99999)).status_code == 404
    assert client.get(url("project_feed", project="no-such")).status_code == 404


def test_empty_feed_is_a_valid_calendar(client):
    make_project(slug="quiet")
    calendar = read(client.get(url("project_feed", project="quiet")))
    assert calendar.walk("VEVENT") == []


def test_feed_answers_if_none_match_with_304(client, project, events):
    first = client.get(url("project_feed", project="ecoc-sme"))
    again = client.get(url("project_feed", project="ecoc-sme"),
                       HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_feed_queries_do_not_grow_with_events(client, settings, project, events,
                                              django_assert_max_num_queries):
    settings.AULA_PAGE_CACHE = False
    host = events["published"].host_partner
    with django_assert_max_num_queries(2):
        client.get(url("project_feed", project="ecoc-sme"))
    for n in range(5):
        make_event(project, slug=f"more-{n}", host_partner=host)
    with django_assert_max_num_queries(2):
        read(client.get(url("project_feed", project="ecoc-sme")))
    with django_assert_max_num_queries(3):
        read(client.get(url("partner_feed", project="ecoc-sme", partner=host.pk)))


def test_project_page_links_the_feeds_with_instructions(client, project, events):
    host = events["published"].host_partner
    html = client.get(url("project", "ro", project="ecoc-sme")).content.decode()
    assert 'href="webcal://testserver/ro/p/ecoc-sme/calendar.ics"' in html
    assert 'href="http://testserver/ro/p/ecoc-sme/calendar.ics"' in html
    assert f'href="webcal://testserver/ro/p/ecoc-sme/partners/{host.pk}/calendar.ics"' in html
    assert "http://testserver/ro/p/ecoc-sme/events.json" in html
    # A partner that hosts no public event is offered no feed.
    idle = make_partner(project, organisation="Idle partner")
    make_event(project, slug="idle-draft", host_partner=idle, status=Event.Status.DRAFT)
    html = client.get(url("project", "ro", project="ecoc-sme")).content.decode()
    assert "Idle partner" in html
    assert f"/partners/{idle.pk}/calendar.ics" not in html
    assert f"/partners/{host.pk}/calendar.ics" in html
    for program in ("Outlook", "Google Calendar", "Thunderbird"):
        assert program in html
