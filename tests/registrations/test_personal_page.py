"""The registrant's own page behind their personal link."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from aula.registrations import services
from aula.registrations.models import Registration
from tests.factories import MEETING_URL, make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_question, make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db


def link(registration, name="personal", language="en"):
    with translation.override(language):
        return reverse(f"registrations:{name}", kwargs={"token": registration.token})


@pytest.fixture
def registration(event):
    return services.register(event, person()).registration


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"


def test_personal_page_shows_the_registration(client, registration):
    response = client.get(link(registration))
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert "You are registered." in html
    assert "person1@example.org" in html and 'value="Popescu1"' in html
    assert f"/j/{registration.token}" in html  # their own join link…
    assert MEETING_URL not in html  # …never the meeting address
    assert "America/New_York" in html  # the event's times in their own zone too
    assert link(registration, "cancel") in html and link(registration, "erase") in html


def test_unknown_link_is_404(client, db):
    response = client.get(reverse("registrations:personal", kwargs={"token": "x" * 43}))
    assert response.status_code == 404
    assert b"Link not found" in response.content
    assert_private(response)


def test_edit_details_and_answers(client, registration):
    question = make_question(registration.event)
    data = {
        "first_name": "Ana-Maria", "family_name": "Popescu", "organisation": "Timișoara 2023",
        "organisation_type": "RegionalPublicAuthority", "country": "RO", "language": "ro",
        "job_title": "", f"q_{question.pk}": "vegetarian", "consent_newsletter": "on",
    }
    response = client.post(link(registration), data)
    assert response.status_code == 302 and response["Location"] == link(registration)
    registration.refresh_from_db()
    assert registration.first_name == "Ana-Maria"
    assert registration.organisation_type == "RegionalPublicAuthority"
    assert registration.language == "ro" and registration.job_title == ""
    assert registration.answers == {str(question.pk): "vegetarian"}
    assert registration.consent_newsletter and not registration.consent_recording
    assert registration.email == "person1@example.org"  # the address is not editable
    assert "Your details have been saved." in client.get(link(registration)).content.decode()


def test_edit_with_bad_input_stores_nothing(client, registration):
    response = client.post(link(registration), {
        "first_name": "<img src=x>", "family_name": "P", "organisation": "O",
        "organisation_type": "Sme", "country": "RO", "language": "en",
    })
    assert response.status_code == 400
    assert "Remove the characters &lt; and &gt;." in response.content.decode()
    registration.refresh_from_db()
    assert registration.first_name == "Ana" and registration.organisation_type != "Sme"


def test_switch_session_where_there_is_room(client, event):
    a, b, c = make_slot(event, 5, 1, 5)
    services.register(event, person(2, sessions=[b.pk]))
    registration = services.register(event, person(1, sessions=[a.pk])).registration
    page = client.get(link(registration)).content.decode()
    assert "Workshop B — full" in page
    form = client.get(link(registration)).context["sessions_form"]
    (slot_key,) = form.fields
    response = client.post(link(registration, "sessions"), {slot_key: str(c.pk)})
    assert response.status_code == 302
    assert registration.session_choices.get().block == c
    # A full session cannot be taken, even by a forged request.
    client.post(link(registration, "sessions"), {slot_key: str(b.pk)})
    assert registration.session_choices.get().block == c
    assert "That session has just filled up" in client.get(link(registration)).content.decode()


def test_cancel_needs_a_confirmation_step_and_promotes_the_next(client):
    event = make_event(options=NO_OPT_IN, capacity=1)
    registration = services.register(event, person(1)).registration
    waiting = services.register(event, person(2)).registration
    page = client.get(link(registration, "cancel"))
    assert page.status_code == 200 and b"Yes, cancel my registration" in page.content
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED  # opening the page changes nothing
    response = client.post(link(registration, "cancel"))
    assert response.status_code == 302
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Status.CANCELLED and waiting.status == Status.CONFIRMED
    html = client.get(link(registration)).content.decode()
    assert "This registration is cancelled." in html and "Register again" in html
    assert f"/j/{registration.token}" not in html


def test_calendar_download(client, registration):
    response = client.get(link(registration, "calendar"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.content.split(b"\r\n ")).decode()  # unfold long lines
    assert f"/j/{registration.token}" in body and MEETING_URL not in body
    assert_private(response)


def test_data_download(client, registration):
    response = client.get(link(registration, "data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["registration"]["email"] == "person1@example.org"
    assert data["registration"]["status"] == "confirmed"


def test_erase_needs_a_confirmation_step_and_ends_the_link(client, registration):
    page = client.get(link(registration, "erase"))
    assert page.status_code == 200 and b"Yes, erase my data" in page.content
    old_link = link(registration)
    response = client.post(link(registration, "erase"))
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:erased")
    registration.refresh_from_db()
    assert registration.anonymised_at and registration.first_name == ""
    assert client.get(old_link).status_code == 404
    assert client.get(response["Location"]).status_code == 200


def test_confirm_page_confirms_only_on_post(client):
    event = make_event(options={"double_opt_in": True})
    registration = services.register(event, person()).registration
    assert registration.status == Status.HELD
    assert "A place is held for you." in client.get(link(registration)).content.decode()
    page = client.get(link(registration, "confirm"))
    assert page.status_code == 200 and b"<button" in page.content
    registration.refresh_from_db()
    assert registration.status == Status.HELD  # mail scanners open links: GET changes nothing
    response = client.post(link(registration, "confirm"))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_no_cancel_after_the_event(client, registration):
    event = registration.event
    event.starts_at -= timedelta(days=20)
    event.ends_at -= timedelta(days=20)
    event.save()
    html = client.get(link(registration)).content.decode()
    assert link(registration, "cancel") not in html
    assert client.get(link(registration, "cancel")).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_page_in_another_language(client, registration):
    response = client.get(link(registration, language="ro"))
    assert response.status_code == 200
    assert "Seminar cultură și IMM" in response.content.decode()


def test_waiting_registrant_may_wish_for_a_full_session(client):
    event = make_event(capacity=1)
    a, b = make_slot(event, 5, 1)
    services.register(event, person(1, sessions=[b.pk]))
    waiting = services.register(event, person(2, sessions=[a.pk])).registration
    form = client.get(link(waiting)).context["sessions_form"]
    (slot_key,) = form.fields
    assert not form.fields[slot_key].widget.full
    client.post(link(waiting, "sessions"), {slot_key: str(b.pk)})
    assert waiting.session_choices.get().block == b
