"""The site's middleware and the API: the fast lane never replays an API answer, no language
redirect, no session or CSRF cookie handed out."""

import pytest

from aula.core import fastlane
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def test_the_fast_lane_never_replays_api_answers(api_client, api_project, settings):
    settings.AULA_FASTLANE_SECONDS = 60
    fastlane.clear()
    assert api_client.get("/api/v1/projects").json()["count"] == 1
    make_project(slug="new-one")
    assert api_client.get("/api/v1/projects").json()["count"] == 2
    fastlane.clear()


def test_no_language_redirect_and_no_cookies(api_client, api_project):
    response = api_client.get("/api/v1/projects/ecoc-sme", HTTP_ACCEPT_LANGUAGE="ro")
    assert response.status_code == 200
    assert not response.cookies
    missing = api_client.get("/api/v1/projects/nope/events", HTTP_ACCEPT_LANGUAGE="ro")
    assert missing.status_code == 404 and "Location" not in missing
