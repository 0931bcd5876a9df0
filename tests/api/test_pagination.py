"""One pagination for every list: limit (≤ 200) and offset, count, next and previous."""

import pytest

from aula.api.pagination import MAX_LIMIT
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_pages_link_to_each_other(api_client, api_event):
    for n in range(4):
        make_event(api_event.project, slug=f"later-{n}", days_ahead=n + 1)
    first = api_client.get("/api/v1/projects/ecoc-sme/events?limit=2").json()
    assert first["count"] == 5
    assert [e["slug"] for e in first["results"]] == [api_event.slug, "later-0"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/projects/ecoc-sme/events?limit=2&offset=2"
    second = api_client.get(first["next"]).json()
    assert [e["slug"] for e in second["results"]] == ["later-1", "later-2"]
    assert second["previous"] == \
        "http://testserver/api/v1/projects/ecoc-sme/events?limit=2&offset=0"
    last = api_client.get(second["next"]).json()
    assert [e["slug"] for e in last["results"]] == ["later-3"]
    assert last["next"] is None


def test_other_parameters_are_kept_in_the_links(api_client, api_event):
    for n in range(3):
        make_event(api_event.project, slug=f"later-{n}", days_ahead=n + 1)
    body = api_client.get("/api/v1/projects/ecoc-sme/events?upcoming=true&limit=1&lang=ro").json()
    assert "upcoming=true" in body["next"] and "lang=ro" in body["next"]


def test_the_largest_page(api_client, api_event):
    assert api_client.get(f"/api/v1/projects?limit={MAX_LIMIT}").status_code == 200
    assert api_client.get(f"/api/v1/projects?limit={MAX_LIMIT + 1}").status_code == 422
    assert api_client.get("/api/v1/projects?limit=0").status_code == 422
    assert api_client.get(f"/api/v1/projects?offset={10**30}").status_code == 422
    beyond = api_client.get("/api/v1/projects?offset=50").json()
    assert (beyond["count"], beyond["results"], beyond["next"]) == (1, [], None)


def test_the_schema_documents_the_page(api_client):
    schema = api_client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/projects/{slug}/events"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"limit", "offset"} <= names
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
