"""The project's logo set heads the public project and event pages, before the title (Interreg:
the EU emblem visible without scrolling); the event's image follows the title."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import give_logo_set, make_event, make_project

pytestmark = pytest.mark.django_db


def event_page(event):
    return reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})


def project_page(project):
    return reverse("events:project", kwargs={"project": project.slug})


@pytest.fixture
def event():
    event = make_event(project=give_logo_set(make_project()))
    event.image.save("upload.png", ContentFile(b"\x89PNG room"), save=False)
    event.image_alt = {"en": "The <seminar> room"}
    event.save()
    return event


def test_the_event_page_shows_the_logo_set_before_the_title_and_the_image_after(client, event):
    page = client.get(event_page(event)).content.decode()
    logo = page.index(f'<img src="{event.project.logo_set.url}"')
    title = page.index("<h1>")
    image = page.index(f'<img src="{event.image.url}"')
    assert logo < title < image
    assert 'alt="Interreg logo set, co-funded by the European Union"' in page
    assert 'alt="The &lt;seminar&gt; room"' in page  # escaped like any organiser's text


def test_the_project_page_shows_the_logo_set_before_the_title(client, event):
    page = client.get(project_page(event.project)).content.decode()
    assert page.index(f'<img src="{event.project.logo_set.url}"') < page.index("<h1>")


def test_without_a_logo_set_or_image_the_pages_render_as_before(client):
    event = make_event()
    for address in (event_page(event), project_page(event.project)):
        response = client.get(address)
        assert response.status_code == 200
        assert "logo-set" not in response.content.decode()
        assert "event-image" not in response.content.decode()


def test_the_event_pages_query_bound_is_unchanged(client, event,
                                                  django_assert_max_num_queries):
    client.get(event_page(event))  # warm up: caches, translations
    with django_assert_max_num_queries(9):  # as tests/events/test_pages.py bounds it
        assert client.get(event_page(event)).status_code == 200
