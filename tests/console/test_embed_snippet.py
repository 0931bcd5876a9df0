"""The console's page for putting an event's registration form on a partner's site: the code to
copy in the chosen language, the sites allowed, a preview; editors and owners only."""

import re
from html import unescape

import pytest
from django.urls import reverse

from aula.console.models import Role
from aula.events.models import Event
from tests.factories import make_event, make_project, organiser

pytestmark = pytest.mark.django_db
PARTNER = "https://www.partner.example"


def snippet_page(event, **query):
    url = reverse("console:event_embed", kwargs={"event_id": event.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def code_of(html: str) -> str:
    return unescape(re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', html, re.S)[1])


@pytest.fixture
def event():
    return make_event(project=make_project(embed_origins=[PARTNER]))


@pytest.mark.parametrize("role", [Role.EDITOR, Role.OWNER])
def test_editors_and_owners_get_the_code_to_copy(client, event, role, settings):
    settings.AULA_BASE_URL = "https://aula.example"
    client.force_login(organiser(project=event.project, role=role))
    response = client.get(snippet_page(event))
    assert response.status_code == 200
    html = response.content.decode()
    code = code_of(html)
    project, slug = event.project.slug, event.slug
    assert code == (
        f'<iframe src="https://aula.example/en/p/{project}/{slug}/embed/" '
        'title="Registration: Culture &amp; SMEs seminar" loading="lazy" height="600" '
        'style="width:100%;border:0"></iframe>\n'
        '<script src="https://aula.example/embed.js" async></script>'
    )
    assert f"<code>{PARTNER}</code>" in html
    assert 'id="no-embed-origins"' not in html
    # The preview: the real frame and the same script, from Aula itself.
    assert re.search(rf'<iframe src="/en/p/{project}/{slug}/embed/" title="Preview', html)
    assert '<script src="/embed.js" async></script>' in html
    edit_link = reverse("console:project_edit", kwargs={"project": project})
    assert (edit_link in html) == (role == Role.OWNER)


def test_the_partner_chooses_among_the_events_languages(client, event):
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    html = client.get(snippet_page(event)).content.decode()
    options = re.findall(r'<option value="(\w+)"', html)
    assert options == ["en", "ro"]  # the title is written in English and Romanian
    code = code_of(client.get(snippet_page(event, language="ro")).content.decode())
    assert f"/ro/p/{event.project.slug}/{event.slug}/embed/" in code
    assert "Seminar cultură și IMM" in code
    # A language the event is not written in: its primary language.
    code = code_of(client.get(snippet_page(event, language="hr")).content.decode())
    assert f"/en/p/{event.project.slug}/{event.slug}/embed/" in code


def test_a_project_without_sites_is_warned_about_and_has_no_preview(client):
    event = make_event()
    client.force_login(organiser(project=event.project, role=Role.OWNER))
    html = client.get(snippet_page(event)).content.decode()
    assert 'id="no-embed-origins"' in html
    assert "browsers will show nothing in the frame" in html
    assert 'title="Preview' not in html
    assert reverse("console:project_edit", kwargs={"project": event.project.slug}) in html


def test_a_draft_has_no_preview_yet(client):
    event = make_event(project=make_project(embed_origins=[PARTNER]), status=Event.Status.DRAFT)
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    html = client.get(snippet_page(event)).content.decode()
    assert "The form shows once the event is published." in html
    assert 'title="Preview' not in html


def test_viewers_and_strangers_are_refused(client, event):
    client.force_login(organiser(project=event.project, role=Role.VIEWER))
    assert client.get(snippet_page(event)).status_code == 403
    client.force_login(organiser(project=make_project(), role=Role.OWNER))
    assert client.get(snippet_page(event)).status_code == 404


def test_the_page_is_linked_from_the_event_and_reads_few_queries(
        client, event, django_assert_max_num_queries):
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    hub = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert snippet_page(event) in hub
    with django_assert_max_num_queries(8):
        assert client.get(snippet_page(event)).status_code == 200
