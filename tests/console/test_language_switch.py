"""The console's language switch: plain links to the same page (and query) in each language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import make_event, organiser

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def switch_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    return {code: url for url, code in re.findall(r'<a href="([^"]*)" hreflang="(\w+)"', nav)}


def test_the_switch_keeps_the_page_and_its_query(client):
    event = make_event()
    client.force_login(organiser(project=event.project))
    with translation.override("en"):
        path = reverse("console:registrants", kwargs={"event_id": event.pk})
    assert path.startswith("/en/console/")
    html = client.get(f"{path}?q=Ana&sort=name").content.decode()
    links = switch_links(html)
    assert set(links) == set(LANGUAGES)
    for code, url in links.items():
        assert url == f"/{code}/console/e/{event.pk}/registrants/?q=Ana&amp;sort=name", code
    assert 'hreflang="en" lang="en" aria-current="true"' in html
    # Following a link opens the same page in that language.
    response = client.get(links["ro"].replace("&amp;", "&"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ro">' in page
    assert 'hreflang="ro" lang="ro" aria-current="true"' in page
    assert "<script>" not in page  # links, no script


def test_the_login_page_has_the_switch_too(client):
    with translation.override("lt"):
        path = reverse("console:login")
    html = client.get(f"{path}?next=/lt/console/").content.decode()
    assert switch_links(html)["hr"] == "/hr/console/login/?next=/lt/console/"
