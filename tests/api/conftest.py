"""Fixtures of the API's tests: a seeded project, tokens with chosen scopes, and a client.

    def test_something(api_client, api_token):
        token, header = api_token(scopes=("read",))
        response = api_client.get("/api/v1/…", headers=header)

``api_project`` is the model seminar's project (tests/factories.py ``make_model_seminar``: a
published event with agenda, partners and contact), ``api_event`` that event; ``api_token`` makes
a token of ``api_project`` (or of ``project=``) through ``api.services.create_token`` and returns
``(ApiToken, {"Authorization": "Bearer aula_…"})``.
"""

import pytest
from django.test import Client

from aula.api import services
from aula.api.models import PERSONAL, READ, WRITE
from tests.factories import make_model_seminar, organiser

ALL_SCOPES = (READ, WRITE, PERSONAL)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_event(db):
    return make_model_seminar()


@pytest.fixture
def api_project(api_event):
    return api_event.project


@pytest.fixture
def api_owner(api_project):
    return organiser(project=api_project, role="owner")


@pytest.fixture
def api_token(api_project, api_owner):
    def make(scopes=(READ,), *, project=None, name="CRM sync", expires_at=None):
        token, secret = services.create_token(
            api_owner if project is None else None, project or api_project, name, scopes,
            expires_at,
        )
        return token, bearer(secret)

    return make


@pytest.fixture
def api_client():
    return Client()
