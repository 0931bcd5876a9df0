"""Every error of the API is RFC 9457 problem details, documented in the schema."""

import json

import pytest
from django.http import Http404

from aula.api.api import api
from aula.api.errors import ApiProblem
from aula.api.routes import public
from aula.core.errors import ActionRefused

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("/api/v1/problems/")
    return body


def test_unknown_address_under_the_api(api_client):
    body = assert_problem(api_client.get("/api/v1/no-such-thing"), 404)
    assert body["instance"] == "/api/v1/no-such-thing"


def test_unknown_project_and_event(api_client, api_event):
    assert_problem(api_client.get("/api/v1/projects/nope"), 404)
    assert_problem(api_client.get(f"/api/v1/projects/{api_event.project.slug}/events/nope"), 404)


def test_method_not_allowed(api_client, api_event):
    response = api_client.post("/api/v1/projects")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_invalid_parameters_list_their_errors(api_client, api_event):
    body = assert_problem(api_client.get("/api/v1/projects?limit=500&offset=-1"), 422)
    fields = {(error["location"], error["field"]) for error in body["errors"]}
    assert fields == {("query", "limit"), ("query", "offset")}
    assert all(error["message"] for error in body["errors"])


def test_a_nul_byte_is_400_problem(api_client, api_event):
    assert_problem(api_client.get("/api/v1/projects?lang=%00"), 400)
    assert_problem(api_client.get("/api/v1/projects/ecoc%00sme"), 400)
    assert_problem(api_client.get("/api/v1/projects/ecoc-sme/events/x%00"), 400)


def _handled(rf, exc):
    request = rf.get("/api/v1/anything")
    return api.on_exception(request, exc)


def test_raised_problems_refusals_and_crashes(rf):
    body = assert_problem(_handled(rf, ApiProblem(409, "Already cancelled.")), 409)
    assert body["detail"] == "Already cancelled."
    body = assert_problem(_handled(rf, ActionRefused("The event is full.")), 409)
    assert body["detail"] == "The event is full."
    assert body["type"].endswith("/refused")
    assert_problem(_handled(rf, Http404()), 404)
    body = assert_problem(_handled(rf, RuntimeError("secret detail of the inside")), 500)
    assert "secret" not in body["detail"]


def test_the_schema_documents_problems_for_every_operation(api_client):
    schema = api_client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "Problem" in schema["components"]["schemas"]
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 5
    for operation in operations:
        for status in ("400", "404", "422", "429", "500"):
            content = operation["responses"][status]["content"]
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"}
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        if operation.get("security"):
            assert {"401", "403"} <= set(operation["responses"])


def test_no_swagger_page_from_a_cdn(api_client):
    assert api_client.get("/api/v1/docs").status_code == 404


def test_the_api_needs_no_csrf_token(api_event):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    # Refused for its method, not for a missing CSRF token (403).
    assert client.post("/api/v1/projects").status_code == 405
    assert public.router is not None


def test_anonymous_answers_allow_any_origin_token_answers_are_not_stored(api_client, api_token):
    _token, header = api_token()
    public = api_client.get("/api/v1/projects", HTTP_ORIGIN="https://partner.example")
    assert public["Access-Control-Allow-Origin"] == "*"
    private = api_client.get("/api/v1/token", headers=header)
    assert "Access-Control-Allow-Origin" not in private
    assert "no-store" in private["Cache-Control"]


def test_a_lost_database_is_503_problem_not_500(api_client, api_event, monkeypatch):
    from django.db import InterfaceError

    from aula.api import queries

    def lost(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(queries, "projects", lost)
    response = api_client.get("/api/v1/projects")
    assert_problem(response, 503)
    assert int(response["Retry-After"]) > 0
