"""A lost or unreachable database answers a friendly 503 page, never a 500."""

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.urls import path

from aula import urls as aula_urls
from aula.core import unavailable


def lost(request):
    raise OperationalError("terminating connection due to administrator command")


def closed(request):
    raise InterfaceError("connection already closed")


def broken_query(request):
    raise ValueError("not a database fault")


handler500 = aula_urls.handler500  # the site's own, tested here

urlpatterns = [
    path("lost/", lost),
    path("closed/", closed),
    path("broken/", broken_query),
    *aula_urls.urlpatterns,
]


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize("url", ["/lost/", "/closed/"])
def test_a_lost_connection_answers_the_friendly_503_page(client, urls, url):
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Aula is briefly unavailable" in page
    assert 'class="site-header"' in page  # the site's own template, not the plain fallback


def test_other_errors_are_not_turned_into_503(client, urls):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500


def test_the_page_falls_back_to_plain_html_when_the_template_needs_the_database(
    client, urls, monkeypatch
):
    def needs_database(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(unavailable, "render_to_string", needs_database)
    response = client.get("/lost/")
    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "<title>Aula is briefly unavailable</title>" in page
    assert "site-header" not in page


def test_the_page_is_translated(client, urls):
    from django.utils import translation

    with translation.override("ro"):
        expected = translation.gettext("Aula is briefly unavailable")
    response = client.get("/lost/", HTTP_ACCEPT_LANGUAGE="ro")
    assert response.status_code == 503
    assert expected in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_broken_connection_is_closed_outside_a_transaction(client, urls):
    connection.ensure_connection()
    assert connection.connection is not None
    client.get("/lost/")
    assert connection.connection is None


@pytest.mark.parametrize(
    ("error", "lost_"),
    [
        (OperationalError("terminating connection due to administrator command"), True),
        (OperationalError("server closed the connection unexpectedly"), True),
        (OperationalError("consuming input failed: server closed the connection"), True),
        (InterfaceError("connection already closed"), True),
        (OperationalError("database is locked"), False),
        (OperationalError("deadlock detected"), False),
        (ValueError("terminating connection"), False),
    ],
)
def test_which_errors_mean_a_lost_connection(error, lost_):
    assert unavailable.connection_lost(error) is lost_


class FailingMiddleware:
    """Stands for a middleware meeting the dead database outside the view (a session save)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/middleware-lost/":
            raise OperationalError("server closed the connection unexpectedly")
        return self.get_response(request)


def test_a_lost_connection_in_a_middleware_answers_503_too(client, urls, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailingMiddleware"]
    client.raise_request_exception = False
    response = client.get("/middleware-lost/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Aula is briefly unavailable" in response.content.decode()
    assert client.get("/broken/").status_code == 500
