"""The public routes: what the public pages show, never drafts, never registrants; bounded SQL."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from aula.events.models import AgendaBlock, Event
from tests.factories import (
    add_role,
    make_block,
    make_event,
    make_item,
    make_person,
    make_project,
    make_registration,
)

pytestmark = pytest.mark.django_db


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_projects_list_and_one(api_client, api_project):
    make_project(name="Zeta", slug="zeta")
    body = get(api_client, "/api/v1/projects")
    assert body["count"] == 2
    assert [p["slug"] for p in body["results"]] == ["ecoc-sme", "zeta"]
    one = get(api_client, "/api/v1/projects/ecoc-sme")
    assert one["code"] == "PGI06047"
    assert one["full_title"]["ro"].startswith("Acțiuni")
    assert [p["organisation"] for p in one["partners"]][:2] == [
        "University of Eastern Finland", "Municipality of Leeuwarden"]
    assert one["partners"][0]["role"] == "lead"
    assert one["url"] == "http://testserver/en/p/ecoc-sme/"
    assert one["events"] == "http://testserver/api/v1/projects/ecoc-sme/events"


def test_localized_texts_follow_lang_then_accept_language(api_client, api_project):
    assert get(api_client, "/api/v1/projects/ecoc-sme")["localized"]["language"] == "en"
    ro = get(api_client, "/api/v1/projects/ecoc-sme?lang=ro")["localized"]
    assert (ro["language"], ro["full_title"][:7]) == ("ro", "Acțiuni")
    by_header = get(api_client, "/api/v1/projects/ecoc-sme", HTTP_ACCEPT_LANGUAGE="ro")
    assert by_header["localized"]["language"] == "ro"
    # No Lithuanian text: the project's primary language, said so.
    assert get(api_client, "/api/v1/projects/ecoc-sme?lang=lt")["localized"]["language"] == "en"
    # An unknown language is ignored, not an error.
    assert get(api_client, "/api/v1/projects/ecoc-sme?lang=xx")["localized"]["language"] == "en"


def test_partners_list(api_client, api_project):
    body = get(api_client, "/api/v1/projects/ecoc-sme/partners?limit=3")
    assert body["count"] == 7
    assert len(body["results"]) == 3
    timisoara = get(api_client, "/api/v1/projects/ecoc-sme/partners?offset=5&limit=1")
    assert timisoara["results"][0]["ecoc_note"] == {"en": "originally 2021", "ro": "inițial 2021"}


def test_an_event_with_its_agenda_speakers_and_contact(api_client, api_event):
    make_registration(api_event, first_name="Registrant", email="registrant@example.org")
    for address in (f"/api/v1/projects/ecoc-sme/events/{api_event.slug}",
                    f"/api/v1/projects/ecoc-sme/events/{api_event.pk}"):
        body = get(api_client, address)
        assert body["id"] == api_event.pk
    assert body["time_zone"] == "Europe/Vilnius"
    assert body["starts_at"] in ("2021-06-10T07:00:00Z", "2021-06-10T07:00:00+00:00")
    assert datetime.fromisoformat(body["starts_at"]) == datetime(2021, 6, 10, 7, tzinfo=UTC)
    assert body["uid"] == str(api_event.uid)
    assert body["status"] == "published"
    agenda = body["agenda"]
    assert [slot["parallel"] for slot in agenda] == [False, False, True, False]
    parallel = agenda[2]
    assert [s["title"]["en"] for s in parallel["sessions"]] == [
        "Session 1: Good practices from Kaunas", "Session 2: Good practices from the EU"]
    closing = agenda[3]["sessions"][0]["items"][0]
    assert closing["people"][0]["role"] == "closing"
    assert closing["people"][0]["name"] == "Ekaterina Travkina"
    assert [person["name"] for person in body["speakers"]] == ["Ekaterina Travkina"]
    assert body["contact"]["email"] == "lavinia.simion@primariatm.ro"
    assert body["contact"]["organisation"]["city"] == "Timișoara"
    assert body["url"] == f"http://testserver/en/p/ecoc-sme/{api_event.slug}/"
    text = json.dumps(body)
    # The secret meeting link and registrants are never public.
    assert "secret-meeting" not in text
    assert "registrant@example.org" not in text and "Registrant" not in text


def test_drafts_are_never_shown(api_client, api_event):
    draft = make_event(api_event.project, slug="draft-one", status=Event.Status.DRAFT)
    listed = get(api_client, "/api/v1/projects/ecoc-sme/events")
    assert [event["slug"] for event in listed["results"]] == [api_event.slug]
    for address in ("/api/v1/projects/ecoc-sme/events/draft-one",
                    f"/api/v1/projects/ecoc-sme/events/{draft.pk}"):
        assert api_client.get(address).status_code == 404
    too_big = "99999999999999999999999"
    assert api_client.get(f"/api/v1/projects/ecoc-sme/events/{too_big}").status_code == 404
    assert api_client.get("/api/v1/projects/ecoc-sme/events/²").status_code == 422
    # Nor through another project's address.
    other = make_project(slug="other")
    assert api_client.get(f"/api/v1/projects/{other.slug}/events/{api_event.pk}").status_code \
        == 404


def test_a_cancelled_event_is_shown_cancelled_with_its_reason(api_client, api_event):
    Event.objects.filter(pk=api_event.pk).update(
        status=Event.Status.CANCELLED, cancellation_reason="The speaker fell ill.")
    body = get(api_client, f"/api/v1/projects/ecoc-sme/events/{api_event.slug}")
    assert body["cancelled"] is True
    assert body["cancellation_reason"] == "The speaker fell ill."


def test_upcoming_filter(api_client, api_event):
    make_event(api_event.project, slug="soon", days_ahead=5)
    upcoming = get(api_client, "/api/v1/projects/ecoc-sme/events?upcoming=true")
    assert [event["slug"] for event in upcoming["results"]] == ["soon"]
    past = get(api_client, "/api/v1/projects/ecoc-sme/events?upcoming=false")
    assert [event["slug"] for event in past["results"]] == [api_event.slug]
    assert get(api_client, "/api/v1/projects/ecoc-sme/events")["count"] == 2


def _grow_agenda(event, blocks: int):
    start = event.starts_at
    for n in range(blocks):
        block = make_block(event, kind=AgendaBlock.Kind.PARALLEL, order=n + 3,
                           starts_at=start + timedelta(minutes=90),
                           ends_at=start + timedelta(minutes=150), title={"en": f"Extra {n}"})
        item = make_item(block, title={"en": f"Talk {n}"})
        add_role(item, make_person(name=f"Speaker {n}"))


def test_an_event_costs_a_fixed_number_of_queries(api_client, api_event,
                                                   django_assert_max_num_queries):
    address = f"/api/v1/projects/ecoc-sme/events/{api_event.slug}"
    with django_assert_max_num_queries(5):
        get(api_client, address)
    _grow_agenda(api_event, 6)
    with django_assert_max_num_queries(5):
        assert len(get(api_client, address)["speakers"]) == 7


def test_lists_cost_a_fixed_number_of_queries(api_client, api_event,
                                               django_assert_max_num_queries):
    for n in range(12):
        make_event(api_event.project, slug=f"more-{n}", days_ahead=n + 1)
    make_project(slug="another")
    with django_assert_max_num_queries(3):
        assert get(api_client, "/api/v1/projects/ecoc-sme/events")["count"] == 13
    with django_assert_max_num_queries(2):
        assert get(api_client, "/api/v1/projects")["count"] == 2
    with django_assert_max_num_queries(3):
        assert get(api_client, "/api/v1/projects/ecoc-sme/partners")["count"] == 7
    with django_assert_max_num_queries(2):
        get(api_client, "/api/v1/projects/ecoc-sme")
