"""The API's rate limit: per token, per client address for anonymous calls; 429 with Retry-After."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from aula.api.ratelimit import parse_rate

pytestmark = pytest.mark.django_db


def test_anonymous_calls_are_limited_per_address(api_client, api_event, settings):
    settings.AULA_API_RATE_LIMIT = "3/1m"
    for _ in range(3):
        assert api_client.get("/api/v1/projects").status_code == 200
    response = api_client.get("/api/v1/projects")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["status"] == 429
    other = api_client.get("/api/v1/projects", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_token_calls_are_limited_per_token(api_client, api_token, settings):
    settings.AULA_API_RATE_LIMIT = "2/1h"
    _one, first = api_token()
    _two, second = api_token(name="Website")
    assert api_client.get("/api/v1/token", headers=first).status_code == 200
    assert api_client.get("/api/v1/token", headers=first).status_code == 200
    assert api_client.get("/api/v1/token", headers=first).status_code == 429
    # Another token from the same address has its own count.
    assert api_client.get("/api/v1/token", headers=second).status_code == 200


def test_an_empty_or_zero_limit_is_off(api_client, api_event, settings):
    settings.AULA_API_RATE_LIMIT = "0/1m"
    for _ in range(5):
        assert api_client.get("/api/v1/projects").status_code == 200


def test_a_malformed_limit_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="AULA_API_RATE_LIMIT"):
        parse_rate("lots")
    assert parse_rate("") is None
    assert parse_rate("600/10m").seconds == 600
