"""The public JSON list of a project's events, for partners' websites (any origin may read it)."""

import json
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aula.events.models import Event
from tests.factories import make_event, make_partner, make_project

pytestmark = pytest.mark.django_db


def url(language="en", project="ecoc-sme"):
    with translation.override(language):
        return reverse("events:events_json", kwargs={"project": project})


@pytest.fixture
def events():
    project = make_project(slug="ecoc-sme", name="ECoC-SME")
    host = make_partner(project, organisation="Kaunas 2022", local_names={"ro": "Kaunas RO"},
                        website="https://kaunas.example/")
    return {
        "published": make_event(project, slug="published", host_partner=host,
                                summary={"en": "A **bold** summary."}),
        "held": make_event(project, slug="held", days_ahead=-20, status=Event.Status.HELD),
        "cancelled": make_event(project, slug="cancelled", status=Event.Status.CANCELLED,
                                cancelled_at=timezone.now()),
        "draft": make_event(project, slug="draft", status=Event.Status.DRAFT),
        "elsewhere": make_event(make_project(), slug="elsewhere"),
    }


def read(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_lists_public_events_and_never_drafts(client, events):
    data = read(client.get(url()))
    assert [e["slug"] for e in data["events"]] == ["held", "published", "cancelled"]
    assert "draft" not in json.dumps(data)
    assert "elsewhere" not in json.dumps(data)


def test_cors_for_any_origin_without_credentials(client, events):
    response = client.get(url(), HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("Access-Control-Allow-Credentials")
    assert client.post(url()).status_code == 405


def test_fields_of_an_event(client, events):
    data = read(client.get(url()))
    event = next(e for e in data["events"] if e["slug"] == "published")
    model = events["published"]
    assert event["uid"] == str(model.uid)
    assert event["title"] == {"en": "Culture & SMEs seminar", "ro": "Seminar cultură și IMM"}
    assert event["summary"] == {"en": "A bold summary."}
    start = datetime.fromisoformat(event["start"])
    assert start == model.starts_at and start.utcoffset() is not None
    assert datetime.fromisoformat(event["end"]) == model.ends_at
    assert event["time_zone"] == "Europe/Vilnius"
    assert event["format"] == "online"
    assert event["location"] == {"en": "Online"}
    assert event["status"] == "published" and event["cancelled"] is False
    assert event["host_partner"]["name"] == "Kaunas 2022"
    assert event["host_partner"]["website"] == "https://kaunas.example/"


def test_cancelled_is_marked(client, events):
    data = read(client.get(url()))
    cancelled = next(e for e in data["events"] if e["slug"] == "cancelled")
    assert cancelled["status"] == "cancelled" and cancelled["cancelled"] is True
    assert cancelled["urls"]["registration"] is None
    held = next(e for e in data["events"] if e["slug"] == "held")
    assert held["urls"]["registration"] is None


def test_every_url_in_the_requests_language_and_working(client, events):
    data = read(client.get(url("ro")))
    assert data["language"] == "ro"
    event = next(e for e in data["events"] if e["slug"] == "published")
    assert event["host_partner"]["name"] == "Kaunas RO"
    urls = [*event["urls"].values(), event["host_partner"]["calendar"], data["project"]["url"],
            data["project"]["calendar"]["https"]]
    assert data["project"]["calendar"]["webcal"].startswith("webcal://testserver/ro/")
    for address in urls:
        assert address.startswith("http://testserver/ro/p/ecoc-sme/"), address
        path = address.removeprefix("http://testserver")
        assert client.get(path).status_code == 200, path


def test_etag_and_cached_answer_keep_the_cors_header(client, events):
    first = client.get(url())
    second = client.get(url())  # from the page cache
    assert second["Access-Control-Allow-Origin"] == "*"
    assert second["ETag"] == first["ETag"]
    assert client.get(url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_content_change_shows_at_once(client, events):
    read(client.get(url()))
    event = events["published"]
    event.title = {"en": "Renamed"}
    event.save()
    data = read(client.get(url()))
    assert any(e["title"] == {"en": "Renamed"} for e in data["events"])


def test_unknown_project_is_404(client):
    assert client.get(url(project="no-such")).status_code == 404


def test_queries_do_not_grow_with_events(client, settings, events,
                                         django_assert_max_num_queries):
    settings.AULA_PAGE_CACHE = False
    project = events["published"].project
    host = events["published"].host_partner
    with django_assert_max_num_queries(2):
        client.get(url())
    for n in range(5):
        make_event(project, slug=f"more-{n}", host_partner=host)
    with django_assert_max_num_queries(2):
        assert len(read(client.get(url()))["events"]) == 8
