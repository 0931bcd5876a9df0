"""Publishing checks the event first: what blocks it (no privacy notice, an agenda that does
not fit) and what is worth fixing first (contact, agenda, translations for the partners'
audience, double opt-in, the notice's controller), shown in the console before the move."""

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.events import lifecycle
from aula.events.models import Event
from aula.projects.queries import audience_languages
from aula.registrations import setup
from tests.factories import (
    clear_audit_log,
    give_logo_set,
    make_block,
    make_event,
    make_partner,
    make_project,
    organiser,
)

pytestmark = pytest.mark.django_db

S = Event.Status
ALL = {"en": "x", "ro": "x", "lt": "x", "nl": "x", "it": "x", "hr": "x"}


def complete_draft(**fields):
    """A draft with nothing to warn about: contact, agenda, every partner language, double
    opt-in, a notice naming the host as controller, the project's logo set."""
    project = give_logo_set(make_project(primary_language="ro"))
    host = make_partner(project, country="RO", city="Timișoara")
    make_partner(project, country="LT")
    values = {"status": S.DRAFT, "host_partner": host, "title": ALL, "summary": ALL,
              "description": {}, "options": {"double_opt_in": True}, "notice": False}
    values.update(fields)
    event = make_event(project, **values)
    make_block(event)
    setup.new_privacy_notice(event, {"en": "We process..."}, controller=host, actor=None)
    clear_audit_log()
    return event


def test_the_audience_is_english_the_primary_and_the_partners_languages():
    project = make_project(primary_language="it")
    make_partner(project, country="RO")
    make_partner(project, country="LT")
    make_partner(project, country="DE")  # no language of Aula's
    assert audience_languages(project) == ["en", "ro", "lt", "it"]


def test_a_complete_event_has_no_warnings():
    assert lifecycle.publish_warnings(complete_draft()) == []


def test_each_gap_is_named():
    event = complete_draft(contact_name="", title={"ro": "Seminar", "en": "Seminar"},
                           summary={"ro": "Rezumat"}, options={"double_opt_in": False})
    event.blocks.all().delete()
    event.project.logo_set = ""
    event.project.save()
    other = make_partner(event.project, country="NL", organisation="Kaunas University")
    setup.new_privacy_notice(event, {"en": "We process..."}, controller=other, actor=None)
    warnings = "\n".join(lifecycle.publish_warnings(event))
    assert "contact person" in warnings
    assert "The agenda is empty." in warnings
    assert "Not translated into English: summary." in warnings
    assert "Not translated into Lithuanian: title, summary." in warnings
    assert "Not translated into Dutch: title, summary." in warnings
    assert "Double opt-in is off" in warnings
    assert "No logo set: Interreg visibility rules require it." in warnings
    assert "names Kaunas University as controller, but the event is hosted by" in warnings


def test_a_notice_without_a_controller_is_named():
    event = complete_draft()
    setup.new_privacy_notice(event, {"en": "Other text"}, actor=None)
    assert lifecycle.publish_warnings(event) == ["The privacy notice names no controller."]


def test_warnings_do_not_refuse_publishing_and_are_recorded(django_user_model):
    event = complete_draft(contact_name="")
    user = organiser(project=event.project, role=Role.EDITOR)
    lifecycle.publish(event, actor=user)
    entry = AuditEntry.objects.get()
    assert entry.action == "event.published" and entry.actor == user
    assert entry.data == {"warnings": [
        "Nobody is named as the contact person, with an e-mail or a phone."]}


def test_a_changed_controller_is_a_new_notice_version():
    event = complete_draft()
    current = event.privacy_notices.get()
    other = make_partner(event.project, country="IT")
    result = setup.new_privacy_notice(event, current.text, controller=other, actor=None)
    assert result.created and result.notice.version == current.version + 1
    assert AuditEntry.objects.get().data["controller"] == other.pk
    assert not setup.new_privacy_notice(event, current.text, controller=other,
                                        actor=None).created


def test_the_console_shows_the_checklist_before_publishing(client):
    event = complete_draft(contact_name="")
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    url = reverse("console:event_publish", kwargs={"event_id": event.pk})
    hub = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert f'href="{url}"' in hub
    page = client.get(url).content.decode()
    assert 'id="publish-warnings"' in page and "contact person" in page
    assert "Publish anyway" in page and 'id="publish-problems"' not in page
    response = client.post(url)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == S.PUBLISHED


def test_the_console_offers_no_publishing_while_something_blocks(client):
    event = complete_draft()
    event.privacy_notices.all().delete()
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    page = client.get(reverse("console:event_publish", kwargs={"event_id": event.pk}))
    html = page.content.decode()
    assert 'id="publish-problems"' in html and "privacy notice" in html
    assert "Publish anyway" not in html and '<button type="submit"' not in html.split(
        'id="publish-problems"')[1].split("</main>")[0]


def test_a_viewer_does_not_see_the_checklist(client):
    event = complete_draft()
    client.force_login(organiser(project=event.project, role=Role.VIEWER))
    url = reverse("console:event_publish", kwargs={"event_id": event.pk})
    assert client.get(url).status_code == 403


def test_the_privacy_notice_page_names_the_controller(client):
    event = complete_draft()
    host = event.host_partner
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    url = reverse("console:event_privacy", kwargs={"event_id": event.pk})
    page = client.get(url).content.decode()
    assert f'<option value="{host.pk}" selected>' in page
    foreign = make_partner(make_project())
    response = client.post(url, {"controller": foreign.pk, "text_en": "Text"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
