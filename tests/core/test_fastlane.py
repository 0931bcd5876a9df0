"""Public pages replayed from the process's memory before any middleware: only what any
anonymous visitor may get, for a few seconds, cleared at once by a content change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aula.core import fastlane
from aula.registrations import services
from tests.core.test_pagecache import url
from tests.factories import make_event
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lane(settings):
    settings.AULA_FASTLANE_SECONDS = 30
    fastlane.clear()
    yield
    fastlane.clear()


def get_counting(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, len(queries.captured_queries)


def test_a_replayed_page_costs_no_query_and_carries_every_header(client):
    event = make_event(capacity=5)
    first, _ = get_counting(client, url("event", event))
    replayed, queries = get_counting(client, url("event", event))
    assert queries == 0
    assert replayed.status_code == 200 and replayed.content == first.content
    for header in ("Content-Type", "Cache-Control", "Vary", "X-Frame-Options",
                   "Content-Language", "X-Content-Type-Options", "Referrer-Policy"):
        assert replayed[header] == first[header], header
    head = client.head(url("event", event))
    assert head.status_code == 200


def test_places_left_may_be_a_few_seconds_old_and_no_older(client, monkeypatch):
    event = make_event(capacity=5)
    now = [1000.0]
    monkeypatch.setattr(fastlane.time, "monotonic", lambda: now[0])
    assert b"5 places left." in client.get(url("event", event)).content
    services.register(event, person(1))
    now[0] += 29
    assert b"5 places left." in client.get(url("event", event)).content  # the kept page
    now[0] += 2  # the lane's 30 seconds are over
    assert b"4 places left." in client.get(url("event", event)).content


def test_a_content_change_clears_the_lane_at_once(client):
    event = make_event()
    client.get(url("event", event))
    event.title = {"en": "A new title"}
    event.save()
    assert b"A new title" in client.get(url("event", event)).content


def test_organisers_and_posts_never_use_the_lane(client, django_user_model):
    event = make_event()
    client.get(url("event", event))
    user = django_user_model.objects.create_user("org", password="x" * 12)
    client.force_login(user)
    _, queries = get_counting(client, url("event", event))
    assert queries > 0  # rendered for them, not replayed
    assert any(path == url("event", event) for _host, path in fastlane._entries)
    client.logout()


def test_only_marked_pages_are_kept(client):
    make_event()
    client.get("/en/console/login/")
    client.get("/no-such-page/")
    assert not fastlane._entries


def test_hosts_and_query_strings_are_kept_apart_and_the_lane_is_bounded(client, monkeypatch):
    event = make_event()
    monkeypatch.setattr(fastlane, "MAX_ENTRIES", 3)
    for n in range(5):
        client.get(url("event", event) + f"?n={n}")
    assert len(fastlane._entries) == 3
    client.get(url("event", event), HTTP_HOST="other.example")
    assert ("other.example", url("event", event)) in fastlane._entries


def test_switched_off_with_zero_seconds(client, settings):
    settings.AULA_FASTLANE_SECONDS = 0
    event = make_event()
    client.get(url("event", event))
    _, queries = get_counting(client, url("event", event))
    assert queries > 0
    assert not fastlane._entries


# --- the WSGI door (aula.wsgi): the same answers before Django builds a request ---------------

def wsgi_call(app, path, method="GET", **environ):
    from django.test.client import FakePayload, RequestFactory

    base = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD=method,
                                          **{"wsgi.input": FakePayload(b"")}, **environ)
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, list(headers)

    answer["body"] = b"".join(app(base, start_response))
    return answer


@pytest.fixture
def django_app():
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's test client does: the test's connection stays open across "requests".
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    calls = []
    handler = WSGIHandler()

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return handler(environ, start_response)

    app.calls = calls
    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_wsgi_door_answers_the_bytes_and_headers_django_answers(client, django_app):
    event = make_event(capacity=5)
    lane = fastlane.WSGIFastLane(django_app)
    made = wsgi_call(lane, url("event", event))  # rendered by Django, then kept
    replayed_by_django = wsgi_call(django_app, url("event", event))  # the middleware's replay
    assert len(django_app.calls) == 2
    replayed = wsgi_call(lane, url("event", event))
    assert len(django_app.calls) == 2  # Django never ran
    assert replayed == replayed_by_django
    assert replayed["status"] == made["status"] == "200 OK"
    assert replayed["body"] == made["body"]
    assert replayed["headers"] == made["headers"]


def test_the_wsgi_door_leaves_sessions_posts_and_a_switched_off_lane_to_django(
        client, django_app, settings):
    event = make_event()
    lane = fastlane.WSGIFastLane(django_app)
    wsgi_call(lane, url("event", event))
    wsgi_call(lane, url("event", event), HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc")
    wsgi_call(lane, url("event", event), method="POST")
    wsgi_call(lane, url("event", event) + "x/")
    assert len(django_app.calls) == 4
    settings.AULA_FASTLANE_SECONDS = 0
    wsgi_call(lane, url("event", event))
    assert len(django_app.calls) == 5


def test_the_wsgi_application_has_the_lane():
    from aula import wsgi

    assert isinstance(wsgi.application, fastlane.WSGIFastLane)
