"""Django-side steps of the benchmark, run in their own process by bench/run.py:

    python bench/helper.py <step> [args]   (settings from the environment, like manage.py)

Each step prints one JSON object on its last line of stdout. Bench data only: it runs against
the throw-away database of one bench run (AULA_VAR_DIR / AULA_DATABASE_URL set by run.py).
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aula.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from aula.demo import seminar  # noqa: E402
from aula.events.models import AgendaBlock, Event  # noqa: E402
from aula.registrations.models import CapacityCounter, Registration  # noqa: E402

CAPACITY = 2000


def demo_event() -> Event:
    return Event.objects.get(project__slug=seminar.PROJECT["slug"], slug=seminar.EVENT["slug"])


def out(data: dict) -> None:
    print(json.dumps(data), flush=True)


def setup() -> None:
    """Capacity 2,000, registration open now, parallel sessions without their own limit."""
    event = demo_event()
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        capacity=CAPACITY,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=event.starts_at,
    )
    AgendaBlock.objects.filter(event=event).update(capacity=None)
    # The places are confirmed at once (the demo asks registrants to confirm their address,
    # which would leave them all held): the run checks 2,000 confirmed / 3,000 waiting.
    from aula.registrations.models import RegistrationOptions

    RegistrationOptions.objects.update_or_create(event=event, defaults={"double_opt_in": False})
    out({"event": event.pk, "path": f"/en/p/{event.project.slug}/{event.slug}/",
         "starts_at": event.starts_at.isoformat()})


def reset() -> None:
    """Forget every registration of the demo event (between the two registration runs)."""
    from django.db import IntegrityError

    from aula.messaging.models import OutboxMessage
    from aula.registrations.models import SessionChoice

    event = demo_event()
    for attempt in range(10):
        try:
            with transaction.atomic():
                ids = list(Registration.objects.filter(event=event).values_list("id", flat=True))
                SessionChoice.objects.filter(registration_id__in=ids).delete()
                OutboxMessage.objects.filter(registration_id__in=ids).delete()
                Registration.objects.filter(event=event).delete()
                CapacityCounter.objects.filter(event=event).update(taken=0)
            break
        except IntegrityError:
            # The task worker (running behind, at its lower priority) attached a calendar
            # file to one of these e-mails meanwhile: try again.
            if attempt == 9:
                raise
            time.sleep(1)
    out({"deleted": len(ids)})


def verify() -> None:
    event = demo_event()
    counts = {s: Registration.objects.filter(event=event, status=s).count()
              for s in Registration.Status.values}
    counter = CapacityCounter.objects.filter(event=event, block__isnull=True).first()
    out({**counts, "counter": counter.taken if counter else None})


def outbox(n: int, smtp_limit: float) -> None:
    """Queue ``n`` confirmation e-mails with the event's .ics, then time deliver_due until the
    outbox is empty (bounded by ``smtp_limit`` seconds). AULA_EMAIL_URL points at the sink."""
    from django.conf import settings

    from aula.messaging import services as messaging
    from aula.messaging.models import OutboxMessage
    from aula.registrations import emails

    assert "smtp" in settings.EMAIL_BACKEND, settings.EMAIL_BACKEND
    event = demo_event()
    # Whatever the registration runs left in the outbox is not part of this figure.
    OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now()
    )
    registrations = list(Registration.objects.filter(event=event).order_by("id")[:n])
    missing = n - len(registrations)
    if missing > 0:
        registrations += [
            Registration.objects.create(
                event=event, email=f"outbox{i}@example.org", first_name="Out",
                family_name=f"Box{i}",
                organisation="Bench", organisation_type="other", country="RO",
                status=Registration.Status.WAITING, waiting_since=timezone.now(),
            ) for i in range(missing)
        ]
    started = time.perf_counter()
    # One rendering with a per-registrant calendar file (the expensive part stays per person).
    template = registrations[0]
    prepared = emails.prepare("confirmation", template, event,
                              attachments=[emails.calendar_attachment(template, event)])
    for start in range(0, n, 1000):
        chunk = registrations[start:start + 1000]
        with transaction.atomic():
            emails.send_many([
                (emails.Prepared(prepared.name, prepared.rendered,
                                 (emails.calendar_attachment(r, event),)), r)
                for r in chunk
            ], event)
    queue_seconds = time.perf_counter() - started
    queued = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).count()
    started = time.perf_counter()
    sent = 0
    reports = []
    while time.perf_counter() - started < smtp_limit:
        left = smtp_limit - (time.perf_counter() - started)
        report = messaging.deliver_due(max_seconds=max(1.0, left))
        sent += report.sent
        reports.append(report.as_dict())
        if report.stopped_by or not (report.sent or report.retried or report.postponed):
            break
        if not OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).exists():
            break
    seconds = time.perf_counter() - started
    out({"queued": queued, "queue_seconds": round(queue_seconds, 2), "sent": sent,
         "seconds": round(seconds, 2), "per_second": round(sent / seconds, 1) if seconds else 0,
         "left": OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).count(),
         "stopped_by": next((r["stopped_by"] for r in reports if r["stopped_by"]), ""),
         "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


def populate(total: int) -> None:
    """Bulk-create registrations until the demo event has ``total``."""
    import random

    from aula.registrations.models import PrivacyNotice

    event = demo_event()
    have = Registration.objects.filter(event=event).count()
    notice = PrivacyNotice.objects.filter(project=event.project).first()
    rng = random.Random(42)
    first = ["Ana", "Ion", "Maria", "Jonas", "Petra", "Luca", "Ivana", "Eva", "Marco", "Daan"]
    family = ["Popescu", "Kazlauskas", "de Vries", "Rossi", "Horvat", "Smith", "Ionescu", "Bianchi"]
    countries = ["RO", "LT", "NL", "IT", "HR", "BE", "DE", "FR"]
    from aula.registrations.models import OrganisationType
    types = list(OrganisationType.values)
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for i in range(have, total):
        status = rng.choice(["confirmed", "confirmed", "confirmed", "waiting", "cancelled"])
        batch.append(Registration(
            event=event, email=f"person{i}@org{i % 997}.example.org",
            first_name=rng.choice(first), family_name=f"{rng.choice(family)}",
            organisation=f"Organisation {i % 997}", organisation_type=rng.choice(types),
            country=rng.choice(countries), language=rng.choice(["en", "ro", "it"]),
            status=status, created_at=now - timedelta(seconds=i),
            confirmed_at=now if status == "confirmed" else None,
            waiting_since=now if status == "waiting" else None,
            cancelled_at=now if status == "cancelled" else None,
            privacy_notice=notice, privacy_accepted_at=now,
            answers={},
        ))
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
    if batch:
        Registration.objects.bulk_create(batch)
    # 100,000 rows written in seconds: a real event gathers them over weeks, during which the
    # database's autovacuum refreshes the planner's statistics. Without this the planner still
    # believes the table small and sorts every row for the first page.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out({"had": have, "total": Registration.objects.filter(event=event).count(),
         "seconds": round(time.perf_counter() - started, 1)})


def console(repeats: int) -> None:
    """Server time of the registrant list's first page and of a filtered search: the console
    view through Django's test client (logged in as the demo organiser) when it answers 200,
    and the query function alone. Median of ``repeats`` after one warm-up."""
    from django.test import Client
    from django.utils import translation

    from aula.console import registrant_queries as rq
    from aula.core.services import ensure_organiser

    event = demo_event()
    result = {"registrants": Registration.objects.filter(event=event).count()}
    cases = {
        "first_page": {},
        "search": {"q": "kazlauskas", "status": "confirmed", "country": "LT"},
    }
    translation.activate("en")
    for name, params in cases.items():
        filters = rq.Filters(**params)
        times = []
        for _ in range(repeats + 1):
            t = time.perf_counter()
            page = rq.registrant_page(event, filters, 1)
            times.append(time.perf_counter() - t)
        times = sorted(times[1:])
        result[f"{name}_query_ms"] = round(times[len(times) // 2] * 1000, 1)
        result[f"{name}_rows"] = page.count
    # The whole view (middleware, permission check, template) through the test client.
    login = ensure_organiser()
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.get(username=login.username)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = f"/en/console/e/{event.pk}/registrants/"
    for name, params in cases.items():
        times, status = [], None
        for _ in range(repeats + 1):
            t = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - t)
            status = response.status_code
        times = sorted(times[1:])
        result[f"{name}_view_status"] = status
        if status == 200:
            result[f"{name}_view_ms"] = round(times[len(times) // 2] * 1000, 1)
    out(result)


def export(fmt: str) -> None:
    """One export of the demo event (all registrants) into a temp file: time and peak RSS."""
    import tempfile

    from django.utils import translation

    from aula.console import exports

    event = demo_event()
    translation.activate("en")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    size = 0
    if fmt == "csv":
        with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as handle:
            for chunk in exports.csv_chunks(event):
                handle.write(chunk)
            size = handle.tell()
    else:
        handle = exports.xlsx_file(event)
        handle.seek(0, 2)
        size = handle.tell()
        handle.close()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out({"format": fmt, "seconds": round(seconds, 2), "bytes": size,
         "peak_rss_mib": round(peak / 1024, 1), "rss_before_mib": round(base / 1024, 1)})


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    {
        "setup": setup, "reset": reset, "verify": verify,
        "outbox": lambda: outbox(int(args[0]), float(args[1])),
        "populate": lambda: populate(int(args[0])),
        "console": lambda: console(int(args[0]) if args else 5),
        "export": lambda: export(args[0]),
    }[step]()
