"""The blank registration form is rendered once per content version, language and state of
places; every visitor still gets their own CSRF token and start time, and any change shows."""

import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aula.registrations import services
from aula.registrations.forms import STARTED_SALT
from aula.registrations.models import Registration
from tests.factories import make_event
from tests.registrations.factories import make_question, make_slot, person
from tests.registrations.test_form import form_data, url

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    cache.clear()


def page(client, event, language="en"):
    response = client.get(url(event, language))
    assert response.status_code == 200
    return response.content.decode()


def test_every_visitor_gets_their_own_tokens_and_can_register():
    event = make_event(capacity=20)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html_one, html_two = page(first, event), page(second, event)
    assert CSRF.search(html_one)[1] != CSRF.search(html_two)[1]
    assert "aulacsrftokenmark" not in html_two and "aulastartedmark" not in html_two
    assert float(signing.loads(STARTED.search(html_two)[1], salt=STARTED_SALT)) > 0
    # The spliced token is the visitor's own: their POST passes Django's CSRF check.
    data = form_data(event, 1, started=STARTED.search(html_two)[1],
                     csrfmiddlewaretoken=CSRF.search(html_two)[1])
    response = second.post(url(event), data)
    assert response.status_code == 302
    assert Registration.objects.filter(event=event).count() == 1


def test_the_second_page_renders_no_form(client):
    event = make_event(capacity=20)
    page(client, event)
    with CaptureQueriesContext(connection) as queries:
        html = page(client, event)
    assert 'name="first_name"' in html
    # The event, its setup and the places: no more than the first time, and no query per field.
    assert len(queries.captured_queries) <= 10


def test_a_new_question_shows_at_once(client):
    event = make_event()
    page(client, event)
    make_question(event, label={"en": "Which workshop interests you most?"})
    assert "Which workshop interests you most?" in page(client, event)


def test_a_full_session_and_the_last_places_show_at_once(client):
    event = make_event(capacity=3)
    small, _large = make_slot(event, 1, 10)
    assert "— full" not in page(client, event)
    services.register(event, person(1, sessions=[small.pk]))
    html = page(client, event)
    assert "— full" in html and "2 places left." in html


def test_each_language_is_its_own_page(client):
    event = make_event()
    assert 'lang="ro"' in page(client, event, "ro") or "Înregistrare" in page(client, event, "ro")
    assert "Register" in page(client, event, "en")


def test_the_kept_event_and_setup_follow_every_change(client):
    """The registration view keeps the event and its setup per process while the project's
    content version holds: unpublishing, a new privacy notice or new options show at once."""
    from aula.events.models import Event
    from aula.registrations import queries
    from aula.registrations.models import PrivacyNotice, RegistrationOptions

    event = make_event()
    first, setup = queries.form_event_and_setup(event.project.slug, event.slug)
    again, same = queries.form_event_and_setup(event.project.slug, event.slug)
    assert again is first and same is setup  # kept
    PrivacyNotice.objects.create(project=event.project, version=2, text={"en": "Version two"})
    _event, setup = queries.form_event_and_setup(event.project.slug, event.slug)
    assert setup.notice.version == 2
    RegistrationOptions.objects.update_or_create(event=event, defaults={"waiting_list": False})
    _event, setup = queries.form_event_and_setup(event.project.slug, event.slug)
    assert setup.options.waiting_list is False
    event.status = Event.Status.DRAFT
    event.save()
    assert queries.form_event_and_setup(event.project.slug, event.slug) == (None, None)
    assert client.get(url(event)).status_code == 404
