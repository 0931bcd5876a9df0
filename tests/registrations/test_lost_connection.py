"""A registration survives its database connection dying: ``run_in_transaction`` tries once
more on a fresh connection; a request that still cannot reach the database answers 503, never
500. On PostgreSQL, backends are really killed (``pg_terminate_backend``) during a rush."""

import re
import threading
import time
from collections import Counter

import pytest
from django.db import OperationalError, connection, connections
from django.db.models import Count

from aula.messaging.models import OutboxMessage
from aula.registrations import services
from aula.registrations.models import CapacityCounter, Registration
from aula.registrations.services import capacity
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import person
from tests.registrations.live import in_threads, open_registration_form

Status = Registration.Status
pytestmark = pytest.mark.django_db(transaction=True)


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("killing database backends (pg_terminate_backend) needs PostgreSQL; "
                    "set AULA_DATABASE_URL to a PostgreSQL server to run this test")


LOST = "terminating connection due to administrator command"


# --- The retry, one fault at a time (any database) -----------------------------------------


def test_a_registration_whose_connection_died_is_stored_once_on_a_new_connection(monkeypatch):
    event = make_event(options=NO_OPT_IN, capacity=10)
    real = capacity._register_locked
    calls = []
    closed = []
    real_close = type(connections["default"]).close

    def dies_once(*args, **kwargs):
        calls.append(1)
        outcome = real(*args, **kwargs)  # everything written, then the connection dies
        if len(calls) == 1:
            raise OperationalError(LOST)
        return outcome

    def close(self):
        closed.append(self.alias)
        return real_close(self)

    monkeypatch.setattr(capacity, "_register_locked", dies_once)
    monkeypatch.setattr(type(connections["default"]), "close", close)
    outcome = services.register(event, person(1))
    assert outcome.result == services.Result.CONFIRMED and not outcome.existing
    assert len(calls) == 2
    assert closed  # the broken connection was dropped before the retry
    assert Registration.objects.filter(event=event).count() == 1
    assert CapacityCounter.objects.get(event=event, block=None).taken == 1
    assert OutboxMessage.objects.filter(
        recipient__iexact="person1@example.org", kind="registration_confirmation"
    ).count() == 1


def test_a_lost_connection_is_retried_only_once(monkeypatch):
    event = make_event(options=NO_OPT_IN, capacity=10)
    calls = []

    def always_dies(*args, **kwargs):
        calls.append(1)
        raise OperationalError(LOST)

    monkeypatch.setattr(capacity, "_register_locked", always_dies)
    with pytest.raises(OperationalError):
        services.register(event, person(1))
    assert len(calls) == 2
    assert not Registration.objects.exists()


def test_lock_contention_keeps_its_own_retries_beside_the_reconnection():
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) in (1, 3):
            raise OperationalError("database is locked")
        if len(attempts) == 2:
            raise OperationalError(LOST)
        return "done"

    assert services.run_in_transaction(flaky) == "done"
    assert len(attempts) == 4


def test_inside_an_outer_transaction_a_lost_connection_goes_up():
    from django.db import transaction

    calls = []

    def dies():
        calls.append(1)
        raise OperationalError(LOST)

    with pytest.raises(OperationalError), transaction.atomic():
        services.run_in_transaction(dies)
    assert calls == [1]


# --- Backends killed during a rush (PostgreSQL) ---------------------------------------------


class Killer(threading.Thread):
    """Terminates every backend of the test database but its own and the test's, every
    ``interval`` seconds, until stopped."""

    def __init__(self, spare_pid: int, interval: float = 0.4):
        super().__init__(daemon=True)
        self.spare_pid = spare_pid
        self.interval = interval
        self.stopping = threading.Event()
        self.killed = 0

    def run(self):
        try:
            with connections["default"].cursor() as cursor:
                while not self.stopping.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM ("
                        " SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        " AND pid <> %s AND backend_type = 'client backend') AS killed",
                        [self.spare_pid],
                    )
                    self.killed += cursor.fetchone()[0]
                    time.sleep(self.interval)
        finally:
            connections.close_all()

    def stop(self):
        self.stopping.set()
        self.join()


def check_stored_once(event, accepted_emails, capacity_):
    rows = Registration.objects.filter(event=event)
    doubles = rows.values("email").annotate(n=Count("id")).filter(n__gt=1)
    assert not doubles.exists()
    stored = {email.lower() for email in rows.values_list("email", flat=True)}
    assert {email.lower() for email in accepted_emails} <= stored
    confirmed = rows.filter(status=Status.CONFIRMED).count()
    assert confirmed <= capacity_
    taking = rows.filter(status__in=Registration.PLACE_TAKING).count()
    counter = CapacityCounter.objects.filter(event=event, block=None).first()
    assert (counter.taken if counter else 0) == taking
    # One confirmation or waiting-list e-mail per stored registration: the rolled-back attempt
    # left none behind.
    mails = Counter(
        recipient.lower() for recipient in OutboxMessage.objects.filter(
            kind__in=["registration_confirmation", "registration_waiting"]
        ).values_list("recipient", flat=True)
    )
    assert set(mails) == stored
    assert set(mails.values()) <= {1}
    return rows.count(), confirmed


def test_registrations_while_backends_are_killed_are_each_stored_once(caplog):
    needs_postgresql()
    event = make_event(options=NO_OPT_IN, capacity=60)
    spare = connection.cursor().connection.info.backend_pid
    killer = Killer(spare)
    answered = []
    failed = []

    def job(n):
        try:
            outcome = services.register(event, person(n))
        except OperationalError as error:  # the retry's connection died too: a 503 in a view
            failed.append(str(error))
            return
        if outcome.accepted:
            answered.append(person(n)["email"])

    killer.start()
    try:
        in_threads(job, range(240), max_workers=12)
    finally:
        killer.stop()
    assert killer.killed > 0
    total, confirmed = check_stored_once(event, answered, 60)
    assert total >= len(answered) > 0
    retried = [r for r in caplog.records if "retried on a new connection" in r.getMessage()]
    print(f"killed {killer.killed}, retried {len(retried)}, answered {len(answered)}, "
          f"failed {len(failed)}, stored {total}, confirmed {confirmed}")


def test_http_registrations_while_backends_are_killed_never_answer_500(live_server, settings):
    needs_postgresql()
    event = make_event(options=NO_OPT_IN, capacity=50)
    form = open_registration_form(live_server, settings, event)

    spare = connection.cursor().connection.info.backend_pid
    killer = Killer(spare)
    killer.start()
    try:
        answers = in_threads(form.post, range(200), max_workers=12)
    finally:
        killer.stop()
    codes = Counter(answer.status for answer in answers)
    print(f"killed {killer.killed}, answers {dict(codes)}")
    assert killer.killed > 0
    assert set(codes) <= {302, 503}, codes
    assert codes[302] > 0
    assert all(answer.retry_after for answer in answers if answer.status == 503)
    accepted = [
        answer.email for answer in answers
        if answer.status == 302 and re.search(r"result=(confirmed|waiting)", answer.location)
    ]
    assert len(accepted) == codes[302]
    check_stored_once(event, accepted, 50)
