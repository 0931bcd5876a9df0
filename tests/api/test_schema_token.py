"""schemathesis fuzzes the token endpoints (registrations, results) with a token holding every
scope: no server error, and every answer (status, content type, headers, body) as the schema
says. Path ids point at an event and a registration of the token's project half of the time, so
bodies and filters reach the services rather than stopping at a 404.

Bounded (``MAX_EXAMPLES`` per operation) so the file stays well under 90 s on SQLite."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aula.api.api import api
from tests.api.conftest import ALL_SCOPES
from tests.factories import make_event, make_registration
from tests.registrations.factories import make_question, make_slot

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_the_connection(db):
    """As Django's test client does: the test's transaction must survive each request's end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(api_project, api_token, settings):
    """An event of the token's project with a question, sessions and registrants."""
    settings.AULA_API_RATE_LIMIT = ""
    event = make_event(api_project, capacity=3, options={"double_opt_in": False})
    make_question(event, required=False)
    a, _b = make_slot(event, 1, None)
    registration = make_registration(event, sessions=[a])
    make_registration(event, status="waiting")
    _token, header = api_token(ALL_SCOPES)
    return {"event_id": event.pk, "registration_id": registration.pk, "header": header}


def load_schema():
    """The schema as served, called through the WSGI application in the test's process."""
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded.include(tag_regex="^(registrations|results)$")


schema = load_schema()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_token_endpoints_conform(case, fuzz_world):
    if case.path_parameters:
        for name in ("event_id", "registration_id"):
            value = case.path_parameters.get(name)
            if isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = fuzz_world[name]
    case.call_and_validate(headers=fuzz_world["header"], checks=CHECKS)
