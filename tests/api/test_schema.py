"""The API against its own schema: schemathesis generates calls (valid and invalid) to every
operation, on the test database seeded with the model seminar; no call may end in a server error
and every response must conform to the schema (status, content type, headers, body).

Token routes get the header of ``schema_headers`` (a token with every scope of the seeded
project); public routes ignore it. Bounded by ``MAX_EXAMPLES`` per operation.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.api.conftest import ALL_SCOPES

# Bounded for make test; AULA_SCHEMATHESIS_EXAMPLES=300 fuzzes deeper by hand.
MAX_EXAMPLES = int(os.environ.get("AULA_SCHEMATHESIS_EXAMPLES") or 25)


@pytest.fixture
def schema_headers(api_token):
    """The Authorization header every generated call carries (extend for more routes here)."""
    _token, header = api_token(scopes=ALL_SCOPES)
    return header


# Loaded once, at collection, from the address the API serves it at (no database needed).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


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
