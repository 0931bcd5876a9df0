"""The 400, 403, 404 and 500 pages: in the site's style and the visitor's language, never
echoing the address, and the 500 page without the database."""

import pytest
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import OperationalError
from django.urls import path
from django.utils import translation

from aula import urls as aula_urls
from aula.core import unavailable

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def refused(request):
    raise PermissionDenied


def bad(request):
    raise BadRequest


def lost(request):
    raise OperationalError("terminating connection due to administrator command")


def broken(request):
    raise ValueError("a bug")


handler500 = aula_urls.handler500  # the site's own, tested here

urlpatterns = [
    *i18n_patterns(
        # Named, so that the language links can point at the same page in another language.
        path("test-refused/", refused, name="test-refused"),
        path("test-bad/", bad, name="test-bad"),
        path("test-broken/", broken, name="test-broken"),
        path("test-lost/", lost, name="test-lost"),
    ),
    *aula_urls.urlpatterns,
]

PAGES = {
    400: ("test-bad/", "Bad request"),
    403: ("test-refused/", "Access denied"),
    404: ("no-such-page-<b>/", "Page not found"),
    500: ("test-broken/", "Something went wrong"),
}


@pytest.fixture
def urls(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_page_is_branded_and_in_the_visitors_language(
    client, urls, db, status, language
):
    client.raise_request_exception = False
    address, heading = PAGES[status]
    response = client.get(f"/{language}/{address}")
    assert response.status_code == status
    page = response.content.decode()
    with translation.override(language):
        expected = translation.gettext(heading)
    assert f"<h1>{expected}</h1>" in page
    assert f'<html lang="{language}">' in page
    assert 'class="site-header"' in page and 'name="robots" content="noindex"' in page
    # The language links keep the visitor on the same address; nothing typed is echoed.
    if status != 404:
        assert f'href="/ro/{address}" hreflang="ro"' in page
    assert "<b>" not in page


def test_the_500_page_needs_no_database(client, urls):
    """No ``db`` fixture: any query would raise, and the page would fall back to plain HTML."""
    client.raise_request_exception = False
    response = client.get("/ro/test-broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'class="site-header"' in page and 'href="/lt/test-broken/"' in page


def test_the_500_page_falls_back_to_plain_html(client, urls, monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("the template itself is broken")

    monkeypatch.setattr(unavailable, "render_to_string", fails)
    client.raise_request_exception = False
    response = client.get("/en/test-broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>Something went wrong</title>" in page and "site-header" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_503_page_is_in_each_language(client, urls, language):
    response = client.get(f"/{language}/test-lost/")
    assert response.status_code == 503
    with translation.override(language):
        expected = translation.gettext("Aula is briefly unavailable")
    page = response.content.decode()
    assert f"<h1>{expected}</h1>" in page and f'<html lang="{language}">' in page
    assert 'class="site-header"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ro", "hr"])
def test_a_form_without_its_token_gets_the_sites_own_page(language):
    from django.test import Client
    from django.urls import reverse

    from tests.factories import make_event

    event = make_event()
    with translation.override(language):
        url = reverse("registrations:register",
                      kwargs={"project": event.project.slug, "event": event.slug})
    response = Client(enforce_csrf_checks=True).post(url, {"email": "a@example.org"})
    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}"' in html and "CSRF verification failed" not in html
    assert 'class="site-header"' in html or "<header" in html
