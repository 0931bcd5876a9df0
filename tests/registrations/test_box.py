"""The registration box on the public event page says whether and how one can register now."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from aula.registrations import services
from tests.factories import make_event
from tests.registrations.factories import person


def event_page(client, event, language="en"):
    with_language = f"/{language}" if language else ""
    url = reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})
    return client.get(url.replace("/en/", f"{with_language}/", 1)).content.decode()


def register_url(event):
    return reverse(
        "registrations:register", kwargs={"project": event.project.slug, "event": event.slug}
    )


def test_open_registration_links_to_the_form_and_counts_places(client, db):
    event = make_event(capacity=3)
    services.register(event, person(1))
    html = event_page(client, event)
    assert f'href="{register_url(event)}"' in html
    assert "Register now" in html
    assert "2 places left." in html
    assert "Registration closes on" in html


def test_a_full_event_offers_the_waiting_list(client, db):
    event = make_event(capacity=1)
    services.register(event, person(1))
    html = event_page(client, event)
    assert "Join the waiting list" in html
    assert "Register now" not in html


def test_a_full_event_without_waiting_list_says_full(client, db):
    event = make_event(capacity=1, options={"waiting_list": False})
    services.register(event, person(1))
    html = event_page(client, event)
    assert "The seminar is full." in html
    assert register_url(event) not in html


def test_registration_not_open_yet_says_when_it_opens(client, db):
    opens = timezone.now() + timedelta(days=2)
    event = make_event(registration_opens_at=opens)
    html = event_page(client, event)
    assert "Registration opens on" in html
    assert register_url(event) not in html


def test_without_a_privacy_notice_nobody_is_asked_to_register(client, db):
    event = make_event(notice=False)
    html = event_page(client, event)
    assert "Registration opens soon." in html
    assert register_url(event) not in html


def test_closed_registration(client, db):
    event = make_event(registration_closes_at=timezone.now() - timedelta(minutes=1),
                       registration_opens_at=timezone.now() - timedelta(days=1))
    assert "Registration is closed." in event_page(client, event)
