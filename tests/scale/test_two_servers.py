"""Two web servers (separate gunicorn processes, two workers each) sharing one database, as
several machines behind a proxy share PostgreSQL: registrations and cancellations spread over
both never confirm more than the capacity, every request gets an answer (no server error), and
the e-mails they write are delivered once each by the worker. With Redis, the servers share the
page cache and the registration rate limit too."""

import http.cookiejar
import itertools
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from aula.messaging.models import OutboxMessage
from aula.registrations.forms import STARTED_SALT
from aula.registrations.models import CapacityCounter, Registration
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.tasks.queues import DATABASE_TASKS, DatabaseQueue, redis_cache

Status = Registration.Status
# Enough clients to keep both servers' four workers busy; PostgreSQL on CI allows 100
# connections, shared with other test runs.
CLIENTS = 16
_addresses = itertools.count(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fresh_address() -> str:
    """A client address of its own (the servers trust one proxy's X-Forwarded-For)."""
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


class Visitor:
    """What a browser keeps between the form and its answer: the CSRF cookie and token, and
    the form's signed start time, here signed by the test process a minute ago (a person took
    a minute to fill it in): every server must accept what the others, sharing the secret key,
    signed."""

    def __init__(self, server, event):
        with translation.override("en"):
            self.path = reverse("registrations:register", kwargs={
                "project": event.project.slug, "event": event.slug})
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(server.url + self.path, timeout=60).read().decode()
        self.hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        self.hidden["started"] = signing.dumps(time.time() - 60, salt=STARTED_SALT)
        self.csrf_cookie = next(cookie.value for cookie in jar if cookie.name == "csrftoken")

    def post(self, url, fields, address=None):
        """(status, Location) of a POST that is not followed."""
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode({**self.hidden, **fields}).encode(), method="POST",
            headers={
                "Cookie": f"csrftoken={self.csrf_cookie}", "Referer": url,
                "X-Forwarded-For": address or fresh_address(),
            },
        )
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=120)
            return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:  # the 302 (not followed) arrives here too
            return error.code, error.headers.get("Location", "")

    def register(self, server, n, address=None):
        return self.post(server.url + self.path, {
            "first_name": "Ana", "family_name": f"Pop{n}", "email": f"web{n}@example.org",
            "organisation": "Kaunas 2022", "organisation_type": "LocalPublicAuthority",
            "country": "LT", "language": "en", "privacy": "on",
        }, address)

    def cancel(self, server, token):
        with translation.override("en"):
            path = reverse("registrations:cancel", kwargs={"token": token})
        return self.post(server.url + path, {})


def in_threads(func, jobs):
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(func, jobs))


def statuses(event) -> dict:
    found = dict.fromkeys(Status.values, 0)
    for status in Registration.objects.filter(event=event).values_list("status", flat=True):
        found[status] += 1
    return found


def taken(event) -> int:
    return CapacityCounter.objects.get(event=event, block=None).taken


def assert_answered(answers, servers):
    failed = [answer for answer in answers if answer[0] != 302]
    assert not failed, (failed[:5], [server.output() for server in servers])


def test_200_registrations_over_two_servers_for_50_places(web_servers):
    servers = web_servers(2, AULA_TRUSTED_PROXIES=1)
    event = make_event(capacity=50, options=NO_OPT_IN)
    visitor = Visitor(servers[0], event)

    answers = in_threads(lambda n: visitor.register(servers[n % 2], n), range(200))
    assert_answered(answers, servers)
    locations = Counter(location for _status, location in answers)
    assert locations == {
        f"{visitor.path}thanks/?result=confirmed": 50,
        f"{visitor.path}thanks/?result=waiting": 150,
    }
    assert statuses(event) == {"confirmed": 50, "waiting": 150, "held": 0, "cancelled": 0}
    assert taken(event) == 50
    kinds = Counter(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {"registration_confirmation": 50, "registration_waiting": 150}

    # The servers enqueued the deliveries on the database queue; one worker sends each e-mail
    # once, whichever server wrote it.
    with override_settings(TASKS=DATABASE_TASKS, AULA_MAIL_VIEWER=False):
        DatabaseQueue().run()
    recipients = Counter(message.to[0] for message in mail.outbox)
    assert recipients == Counter(f"web{n}@example.org" for n in range(200))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_cancellations_racing_registrations_over_two_servers(web_servers):
    servers = web_servers(2, AULA_TRUSTED_PROXIES=1)
    event = make_event(capacity=50, options=NO_OPT_IN)
    visitor = Visitor(servers[1], event)
    assert_answered(
        in_threads(lambda n: visitor.register(servers[n % 2], n), range(80)), servers
    )
    leaving = list(Registration.objects.filter(event=event, status=Status.CONFIRMED)
                   .order_by("?").values_list("token", flat=True)[:20])

    jobs = [("cancel", token) for token in leaving] + [("register", n) for n in range(100, 160)]
    jobs = [job for pair in zip(jobs[:20], jobs[20:40], strict=True) for job in pair] + jobs[40:]

    def run(numbered):
        index, (kind, value) = numbered
        server = servers[index % 2]
        if kind == "cancel":
            return visitor.cancel(server, value)
        return visitor.register(server, value)

    assert_answered(in_threads(run, enumerate(jobs)), servers)
    # 140 registrants, 20 cancelled; every freed place went to someone waiting.
    assert statuses(event) == {"confirmed": 50, "waiting": 70, "held": 0, "cancelled": 20}
    assert taken(event) == 50
    assert set(Registration.objects.filter(status=Status.CANCELLED)
               .values_list("token", flat=True)) == set(leaving)

    # Confirmations, waiting-list notes, cancellations and promotions, written by both
    # servers: each sent once.
    with override_settings(TASKS=DATABASE_TASKS, AULA_MAIL_VIEWER=False):
        DatabaseQueue().run()
    written = OutboxMessage.objects.values_list("message_id", flat=True)
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(written)
    kinds = Counter(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds["registration_cancellation"] == 20 and kinds["registration_promotion"] == 20


# --- With Redis: one cache for every server ---------------------------------------------------


def test_servers_sharing_redis_share_the_page_cache_and_the_rate_limit(web_servers, redis_url):
    servers = web_servers(
        2, AULA_REDIS_URL=redis_url, AULA_REGISTRATION_RATE_LIMIT="5/24h",
        AULA_TRUSTED_PROXIES=1,
    )
    event = make_event(capacity=100, title={"en": "Seminar on heritage"}, options=NO_OPT_IN)
    with translation.override("en"):
        page = reverse("events:event", kwargs={"project": event.project.slug,
                                               "event": event.slug})

    def title_on(server):
        with urllib.request.urlopen(server.url + page, timeout=60) as response:
            found = re.search(r"<title>([^<]*)</title>", response.read().decode())
        return found.group(1) if found else ""

    assert all("Seminar on heritage" in title_on(server) for server in servers)
    # Renamed by another process (here, the test) writing to the same Redis: no server keeps
    # serving the old page.
    with override_settings(CACHES=redis_cache(redis_url)):
        event.title = {"en": "Seminar on living heritage"}
        event.save()
    assert all("Seminar on living heritage" in title_on(server) for server in servers)

    # One address, twelve attempts spread over both servers: five a day, in all. (A day's
    # window: the count starts afresh at midnight UTC only.)
    visitor = Visitor(servers[0], event)
    address = fresh_address()
    answers = [visitor.register(servers[n % 2], n, address) for n in range(12)]
    assert [status for status, _location in answers].count(302) == 5
    assert [status for status, _location in answers].count(429) == 7
    assert Registration.objects.filter(event=event).count() == 5
