"""Public pages answered from this process's memory, before any other middleware runs.

Why: a cached page still paid for a dozen middleware, the shared cache's round trips and the
live registration box (a query and a template) on every request; on two cores that capped the
event page far below an announcement rush (see bench/README.md). Here a finished response —
every header the middleware added included — is kept for ``AULA_FASTLANE_SECONDS`` (default 2)
and replayed as is to the next anonymous GET/HEAD of the same host and path.

What may be kept is decided where the page is made: ``pagecache.cached_page`` marks a response
``fastlane`` only when it is the public, anonymous answer that any visitor may get. Nothing else
is ever stored. A content change in this process clears the lane at once (``pagecache.bump``);
other processes see it within the lane's seconds, and the places left in the registration box
may be that much older (browsers may keep the page for ``AULA_PAGE_BROWSER_SECONDS`` anyway).
Capacity is never decided from a page: it is checked under a lock at registration.

Two doors, one store. ``FastLaneMiddleware`` (first in ``MIDDLEWARE``) keeps the pages and
replays them wherever Django's handler runs (the test client, ``runserver``). ``WSGIFastLane``
wraps the WSGI application (``aula.wsgi``, what gunicorn serves) and replays a kept page before
Django builds a request at all: no ``WSGIRequest``, no ``request_started``/``request_finished``
signals (which check the database connections), no ``HttpResponse`` — the status line, header
list and body were prebuilt when the page was kept. It answers exactly what the middleware
would: the same entries under the same key (the raw Host header and path from the WSGI
environ), the same conditions (GET/HEAD, the lane switched on, no session cookie; a request
whose Cookie header merely mentions the session cookie's name is left to Django, which
decides exactly). ``tests/core/test_fastlane.py`` checks that both doors give the same bytes.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.http import HttpResponse

# Bounded: a path with a random query string must not grow the process without end.
MAX_ENTRIES = 256

_entries: OrderedDict[tuple[str, str], "_Entry"] = OrderedDict()
_lock = threading.Lock()


class _Entry:
    __slots__ = ("body", "content", "expires", "headers", "status", "status_line")

    def __init__(self, response, expires: float):
        self.status = response.status_code
        self.content = response.content
        self.headers = list(response.items())
        self.expires = expires
        # What Django's WSGIHandler would pass to start_response, and the body as one chunk.
        self.status_line = f"{response.status_code} {response.reason_phrase}"
        self.body = [self.content]

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def seconds() -> float:
    return getattr(settings, "AULA_FASTLANE_SECONDS", 2)


def clear() -> None:
    """Forget every kept page of this process (its content changed)."""
    with _lock:
        _entries.clear()


def _key(environ) -> tuple[str, str]:
    """The raw Host header and the path with its query string, as the WSGI server passed them
    (``request.META`` is that environ): an entry is only stored after the full stack accepted
    that host."""
    query = environ.get("QUERY_STRING")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return environ.get("HTTP_HOST", ""), f"{path}?{query}" if query else path


def _lookup(key) -> _Entry | None:
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return entry


def _keep(key, response, lifetime: float) -> None:
    entry = _Entry(response, time.monotonic() + lifetime)
    with _lock:
        _entries[key] = entry
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def _may_keep(request, response) -> bool:
    return (
        getattr(response, "fastlane", False)
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
    )


class FastLaneMiddleware:
    """First in ``MIDDLEWARE``: replay a kept public page, or keep the one the stack made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lifetime = seconds()
        if (
            lifetime <= 0
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        key = _key(request.META)
        entry = _lookup(key)
        if entry is not None:
            return entry.response()
        response = self.get_response(request)
        if _may_keep(request, response):
            _keep(key, response, lifetime)
        return response


class WSGIFastLane:
    """Wraps the WSGI application (``aula.wsgi``): a kept page is answered from prebuilt parts
    before Django's handler runs; everything else goes to Django unchanged."""

    def __init__(self, application):
        self.application = application
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and self.session_cookie not in environ.get("HTTP_COOKIE", "")
            and seconds() > 0
        ):
            entry = _lookup(_key(environ))
            if entry is not None:
                start_response(entry.status_line, entry.headers)
                return entry.body
        return self.application(environ, start_response)
