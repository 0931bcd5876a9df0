"""When the database connection is lost: a friendly 503 page instead of a server error.

A restarted or failed-over PostgreSQL, or a backend an administrator terminated, breaks the
connection a request is using. A registration tries its transaction once more on a fresh
connection (``registrations.services.capacity.run_in_transaction``, the one retry point);
every other request that meets a broken or unreachable database answers this page with
``Retry-After``, and the broken connection is closed so that the next request opens a new one.
The page is rendered in the site's style when that needs no database, else as plain HTML.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# What PostgreSQL (psycopg) and Django say when the connection itself is gone.
LOST_CONNECTION_WORDS = (
    "terminating connection",
    "server closed the connection",
    "connection already closed",
    "the connection is closed",
    "the connection is lost",
    "connection is closed",
    "consuming input failed",
    "could not receive data from server",
    "could not send data to server",
    "ssl connection has been closed",
    "no connection to the server",
    "connection not open",
)


def connection_lost(exc: Exception, connection=None) -> bool:
    """Whether ``exc`` (raised by the database) means the connection is gone, not that the
    statement failed: an ``InterfaceError``, a known message, or a connection that no longer
    answers."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, DatabaseError):
        return False
    text = str(exc).lower()
    if any(words in text for words in LOST_CONNECTION_WORDS):
        return True
    if connection is not None and connection.vendor != "sqlite":
        return connection.connection is None or not connection.is_usable()
    return False


def close_broken_connections() -> None:
    """Close every open connection outside a transaction: a broken one cannot be reused, and a
    sound one is simply opened again by the next request."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close()
        except DatabaseError:  # pragma: no cover - closing a dead socket
            connection.connection = None


PLAIN_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main><h1>{title}</h1><p>{text}</p></main></body></html>
"""


def unavailable_page(request) -> HttpResponse:
    """The 503 page: in the site's template if it renders, else plain HTML."""
    try:
        body = render_to_string(
            "core/unavailable.html", {"retry_after": RETRY_AFTER_SECONDS}, request=request
        )
    except Exception:  # the database may be needed by something the template asks for
        logger.exception("The unavailable page fell back to plain HTML")
        body = PLAIN_PAGE.format(
            lang=escape(getattr(request, "LANGUAGE_CODE", "en")),
            title=escape(_("Aula is briefly unavailable")),
            text=escape(_("Your request could not be completed just now. Please try again "
                          "in a minute.")),
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost or unreachable database into the 503 page (never a 500). Listed last in
    ``MIDDLEWARE``, so its ``process_exception`` is asked first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error(
            "Database unavailable on %s %s: %s", request.method, request.path, exception,
            exc_info=exception,
        )
        close_broken_connections()
        return unavailable_page(request)


def server_error(request):
    """``handler500``: a database fault raised outside a view (by a middleware: the session
    saved, the fast lane) still answers the 503 page; any other error the site's 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        close_broken_connections()
        return unavailable_page(request)
    return server_error_page(request)


def server_error_page(request) -> HttpResponse:
    """The 500 page in the site's style and the visitor's language. Rendered with the request
    in its context but without the context processors (as Django's own 500 page), so that it
    needs no database; plain HTML if even that fails."""
    try:
        body = render_to_string(
            "500.html", {"request": request, "AULA_BASE_URL": settings.AULA_BASE_URL}
        )
    except Exception:
        logger.exception("The server error page fell back to plain HTML")
        body = PLAIN_PAGE.format(
            lang=escape(getattr(request, "LANGUAGE_CODE", "en")),
            title=escape(_("Something went wrong")),
            text=escape(_("An error on our side kept this page from opening. Please try "
                          "again in a few minutes.")),
        )
    return HttpResponse(body, status=500)
