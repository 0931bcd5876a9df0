"""The API against its own schema: schemathesis generates calls (valid and invalid) to every
operation, on the test database seeded with the model seminar; no call may end in a server error
and every response must conform to the schema (status, content type, headers, body).

Token routes get the header of ``schema_headers`` (a token with every scope of the seeded
project); public routes ignore it. Bounded by ``MAX_EXAMPLES`` per operation. The project's
data through a token (registrations, attendance, feedback, report) is fuzzed by
``test_token_endpoints_conform`` on an event with registrants (``token_world``).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
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

from tests.api.conftest import ALL_SCOPES
from tests.factories import make_event, make_registration
from tests.registrations.factories import make_question, make_slot

# Bounded for make test; AULA_SCHEMATHESIS_EXAMPLES=300 fuzzes deeper by hand.
MAX_EXAMPLES = int(os.environ.get("AULA_SCHEMATHESIS_EXAMPLES") or 25)


@pytest.fixture
def schema_headers(api_token):
    """The Authorization header every generated call carries (extend for more routes here)."""
    _token, header = api_token(scopes=ALL_SCOPES)
    return header


# Loaded once, at collection, from the address the API serves it at (no database needed).
served = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# The project's data through a token (registrations, results) is fuzzed below, on an event of
# its own with registrants, by ``test_token_endpoints_conform``.
TOKEN_TAGS = "^(registrations|results)$"
schema = served.exclude(tag_regex=TOKEN_TAGS)


@pytest.fixture(autouse=True)
def _seeded(api_event, settings):
    """The model seminar in the test database; no rate limit (hundreds of calls from one
    address); and the connection kept open: calls go through the real WSGI handler, which
    closes it at the end of each request and would end the test's transaction (Django's test
    client disconnects the same signal)."""
    settings.AULA_API_RATE_LIMIT = ""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, schema_headers):
    case.call_and_validate(headers=schema_headers)


# --- The token endpoints of the project's data -------------------------------------------------

TOKEN_EXAMPLES = 20
# The generic checks but ``negative_data_rejection``: a generated call without its
# Authorization header gets one here (``schema_headers``), so it is no longer negative.
TOKEN_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                response_headers_conformance, response_schema_conformance]
token_schema = served.include(tag_regex=TOKEN_TAGS)


@pytest.fixture
def token_world(api_project):
    """An event of the token's project with a question, parallel sessions and registrants;
    generated ids are pointed at it half of the time, so that bodies and filters reach the
    services rather than stopping at a 404."""
    event = make_event(api_project, capacity=3, options={"double_opt_in": False})
    make_question(event, required=False)
    a, _b = make_slot(event, 1, None)
    registration = make_registration(event, sessions=[a])
    make_registration(event, status="waiting")
    return {"event_id": event.pk, "registration_id": registration.pk}


@token_schema.parametrize()
@settings(max_examples=TOKEN_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_token_endpoints_conform(case, schema_headers, token_world):
    if case.path_parameters:
        for name in ("event_id", "registration_id"):
            value = case.path_parameters.get(name)
            if isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = token_world[name]
    case.call_and_validate(headers=schema_headers, checks=TOKEN_CHECKS)
