"""Console pages of the automatic e-mails' texts: the list (default/edited), editing with a
preview, resetting, permissions, and bad input refused with nothing stored."""

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.registrations.models import EmailText
from tests.factories import make_event, make_project, make_registration, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_event(project=make_project(), title={"en": "Resilience seminar"})


@pytest.fixture
def editor(client, event):
    client.force_login(organiser("editor", event.project, Role.EDITOR))
    return client


def url(name, event, kind=None, language=None):
    kwargs = {"event_id": event.pk}
    if kind:
        kwargs.update(kind=kind, language=language)
    return reverse(f"console:{name}", kwargs=kwargs)


def test_the_list_says_default_or_edited_and_the_hub_links_to_it(editor, event):
    EmailText.objects.create(event=event, kind="reminder", language="ro", subject="S", body="B")
    page = editor.get(url("email_texts", event)).content.decode()
    assert page.count(">edited<") == 1 and page.count(">default<") == 6 * 6 - 1
    assert url("email_text", event, "reminder", "ro") in page
    hub = editor.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert url("email_texts", event) in hub


def test_edit_shows_aulas_text_then_saves_the_organisers(editor, event):
    make_registration(event, first_name="Ștefan", language="en")
    page = editor.get(url("email_text", event, "confirmation", "en")).content.decode()
    assert "Registration confirmed: {event_title}" in page  # the default, to start from
    assert "Registration confirmed: Resilience seminar" in page  # its preview
    data = {"subject": "Welcome, {first_name}", "body": "Hi {first_name}, <i>see</i> you."}
    response = editor.post(url("email_text", event, "confirmation", "en"),
                           {**data, "preview": "1"})
    page = response.content.decode()
    assert "Welcome, Ștefan" in page and "&lt;i&gt;see&lt;/i&gt;" in page
    assert not EmailText.objects.exists()  # a preview stores nothing
    response = editor.post(url("email_text", event, "confirmation", "en"), data)
    assert response.status_code == 302
    text = EmailText.objects.get()
    assert (text.kind, text.language, text.subject) == ("confirmation", "en", data["subject"])
    assert text.updated_by.username == "editor"
    assert AuditEntry.objects.get(action="email_text.saved").actor.username == "editor"
    page = editor.get(url("email_text", event, "confirmation", "en")).content.decode()
    assert "Your own text" in page and "Reset to Aula" in page

    editor.post(url("email_text_reset", event, "confirmation", "en"))
    assert not EmailText.objects.exists()
    assert AuditEntry.objects.filter(action="email_text.reset").count() == 1


def test_an_unknown_placeholder_is_a_clear_error_and_nothing_is_stored(editor, event):
    response = editor.post(url("email_text", event, "reminder", "en"),
                           {"subject": "Soon: {title}", "body": "Dear {first_name}"})
    assert response.status_code == 400
    assert "Unknown placeholder {title}. You can use {first_name}" in response.content.decode()
    assert not EmailText.objects.exists() and not AuditEntry.objects.exists()


def test_unknown_kinds_and_languages_are_not_found(editor, event):
    assert editor.get(url("email_text", event, "invitation", "en")).status_code == 404
    assert editor.get(url("email_text", event, "reminder", "xx")).status_code == 404
    assert editor.post(url("email_text_reset", event, "reminder", "xx")).status_code == 404


def test_a_viewer_reads_the_list_but_changes_nothing(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    page = client.get(url("email_texts", event)).content.decode()
    assert "default" in page and url("email_text", event, "reminder", "en") not in page
    assert client.get(url("email_text", event, "reminder", "en")).status_code == 403
    assert client.post(url("email_text", event, "reminder", "en"),
                       {"subject": "S", "body": "B"}).status_code == 403
    assert client.post(url("email_text_reset", event, "reminder", "en")).status_code == 403
    assert not EmailText.objects.exists()


def test_pages_take_a_bounded_number_of_queries(editor, event, django_assert_max_num_queries):
    for language in ("en", "ro", "lt"):
        EmailText.objects.create(event=event, kind="reminder", language=language,
                                 subject="S", body="B")
    with django_assert_max_num_queries(10):
        editor.get(url("email_texts", event))
    with django_assert_max_num_queries(12):
        editor.get(url("email_text", event, "reminder", "en"))


# --- E-mails after the event -------------------------------------------------------------------


def test_the_organiser_switches_follow_ups_on_and_off(editor, event):
    from aula.registrations.services import followups

    page = editor.get(url("email_texts", event)).content.decode()
    assert "Invitation to the feedback survey" in page and 'name="kinds"' in page
    response = editor.post(url("follow_ups", event), {"kinds": ["survey", "certificate"]})
    assert response.status_code == 302
    assert followups.switched_on(event) == {"survey", "certificate"}
    entry = AuditEntry.objects.get(action="follow_ups.switched")
    assert entry.actor.username == "editor"
    assert entry.changes == {"survey": [False, True], "certificate": [False, True]}
    page = editor.get(url("email_texts", event)).content.decode()
    assert 'value="survey" id="id_kinds_0" checked' in page
    editor.post(url("follow_ups", event), {})
    assert followups.switched_on(event) == set()


def test_bad_follow_up_input_stores_nothing(editor, event):
    response = editor.post(url("follow_ups", event), {"kinds": ["newsletter"]}, follow=True)
    assert "Choose among the e-mails offered." in response.content.decode()
    from aula.events.models import Event

    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    response = editor.post(url("follow_ups", event), {"kinds": ["survey"]}, follow=True)
    assert "The event is cancelled" in response.content.decode()
    assert not AuditEntry.objects.filter(action="follow_ups.switched").exists()


def test_a_viewer_sees_the_follow_ups_but_cannot_switch_them(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    page = client.get(url("email_texts", event)).content.decode()
    assert "Invitation to the feedback survey: off" in page
    assert client.post(url("follow_ups", event), {"kinds": ["survey"]}).status_code == 403
