"""The organiser's own texts of the automatic e-mails: Aula's text without one, theirs (in the
registrant's language only) with one, placeholders checked, every change on the record."""

from datetime import timedelta

import pytest
from django.utils import translation

from aula.audit.models import AuditEntry
from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.messaging.models import OutboxMessage
from aula.registrations import email_texts, services
from aula.registrations.models import EmailText
from tests.factories import clear_audit_log, make_event, make_registration, organiser
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db
Kind = EmailText.Kind


@pytest.fixture
def event():
    return make_event(title={"en": "Culture & SMEs seminar", "ro": "Seminar cultură"},
                      options={**NO_OPT_IN, "reminder_offsets_minutes": [1440]})


def save(event, kind="confirmation", language="en", actor=None, **texts):
    texts = {"subject": "You're in, {first_name}!",
             "body": "Hello {first_name} {family_name},\n\n<b>welcome</b> to {event_title}.",
             **texts}
    return services.save_email_text(event, kind, language, actor=actor, **texts)


def test_the_default_is_aulas_text_with_placeholders():
    assert email_texts.default_text(Kind.CONFIRMATION, "en") == (
        "Registration confirmed: {event_title}",
        "Dear {first_name},\n\nyour place at {event_title} is confirmed.",
    )
    subject, body = email_texts.default_text(Kind.REMINDER, "en")
    assert subject == "Reminder: {event_title}, {event_time}"
    for kind in Kind.values:
        for language in ("en", "ro", "lt", "nl", "it", "hr"):
            subject, body = email_texts.default_text(kind, language)
            assert "{first_name}" in body and "{event_title}" in subject
    with translation.override("ro"):
        romanian = translation.gettext("Dear %(first_name)s,")
    assert email_texts.default_text(Kind.CONFIRMATION, "ro")[1].startswith(
        romanian % {"first_name": "{first_name}"}
    )


def test_without_a_text_of_their_own_registrants_get_aulas(event):
    registration = services.register(event, person(1)).registration
    mail = OutboxMessage.objects.get(registration_id=registration.pk)
    assert mail.subject == "Registration confirmed: Culture & SMEs seminar"
    assert "Dear Ana,\n\nyour place at Culture & SMEs seminar is confirmed." in mail.text_body


def test_the_organisers_text_replaces_the_subject_and_opening_in_that_language_only(event):
    save(event)
    english = services.register(event, person(1)).registration
    romanian = services.register(event, person(2, language="ro")).registration
    mail = OutboxMessage.objects.get(registration_id=english.pk)
    assert mail.subject == "You're in, Ana!"
    assert mail.text_body.startswith(
        "Hello Ana Popescu1,\n\n<b>welcome</b> to Culture & SMEs seminar.\n"
    )
    assert "your place at" not in mail.text_body
    assert "&lt;b&gt;welcome&lt;/b&gt; to Culture &amp; SMEs seminar." in mail.html_body
    # Aula's facts follow: the time, the join link, the calendar file.
    assert "When:" in mail.text_body and "/j/" in mail.text_body
    assert mail.attachments.exists()
    other = OutboxMessage.objects.get(registration_id=romanian.pk)
    assert "Ana!" not in other.subject and "welcome" not in other.text_body


@pytest.mark.parametrize("kind", [Kind.REMINDER, Kind.EVENT_CHANGED, Kind.EVENT_CANCELLED,
                                  Kind.CANCELLATION, Kind.WAITING])
def test_every_kind_uses_the_organisers_text(event, kind):
    save(event, kind, subject=f"{kind}: {{event_title}}", body="Own words for {first_name}.")
    if kind == Kind.WAITING:
        event.capacity = 0
        event.save()
    registration = services.register(event, person(1)).registration
    if kind == Kind.REMINDER:
        services.send_due_reminders(now=event.starts_at - timedelta(hours=23))
    elif kind == Kind.EVENT_CHANGED:
        services.notify_event_changed(event)
    elif kind == Kind.EVENT_CANCELLED:
        lifecycle.cancel(event, actor=None, reason="The venue flooded.")
    elif kind == Kind.CANCELLATION:
        services.cancel(registration, reason="Duplicate.")
    mail = OutboxMessage.objects.get(kind=f"registration_{kind}")
    assert mail.subject == f"{kind}: Culture & SMEs seminar"
    assert mail.text_body.startswith("Own words for Ana.")
    if kind == Kind.EVENT_CANCELLED:
        assert "The venue flooded." in mail.text_body  # the reason stays
    if kind == Kind.CANCELLATION:
        assert "Duplicate." in mail.text_body


def test_saving_and_resetting_are_on_the_record(event):
    editor = organiser("editor", event.project)
    clear_audit_log()
    save(event, actor=editor)
    save(event, actor=editor, subject="Welcome {first_name}")
    save(event, actor=editor, subject="Welcome {first_name}")  # unchanged: nothing recorded
    assert services.reset_email_text(event, "confirmation", "en", actor=editor)
    assert not services.reset_email_text(event, "confirmation", "en", actor=editor)
    assert not EmailText.objects.exists()
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == ["email_text.saved", "email_text.saved",
                                           "email_text.reset"]
    assert all(e.actor == editor and e.event_id == event.pk for e in entries)
    assert entries[0].changes["subject"] == [None, "You're in, {first_name}!"]
    assert entries[1].changes == {"subject": ["You're in, {first_name}!", "Welcome {first_name}"]}
    assert entries[2].changes["subject"] == ["Welcome {first_name}", None]
    assert entries[2].data == {"kind": "confirmation", "language": "en"}


@pytest.mark.parametrize("texts, message", [
    ({"body": "Hi {firstname}"}, "Unknown placeholder {firstname}. You can use {first_name}"),
    ({"subject": "{event}"}, "Unknown placeholder {event}."),
    ({"subject": "  "}, "Write both the subject and the opening."),
    ({"body": "x" * 5001}, "at most 200 characters, the opening 5000"),
])
def test_bad_texts_are_refused_and_nothing_is_stored(event, texts, message):
    clear_audit_log()
    with pytest.raises(ActionRefused, match=message.replace("{", r"\{").replace("}", r"\}")):
        save(event, **texts)
    with pytest.raises(ActionRefused, match="no such automatic e-mail"):
        save(event, kind="invitation")
    assert not EmailText.objects.exists() and not AuditEntry.objects.exists()


def test_a_batch_reads_the_texts_once(event, django_assert_max_num_queries):
    save(event, "event_changed")
    for n in range(5):
        make_registration(event)
    with django_assert_max_num_queries(12):
        assert services.notify_event_changed(event) == 5


def test_the_next_event_copied_from_this_one_keeps_the_texts(event):
    from datetime import date

    from aula.events import services as event_services

    save(event, "reminder", "ro", subject="Curând: {event_title}")
    copy = event_services.clone_event(event, actor=None, starts_on=date(2031, 1, 5))
    text = EmailText.objects.get(event=copy)
    assert (text.kind, text.language, text.subject) == ("reminder", "ro", "Curând: {event_title}")
    assert EmailText.objects.filter(event=event).count() == 1


def test_the_organisers_text_is_markdown_with_the_values_escaped(event):
    save(event, body="Hello {first_name},\n\n- **bring** a laptop\n- see {personal_link}")
    registration = services.register(event, person(1, first_name="**Ana** & _Jo_")
                                  ).registration
    mail = OutboxMessage.objects.get(registration_id=registration.pk)
    assert "<strong>bring</strong> a laptop</li>" in mail.html_body
    assert "Hello **Ana** &amp; _Jo_," in mail.html_body and "<strong>Ana" not in mail.html_body
    assert '<li>see <a href="http' in mail.html_body
    assert mail.text_body.startswith("Hello **Ana** & _Jo_,\n\n- bring a laptop\n- see http")
