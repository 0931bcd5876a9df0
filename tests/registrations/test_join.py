"""The join link /j/<token>: confirmed registrants reach the meeting, at the right time only.
Opening the link records nothing (mail scanners open every link); the page's POST records."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from aula.registrations import services
from aula.registrations.models import Registration
from tests.factories import MEETING_URL, make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db


def join_link(registration):
    return reverse("join:join", kwargs={"token": registration.token})


@pytest.fixture
def registration(event):
    return services.register(event, person()).registration


def test_join_link_has_no_language_prefix(registration):
    assert join_link(registration) == f"/j/{registration.token}"


def test_open_from_30_minutes_before_the_start_records_and_redirects(client, registration):
    event = registration.event
    first = event.starts_at - timedelta(minutes=30)
    with time_machine.travel(first, tick=False):
        response = client.post(join_link(registration))
    assert response.status_code == 303
    assert response["Location"] == MEETING_URL
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    later = event.starts_at + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert client.post(join_link(registration))["Location"] == MEETING_URL
    registration.refresh_from_db()
    assert registration.join_count == 2
    assert registration.first_joined_at == first
    assert registration.last_joined_at == later


def test_before_the_window_a_countdown_in_both_zones(client, registration):
    event = registration.event
    with time_machine.travel(event.starts_at - timedelta(minutes=31), tick=False):
        response = client.get(join_link(registration))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The meeting opens soon" in html
    assert 'data-countdown="60"' in html
    assert "Europe/Vilnius" in html and "America/New_York" in html
    assert MEETING_URL not in html
    registration.refresh_from_db()
    assert registration.join_count == 0 and registration.first_joined_at is None


def test_the_window_follows_the_events_setting(client):
    event = make_event(options={"double_opt_in": False, "join_opens_minutes_before": 5})
    registration = services.register(event, person()).registration
    with time_machine.travel(event.starts_at - timedelta(minutes=10), tick=False):
        assert client.get(join_link(registration)).status_code == 200
    with time_machine.travel(event.starts_at - timedelta(minutes=5), tick=False):
        assert client.post(join_link(registration)).status_code == 303


def test_after_the_end_the_event_has_ended(client, registration):
    with time_machine.travel(registration.event.ends_at, tick=False):
        response = client.get(join_link(registration))
    assert response.status_code == 200
    assert "This event has ended" in response.content.decode()
    assert MEETING_URL not in response.content.decode()


def test_cancelled_and_unknown_links_are_404(client, registration):
    services.cancel(registration)
    with time_machine.travel(registration.event.starts_at, tick=False):
        response = client.post(join_link(registration))
        assert response.status_code == 404
        assert MEETING_URL not in response.content.decode()
        assert client.get("/j/" + "z" * 43).status_code == 404
    registration.refresh_from_db()
    assert registration.join_count == 0


def test_waiting_and_held_registrants_cannot_join(client):
    event = make_event(capacity=1)
    services.register(event, person(1))
    waiting = services.register(event, person(2)).registration
    assert waiting.status == Registration.Status.WAITING
    held_event = make_event(options={"double_opt_in": True})
    held = services.register(held_event, person(3)).registration
    for registration in (waiting, held):
        with time_machine.travel(registration.event.starts_at, tick=False):
            response = client.post(join_link(registration))
        assert response.status_code == 403
        assert MEETING_URL not in response.content.decode()


def test_shown_in_the_registrants_language(client):
    event = make_event()
    registration = services.register(event, person(language="ro")).registration
    with time_machine.travel(event.ends_at + timedelta(minutes=1), tick=False):
        response = client.get(join_link(registration))
    assert '<html lang="ro">' in response.content.decode()


def test_no_meeting_address_yet(client):
    event = make_event(options=NO_OPT_IN, meeting_url="")
    registration = services.register(event, person()).registration
    with time_machine.travel(event.starts_at, tick=False):
        response = client.post(join_link(registration))
    assert response.status_code == 200
    assert "not ready yet" in response.content.decode()
    registration.refresh_from_db()
    assert registration.join_count == 0


def test_meeting_url_never_on_public_pages(client, registration):
    event = registration.event
    register_url = reverse(
        "registrations:register", kwargs={"project": event.project.slug, "event": event.slug}
    )
    pages = [
        register_url, register_url + "thanks/?result=confirmed",
        reverse("registrations:personal", kwargs={"token": registration.token}),
    ]
    for page in pages:
        assert MEETING_URL not in client.get(page).content.decode(), page


def test_a_scanner_opening_the_link_records_nothing(client, registration):
    """GET and HEAD without cookies (what mail scanners and link previews do): a page with a
    button that posts back and a script that presses it; no join counted, no meeting address."""
    scanner = client.__class__(enforce_csrf_checks=True)
    with time_machine.travel(registration.event.starts_at, tick=False):
        for method in (scanner.get, scanner.head, scanner.get):
            response = method(join_link(registration))
            assert response.status_code == 200
            assert MEETING_URL not in response.content.decode()
            assert "Location" not in response
        page = scanner.get(join_link(registration)).content.decode()
    assert '<form method="post" data-autosubmit>' in page
    assert "registrations/registrations.js" in page and "<script>" not in page
    registration.refresh_from_db()
    assert registration.join_count == 0 and registration.first_joined_at is None


def test_the_post_records_once_and_needs_no_cookie(registration):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)  # the token is the secret, not a CSRF cookie
    with time_machine.travel(registration.event.starts_at, tick=False):
        assert browser.get(join_link(registration)).status_code == 200
        response = browser.post(join_link(registration))
    assert response.status_code == 303 and response["Location"] == MEETING_URL
    registration.refresh_from_db()
    assert registration.join_count == 1
    assert registration.first_joined_at == registration.event.starts_at


def test_a_post_outside_the_window_records_nothing(client, registration):
    event = registration.event
    for moment in (event.starts_at - timedelta(hours=2), event.ends_at):
        with time_machine.travel(moment, tick=False):
            response = client.post(join_link(registration))
        assert response.status_code == 200
        assert MEETING_URL not in response.content.decode()
    registration.refresh_from_db()
    assert registration.join_count == 0


def test_the_joins_feed_the_attendance_import(client, registration):
    """Attendance counts whoever used the join link: the POST's record is what it reads."""
    from aula.attendance import queries as attendance_queries

    event = registration.event
    with time_machine.travel(event.starts_at, tick=False):
        client.get(join_link(registration))
    assert registration.pk not in attendance_queries.attendees(event)
    with time_machine.travel(event.starts_at, tick=False):
        client.post(join_link(registration))
    assert attendance_queries.attendees(event) == {registration.pk: None}
