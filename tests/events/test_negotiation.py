"""Which language a visitor gets: the URL prefix, then the browser's languages, then the
event's (or project's) primary language; never the site's default for content of a partner."""

import pytest
from django.urls import reverse
from django.utils import translation

from aula.events.middleware import visitor_language
from aula.projects.models import Project
from tests.factories import make_model_seminar

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = make_model_seminar()
    event.primary_language = "lt"
    event.save(update_fields=["primary_language"])
    Project.objects.filter(pk=event.project_id).update(primary_language="ro")
    return event


def path(event, name="event", language="en"):
    kwargs = {"project": event.project.slug}
    if name != "project":
        kwargs["event"] = event.slug
    with translation.override(language):
        full = reverse(f"events:{name}", kwargs=kwargs)
    return full.removeprefix(f"/{language}")


def test_prefix_wins_over_everything(client, event):
    response = client.get("/nl" + path(event), HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 200
    assert response["Content-Language"] == "nl"


def test_unprefixed_event_follows_the_browser_first(client, event):
    response = client.get(path(event), HTTP_ACCEPT_LANGUAGE="hr-HR,hr;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/hr" + path(event)


def test_unprefixed_event_without_acceptable_language_gets_the_events_language(client, event):
    for header in ("", "ja,zh;q=0.8", "*"):
        response = client.get(path(event), HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code == 302, header
        assert response["Location"] == "/lt" + path(event), header
        assert "Accept-Language" in response["Vary"]


def test_sub_pages_and_query_string_are_kept(client, event):
    for sub in ("agenda/", "calendar.ics", "register/"):
        response = client.get(path(event) + sub + "?utm_source=newsletter&x=%C5%BE")
        assert response.status_code == 302, sub
        assert response["Location"] == f"/lt{path(event)}{sub}?utm_source=newsletter&x=%C5%BE"


def test_event_without_its_own_language_falls_back_to_the_projects(client, event):
    event.primary_language = ""
    event.save(update_fields=["primary_language"])
    response = client.get(path(event))
    assert response["Location"] == "/ro" + path(event)


def test_project_page_gets_the_projects_language(client, event):
    response = client.get(path(event, "project"), HTTP_ACCEPT_LANGUAGE="ja")
    assert response["Location"] == "/ro" + path(event, "project")


def test_unknown_or_draft_event_falls_back_to_django(client, event):
    # Django's own fallback (the site's language); the page there is a 404.
    response = client.get("/p/ecoc-sme/no-such-event/")
    assert response["Location"] == "/en/p/ecoc-sme/no-such-event/"
    event.status = "draft"
    event.save(update_fields=["status"])
    response = client.get(path(event))
    assert response["Location"] == "/en" + path(event)


def test_the_language_cookie_counts_as_the_visitors_choice(client, event):
    client.cookies["django_language"] = "it"
    response = client.get(path(event), HTTP_ACCEPT_LANGUAGE="ja")
    assert response["Location"] == "/it" + path(event)


def test_root_still_redirects(client, event):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/en/"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ro")
    assert response["Location"] == "/ro/"


def test_visitor_language_ignores_unsupported(rf):
    assert visitor_language(rf.get("/", HTTP_ACCEPT_LANGUAGE="ja, de;q=0.5")) is None
    assert visitor_language(rf.get("/", HTTP_ACCEPT_LANGUAGE="ja, nl-BE;q=0.5")) == "nl"
    assert visitor_language(rf.get("/")) is None


def test_language_switcher_keeps_page_and_query_string(client, event):
    html = client.get(f"/en{path(event)}?ref=mail&page=2").content.decode()
    assert f'href="/lt{path(event)}?ref=mail&amp;page=2"' in html
