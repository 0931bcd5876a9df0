"""Places left in each parallel session: in the public page's registration box (rendered fresh
into the cached page), beside each session on the form (the cached blank form gets them spliced
in), and in the console's event hub; read from the sessions' counter rows, a fixed number of
queries however many sessions."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aula.console.models import Role
from aula.registrations import services
from aula.registrations.forms import places_mark
from tests.factories import make_event, organiser
from tests.registrations.factories import make_slot, person
from tests.registrations.test_form import url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    cache.clear()


def event_page(client, event):
    address = reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def form_page(client, event):
    response = client.get(url(event))
    assert response.status_code == 200
    return response.content.decode()


def test_the_box_gives_each_sessions_places_and_stays_fresh_in_the_cached_page(client):
    event = make_event(capacity=30)
    _large, workshop_b, _free = make_slot(event, 12, 1, None)
    html = event_page(client, event)
    assert "Workshop A: 12 places left" in html and "Workshop B: One place left" in html
    assert "Workshop C:" not in html  # no limit of its own: nothing to say
    services.register(event, person(1, sessions=[workshop_b.pk]))
    html = event_page(client, event)  # the page comes from the cache; the box does not
    # Its own waiting list (the event has one): the box says so.
    assert "Workshop B: full — waiting list" in html


def test_a_full_event_with_a_waiting_list_says_so_beside_a_full_session(client):
    event = make_event(capacity=1, options={"waiting_list": True})
    small, _large = make_slot(event, 1, 10)
    services.register(event, person(1, sessions=[small.pk]))
    html = event_page(client, event)
    assert "Workshop A: full — waiting list" in html
    assert "Workshop A — full — waiting list" in form_page(client, event)


def test_the_form_gives_each_sessions_places_and_the_cached_form_follows(client):
    event = make_event(capacity=30)
    large, small = make_slot(event, 12, 1)
    html = form_page(client, event)
    assert "Workshop A — 12 places left" in html and "Workshop B — One place left" in html
    services.register(event, person(1, sessions=[large.pk]))
    html = form_page(client, event)  # the blank form comes from the cache
    assert "Workshop A — 11 places left" in html
    services.register(event, person(2, sessions=[small.pk]))
    html = form_page(client, event)
    assert "Workshop B — full" in html
    assert places_mark(large.pk) not in html and places_mark(small.pk) not in html


def test_the_box_reads_the_places_in_queries_that_do_not_grow_with_the_sessions(client):
    few = make_event(capacity=30)
    make_slot(few, 5)
    many = make_event(capacity=30)
    for hour in range(4):
        make_slot(many, 5, 6, 7, offset_hours=hour)
    event_page(client, few)  # warm up: caches, translations
    counts = []
    for event in (few, many):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            event_page(client, event)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_console_hub_shows_each_sessions_places(client, django_assert_max_num_queries):
    event = make_event(capacity=30)
    large, small, _free = make_slot(event, 12, 1, None)
    services.register(event, person(1, sessions=[small.pk]))
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    address = reverse("console:event", kwargs={"event_id": event.pk})
    client.get(address)
    html = client.get(address).content.decode()
    assert "12 places left" in html and "full" in html and "no limit" in html
    for hour in range(1, 4):
        make_slot(event, 5, 6, offset_hours=hour)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for hour in range(4, 8):
        make_slot(event, 5, 6, offset_hours=hour)
    with CaptureQueriesContext(connection) as more:
        client.get(address)
    assert len(few) == len(more)


def test_the_organisers_add_form_says_full_not_waiting_list(client):
    event = make_event(capacity=30)
    _large, small = make_slot(event, 12, 1)
    services.register(event, person(1, sessions=[small.pk]))
    client.force_login(organiser("editor", event.project, Role.EDITOR))
    html = client.get(reverse("console:registrant_add", kwargs={"event_id": event.pk}))
    html = html.content.decode()
    assert "Workshop A — 12 places left" in html and "Workshop B — full" in html
    assert "waiting list" not in html.split("Workshop B")[1][:30]
