"""Real concurrency for the registration tests: a pool of threads, each with its own database
connection, and the registration form posted over HTTP to the live server.

Shared by ``test_concurrency.py`` (exactly the capacity, through the services and through HTTP)
and ``test_lost_connection.py`` (the same rush while database backends are killed)."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, connections
from django.urls import reverse


def workers() -> int:
    # PostgreSQL on the CI machine allows 100 connections, shared with other test runs.
    return 32 if connection.vendor == "sqlite" else 16


def in_threads(func, jobs, max_workers=None):
    """Run ``func(job)`` for every job on a pool of threads; every exception is re-raised."""

    def run(job):
        try:
            return func(job)
        finally:
            connections.close_all()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=max_workers or workers()) as pool:
        return list(pool.map(run, jobs))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Answer(NamedTuple):
    email: str
    status: int
    location: str
    retry_after: str


@dataclass
class LiveRegistrationForm:
    """An event's registration form as a browser got it (hidden fields, CSRF cookie), posted
    again and again with a different registrant each time."""

    path: str
    url: str
    hidden: dict
    csrf_cookie: str

    def post(self, n) -> Answer:
        """Register ``http<n>@example.org``; the answer is not followed (302 stays 302)."""
        email = f"http{n}@example.org"
        fields = {
            **self.hidden,
            "first_name": "Ana", "family_name": f"Pop{n}", "email": email,
            "organisation": "Kaunas 2022", "organisation_type": "LocalPublicAuthority",
            "country": "LT", "language": "en", "privacy": "on",
        }
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(fields).encode(), method="POST",
            headers={"Cookie": f"csrftoken={self.csrf_cookie}", "Referer": self.url},
        )
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=120)
            return Answer(email, response.status, response.headers.get("Location", ""), "")
        except urllib.error.HTTPError as error:  # 302 (not followed) arrives here
            return Answer(email, error.code, error.headers.get("Location", ""),
                          error.headers.get("Retry-After", ""))


def open_registration_form(live_server, settings, event) -> LiveRegistrationForm:
    """GET ``event``'s form from the live server, with the fill-time and rate checks off (the
    same browser posts many times at once)."""
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    settings.AULA_REGISTRATION_RATE_LIMIT = ""
    path = reverse(
        "registrations:register", kwargs={"project": event.project.slug, "event": event.slug}
    )
    url = live_server.url + path
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(url).read().decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    csrf_cookie = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    return LiveRegistrationForm(path, url, hidden, csrf_cookie)
