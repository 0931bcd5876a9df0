"""Registrations through the API under real concurrency: threads posting over HTTP to the live
server, each request on its own database connection (file-backed SQLite in WAL mode, or
PostgreSQL). Exactly the capacity is confirmed, as through the form
(tests/registrations/test_concurrency.py)."""

import json
import urllib.error
import urllib.request

import pytest

from aula.api import services as token_services
from aula.audit.models import AuditEntry
from aula.registrations.models import CapacityCounter, Registration, SessionChoice
from aula.registrations.queries import current_privacy_notice
from tests.api.conftest import ALL_SCOPES
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot
from tests.registrations.live import in_threads

Status = Registration.Status
pytestmark = pytest.mark.django_db(transaction=True)


def poster(live_server, event, secret):
    notice = current_privacy_notice(event).pk
    address = f"{live_server.url}/api/v1/events/{event.pk}/registrations"

    def post(n, sessions=()):
        data = {
            "email": f"rush{n}@example.org", "first_name": "Ana", "family_name": f"Pop{n}",
            "organisation": "Kaunas 2022", "organisation_type": "LocalPublicAuthority",
            "country": "LT", "privacy_accepted": True, "privacy_notice_id": notice,
            "sessions": list(sessions),
        }
        request = urllib.request.Request(
            address, data=json.dumps(data).encode(), method="POST",
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    return post


def test_40_api_registrations_for_10_places(live_server, settings):
    settings.AULA_API_RATE_LIMIT = ""
    event = make_event(options=NO_OPT_IN, capacity=10)
    token, secret = token_services.create_token(None, event.project, "CRM", ALL_SCOPES)
    post = poster(live_server, event, secret)
    answers = in_threads(post, range(40), max_workers=12)
    assert {status for status, _body in answers} == {201}
    results = [body["result"] for _status, body in answers]
    assert results.count("confirmed") == 10 and results.count("waiting") == 30
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 10
    assert Registration.objects.filter(event=event, status=Status.WAITING).count() == 30
    assert CapacityCounter.objects.get(event=event, block=None).taken == 10
    assert AuditEntry.objects.filter(
        action="registration.added", via=f"api-token:{token.pk}"
    ).count() == 40


def test_a_parallel_session_is_never_overbooked_through_the_api(live_server, settings):
    settings.AULA_API_RATE_LIMIT = ""
    event = make_event(options={**NO_OPT_IN, "waiting_list": False}, capacity=100)
    a, b = make_slot(event, 5, None)
    _token, secret = token_services.create_token(None, event.project, "CRM", ALL_SCOPES)
    post = poster(live_server, event, secret)
    answers = in_threads(lambda n: post(n, [a.pk]), range(30), max_workers=12)
    statuses = [status for status, _body in answers]
    assert statuses.count(201) == 5 and statuses.count(409) == 25
    assert all(body["type"].endswith("/session-full") for status, body in answers
               if status == 409)
    taken = SessionChoice.objects.filter(block=a, registration__status=Status.CONFIRMED)
    assert taken.count() == 5 == CapacityCounter.objects.get(block=a).taken
