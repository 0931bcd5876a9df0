"""The public registration form: fields, accessibility, abuse and bad input."""

import re
import time
from datetime import timedelta
from html import unescape

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from aula.events.models import Event
from aula.messaging.models import OutboxMessage
from aula.registrations import queries, services
from aula.registrations.forms import CHECKED_SALT, STARTED_SALT
from aula.registrations.models import PrivacyNotice, Question, Registration
from tests.factories import MEETING_URL, make_event
from tests.registrations.factories import make_question, make_slot, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_people(settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    settings.AULA_REGISTRATION_RATE_LIMIT = "20/10m"


def url(event, language="en", name="register"):
    from django.utils import translation

    with translation.override(language):
        return reverse(
            f"registrations:{name}",
            kwargs={"project": event.project.slug, "event": event.slug},
        )


def started(seconds_ago=10):
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def form_data(event, n=1, **fields):
    notice = PrivacyNotice.objects.filter(project=event.project).latest("version")
    data = {
        "first_name": "Ana", "family_name": f"Popescu{n}", "email": f"person{n}@example.org",
        "organisation": "Municipality of Timișoara", "organisation_type": "LocalPublicAuthority",
        "country": "RO", "language": "en", "job_title": "", "privacy": "on",
        "privacy_notice": str(notice.pk), "time_zone": "Europe/Bucharest",
        "started": started(), "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def post(client, event, **fields):
    return client.post(url(event), form_data(event, **fields))


# --- The page ---------------------------------------------------------------------------------


def test_form_has_labelled_fields_with_autocomplete(client, event):
    response = client.get(url(event))
    assert response.status_code == 200
    html = response.content.decode()
    for name, token in [
        ("first_name", "given-name"), ("family_name", "family-name"), ("email", "email"),
        ("organisation", "organization"), ("country", "country"),
        ("job_title", "organization-title"),
    ]:
        assert re.search(rf'<label for="id_{name}"', html), name
        field = re.search(rf'<(input|select)[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'autocomplete="{token}"' in field, name
    assert "Local public authority" in html and "Interest groups including NGOs" in html
    assert "The municipality processes your data as a public task." in html
    assert 'name="time_zone"' in html and 'name="started"' in html
    assert "registrations/registrations.js" in html
    # Optional consents are separate and unticked.
    for name in ("consent_recording", "consent_newsletter", "privacy"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "checked" not in field
    assert MEETING_URL not in html


def test_organisation_type_labels_are_translated(client, event):
    # No Romanian catalogue entry is needed for the select to offer every key.
    response = client.get(url(event, "ro"))
    assert response.status_code == 200
    assert 'value="LocalPublicAuthority"' in response.content.decode()


def test_preferred_language_defaults_to_the_page_language(client, event):
    response = client.get(url(event, "ro"))
    assert response.context["form"]["language"].value() == "ro"


def test_parallel_sessions_are_radio_groups_with_a_legend_and_full_ones_disabled(client):
    """Without a waiting list a full session cannot be chosen; with one, it can: the registrant
    joins that session's waiting list."""
    event = make_event(options={"waiting_list": False})
    a, b = make_slot(event, 1, 5)
    services.register(event, person(9, sessions=[a.pk]))
    html = client.get(url(event)).content.decode()
    assert "<legend" in html and "Workshop A — full" in html
    radio_a = re.search(rf'<input type="radio"[^>]*value="{a.pk}"[^>]*>', html).group(0)
    radio_b = re.search(rf'<input type="radio"[^>]*value="{b.pk}"[^>]*>', html).group(0)
    assert "disabled" in radio_a and "disabled" not in radio_b


def test_a_full_session_has_its_own_waiting_list(client, event):
    a, b = make_slot(event, 1, 5)
    services.register(event, person(9, sessions=[a.pk]))
    html = client.get(url(event)).content.decode()
    assert "Workshop A — full — waiting list" in html
    radio_a = re.search(rf'<input type="radio"[^>]*value="{a.pk}"[^>]*>', html).group(0)
    assert "disabled" not in radio_a


def test_questions_render_escaped(client, event):
    make_question(event, label={"en": "<script>alert('x')</script>"},
                  help={"en": "<b>bold</b>"})
    make_question(
        event, Question.Kind.SINGLE_CHOICE, label={"en": "Lunch"},
        choices=[{"key": "veg", "label": {"en": "<i>Veg</i>"}}],
    )
    html = client.get(url(event)).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold" in html
    assert "<i>Veg</i>" not in html


def test_full_without_waiting_list_shows_no_form(client):
    event = make_event(capacity=0, options={"waiting_list": False})
    response = client.get(url(event))
    assert b"The event is full." in response.content and b'name="email"' not in response.content


def test_closed_pages():
    event = make_event(registration_opens_at=timezone.now() + timedelta(days=1))
    from django.test import Client

    response = Client().get(url(event))
    assert response.status_code == 200 and b"Registration opens on" in response.content
    assert b'name="email"' not in response.content
    cancelled = make_event(status=Event.Status.CANCELLED)
    assert b"cancelled" in Client().get(url(cancelled)).content
    draft = make_event(status=Event.Status.DRAFT)
    assert Client().get(url(draft)).status_code == 404
    no_notice = make_event(notice=False)
    assert b"not available" in Client().get(url(no_notice)).content


# --- Registering through the form ---------------------------------------------------------------


def test_register_redirects_to_the_thank_you_page(client, event):
    response = post(client, event)
    assert response.status_code == 302
    assert response["Location"] == url(event, name="thanks") + "?result=confirmed"
    registration = Registration.objects.get()
    assert registration.email == "person1@example.org"
    assert registration.time_zone == "Europe/Bucharest"
    assert registration.consent_recording is False
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'role="status"' in html and "data-autofocus" in html
    assert "Thank you for registering" in html


def test_existing_address_gets_exactly_the_same_pages(client, event):
    first = post(client, event, n=1)
    again = post(client, event, n=1, first_name="Someone")
    assert again.status_code == first.status_code == 302
    assert again["Location"] == first["Location"]
    assert client.get(again["Location"]).content == client.get(first["Location"]).content
    assert Registration.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="registration_existing").count() == 1


def test_waiting_list_thank_you(client, event):
    event.capacity = 0
    event.save()
    form = client.get(url(event)).content.decode()
    assert "Join the waiting list" in form
    response = post(client, event)
    assert response["Location"].endswith("?result=waiting")
    assert "waiting list" in client.get(response["Location"]).content.decode()


def test_session_choice_and_answers_through_the_form(client, event):
    a, b = make_slot(event, 5, 5)
    question = make_question(event, Question.Kind.MULTIPLE_CHOICE, required=True, choices=[
        {"key": "x", "label": {"en": "X"}}, {"key": "y", "label": {"en": "Y"}},
    ])
    slot_key = next(key for key in client.get(url(event)).context["form"].fields
                    if key.startswith("slot_"))
    data = form_data(event, **{slot_key: str(b.pk)})
    data[f"q_{question.pk}"] = ["y"]
    response = client.post(url(event), data)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.session_choices.get().block == b
    assert registration.answers == {str(question.pk): ["y"]}


def test_session_filled_meanwhile_is_reported_beside_it(client):
    event = make_event(options={"waiting_list": False})
    a, b = make_slot(event, 1, 5)
    slot_key = next(key for key in client.get(url(event)).context["form"].fields
                    if key.startswith("slot_"))
    services.register(event, person(9, sessions=[a.pk]))
    response = client.post(url(event), form_data(event, **{slot_key: str(a.pk)}))
    assert response.status_code == 400
    assert "This session has just filled up" in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_full_session_chosen_puts_the_registrant_on_its_waiting_list(client, event):
    a, b = make_slot(event, 1, 5)
    services.register(event, person(9, sessions=[a.pk]))
    slot_key = next(key for key in client.get(url(event)).context["form"].fields
                    if key.startswith("slot_"))
    response = client.post(url(event), form_data(event, **{slot_key: str(a.pk)}), follow=True)
    assert "A session you chose is full" in response.content.decode()
    assert Registration.objects.filter(status=Registration.Status.WAITING).count() == 1


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Enter a valid email address."),
        ("first_name", "<script>", "Remove the characters &lt; and &gt;."),
        ("organisation", "ACME <Ltd>", "Remove the characters &lt; and &gt;."),
        ("family_name", "Pop\x07escu", "Remove the invisible control characters"),
        ("first_name", "A" * 101, "at most 100 characters"),
        ("email", "a" * 250 + "@example.org", "at most 254 characters"),
        ("privacy", None, "Please confirm that you have read the privacy notice."),
        ("organisation_type", "", "This field is required."),
        ("country", "XX", "Select a valid choice. XX is not one of the available choices."),
        ("country", "", "This field is required."),
    ],
)
def test_bad_input_shows_a_clear_message_and_stores_nothing(client, event, field, value, message):
    response = client.post(url(event), form_data(event, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    # Beside the field and summed up at the top, with a link to the field.
    assert f'id="id_{field}_error"' in html
    assert 'class="error-summary"' in html and f'href="#id_{field}' in html
    assert "<title>Error:" in html
    assert not Registration.objects.exists() and not OutboxMessage.objects.exists()


def test_entered_values_are_kept_and_escaped_after_an_error(client, event):
    response = client.post(url(event), form_data(event, email="bad", organisation='"><b>x'))
    html = response.content.decode()
    assert '"><b>x' not in html


# --- Abuse ------------------------------------------------------------------------------------


def hidden_fields(html: str) -> dict:
    """What a browser sends from the page's form (its hidden fields; a list when repeated)."""
    fields = {}
    for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', html):
        name = re.search(r'name="([^"]*)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        value = unescape(value.group(1)) if value else ""
        fields.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}


def checked(seconds_ago=5):
    return signing.dumps(time.time() - seconds_ago, salt=CHECKED_SALT)


def is_check_page(response) -> bool:
    return response.status_code == 200 and "Check your details" in response.content.decode()


def test_honeypot_gets_the_check_page_never_a_thank_you(client, event):
    response = post(client, event, website="http://spam.example")
    assert is_check_page(response)
    # A bot fills the honeypot of the check page too: again the check page, and nothing stored.
    again = client.post(url(event), {**hidden_fields(response.content.decode()),
                                     "checked": checked(), "website": "http://spam.example"})
    assert is_check_page(again) and "not registered yet" in again.content.decode()
    assert not Registration.objects.exists() and not OutboxMessage.objects.exists()


def test_too_fast_gets_the_check_page_and_registers_once_sent_from_it(client, settings):
    event = make_event(options={"double_opt_in": False})
    (session,) = make_slot(event, 10)
    question = make_question(event, kind=Question.Kind.MULTIPLE_CHOICE, choices=[
        {"key": "a", "label": {"en": "Option <a>"}}, {"key": "b", "label": {"en": "Option B"}},
    ])
    slot_key = next(key for key in client.get(url(event)).context["form"].fields
                    if key.startswith("slot_"))
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 3
    response = post(client, event, started=started(seconds_ago=1),
                    organisation='Asociația "Creativ" & Co', **{slot_key: str(session.pk)},
                    **{f"q_{question.pk}": ["a", "b"]}, consent_newsletter="on")
    html = response.content.decode()
    assert is_check_page(response) and "thanks" not in response.get("Location", "")
    assert not Registration.objects.exists() and not OutboxMessage.objects.exists()
    # What they entered, in words and escaped, carried in hidden fields with a fresh token.
    assert "person1@example.org" in html and "Romania" in html and "Option &lt;a&gt;" in html
    assert "Asociația &quot;Creativ&quot; &amp; Co" in html and "Workshop A" in html
    fields = hidden_fields(html)
    assert fields[f"q_{question.pk}"] == ["a", "b"] and "started" not in fields
    # Sent back at once, as a script would: not registered, not thanked.
    at_once = client.post(url(event), fields)
    assert is_check_page(at_once) and not Registration.objects.exists()
    # A forged or stale token is no better.
    for token in ("forged", signing.dumps(time.time() - 3 * 3600, salt=CHECKED_SALT)):
        assert is_check_page(client.post(url(event), {**fields, "checked": token}))
    assert not Registration.objects.exists()
    # A person reads the page and sends it: registered through the normal path, once.
    response = client.post(url(event), {**fields, "checked": checked()})
    assert response.status_code == 302 and "result=confirmed" in response["Location"]
    registration = Registration.objects.get()
    assert registration.organisation == 'Asociația "Creativ" & Co'
    assert list(registration.session_choices.values_list("block_id", flat=True)) == [session.pk]
    assert registration.answers == {str(question.pk): ["a", "b"]}
    assert registration.consent_newsletter and not registration.consent_recording
    assert OutboxMessage.objects.count() == 1
    # The same page sent again registers nobody twice.
    client.post(url(event), {**fields, "checked": checked()})
    assert Registration.objects.count() == 1


def test_the_check_page_keeps_the_waiting_list_and_double_opt_in(client, settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 3
    event = make_event(capacity=1)  # double opt-in: the default
    response = post(client, event, started=started(seconds_ago=0))
    assert is_check_page(response) and "Confirm and register" in response.content.decode()
    response = client.post(url(event), {**hidden_fields(response.content.decode()),
                                        "checked": checked()})
    assert "result=held" in response["Location"]
    assert Registration.objects.get().status == Registration.Status.HELD
    response = post(client, event, n=2, started=started(seconds_ago=0))
    html = response.content.decode()
    assert is_check_page(response) and "Confirm and join the waiting list" in html
    response = client.post(url(event), {**hidden_fields(html), "checked": checked()})
    assert "result=waiting" in response["Location"]
    assert Registration.objects.get(email="person2@example.org").status == "waiting"
    assert queries.places_taken(event) == 1


def test_an_invalid_too_fast_form_shows_its_errors(client, event, settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 3
    response = post(client, event, started=started(seconds_ago=0), email="bad")
    assert response.status_code == 400 and not is_check_page(response)
    assert not Registration.objects.exists()


def test_rate_limit_per_address(client, event, settings):
    settings.AULA_REGISTRATION_RATE_LIMIT = "3/10m"
    for n in range(3):
        assert post(client, event, n=n).status_code == 302
    response = post(client, event, n=99)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    assert Registration.objects.count() == 3
    # Another address is not affected.
    other = client.post(url(event), form_data(event, n=100), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_rate_limit_behind_a_trusted_proxy(client, event, settings):
    settings.AULA_REGISTRATION_RATE_LIMIT = "1/10m"
    settings.AULA_TRUSTED_PROXIES = 1
    assert client.post(url(event), form_data(event, n=1),
                       HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    assert client.post(url(event), form_data(event, n=2),
                       HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    assert client.post(url(event), form_data(event, n=3),
                       HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_rate_setting_format():
    from django.core.exceptions import ImproperlyConfigured

    from aula.registrations.ratelimit import Rate, parse_rate

    assert parse_rate("20/10m") == Rate(20, 600)
    assert parse_rate("5/h") == Rate(5, 3600)
    assert parse_rate("") is None and parse_rate("0/1m") is None
    with pytest.raises(ImproperlyConfigured):
        parse_rate("lots")


def test_the_check_page_does_not_query_per_field(client, settings, django_assert_max_num_queries):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 3

    def check_page_queries(questions, slots):
        event = make_event(options={"double_opt_in": False})
        for _ in range(questions):
            make_question(event, kind=Question.Kind.SINGLE_CHOICE, required=False, choices=[
                {"key": "a", "label": {"en": "A"}}, {"key": "b", "label": {"en": "B"}},
            ])
        for n in range(slots):
            make_slot(event, 10, 10, offset_hours=n)
        fields = client.get(url(event)).context["form"].fields
        choices = {key: field.choices[0][0] for key, field in fields.items()
                   if key.startswith("slot_")}
        with django_assert_max_num_queries(6) as counted:
            assert is_check_page(post(client, event, started=started(seconds_ago=0), **choices))
        return len(counted.captured_queries)

    assert check_page_queries(5, 3) == check_page_queries(1, 1)
