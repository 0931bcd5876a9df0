"""Exactly the capacity is ever taken, under real concurrency: threads with their own database
connections (file-backed SQLite in WAL mode, or PostgreSQL), and HTTP against the live server."""

import pytest

from aula.messaging.models import OutboxMessage
from aula.registrations import services
from aula.registrations.models import CapacityCounter, Registration, SessionChoice
from aula.registrations.services import Result, capacity
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot, person
from tests.registrations.live import in_threads, open_registration_form

Status = Registration.Status
pytestmark = pytest.mark.django_db(transaction=True)


def counter(event, block=None) -> int:
    return CapacityCounter.objects.get(event=event, block=block).taken


def statuses(event) -> dict:
    found = dict.fromkeys(Status.values, 0)
    for status in Registration.objects.filter(event=event).values_list("status", flat=True):
        found[status] += 1
    return found


@pytest.fixture(params=[False, True], ids=["rendered-now", "to-render"])
def rendering(request, settings):
    """Both ways a registration writes its e-mail: rendered in the transaction (the tests'
    default), or "to render" as in production — on PostgreSQL the registration's writes, its
    lock and its reads then go to the server in one pipeline (``sql.insert_lock_and_read``)."""
    settings.AULA_RENDER_EMAILS_IN_WORKER = request.param
    return request.param


# With and without the SQLite writers' file lock (aula.core.sqlite_writers): the same outcome.
@pytest.mark.parametrize("writer_lock", [True, False])
def test_200_registrations_for_50_places(settings, writer_lock, rendering):
    settings.AULA_SQLITE_WRITER_LOCK = writer_lock
    event = make_event(options=NO_OPT_IN, capacity=50)
    outcomes = in_threads(lambda n: services.register(event, person(n)), range(200))
    results = [outcome.result for outcome in outcomes]
    assert results.count(Result.CONFIRMED) == 50
    assert results.count(Result.WAITING) == 150
    assert statuses(event) == {"confirmed": 50, "waiting": 150, "held": 0, "cancelled": 0}
    assert counter(event) == 50
    # Every registrant got exactly one e-mail, the right one.
    assert OutboxMessage.objects.filter(kind="registration_confirmation").count() == 50
    assert OutboxMessage.objects.filter(kind="registration_waiting").count() == 150
    # The waiting list is in a strict order (promotion picks the oldest first).
    waiting = list(Registration.objects.filter(status=Status.WAITING).values_list(
        "waiting_since", flat=True))
    assert all(moment is not None for moment in waiting)


@pytest.mark.parametrize("waiting_list", [False, True])
def test_a_parallel_session_is_never_overbooked(waiting_list, rendering):
    """Without a waiting list the others are refused; with one, they wait for their session."""
    event = make_event(capacity=100, options={**NO_OPT_IN, "waiting_list": waiting_list})
    a, b = make_slot(event, 10, 10)
    outcomes = in_threads(
        lambda n: services.register(event, person(n, sessions=[a.pk if n % 4 else b.pk])),
        range(80),
    )
    confirmed_a = SessionChoice.objects.filter(block=a, registration__status=Status.CONFIRMED)
    confirmed_b = SessionChoice.objects.filter(block=b, registration__status=Status.CONFIRMED)
    assert confirmed_a.count() == 10 == counter(event, a)
    assert confirmed_b.count() == 10 == counter(event, b)
    others = Result.WAITING if waiting_list else Result.SESSION_FULL
    assert [o.result for o in outcomes].count(others) == 60
    assert statuses(event)["confirmed"] == 20 == counter(event)
    assert Registration.objects.count() == (80 if waiting_list else 20)


def test_cancellations_and_registrations_at_once_keep_the_count_exact(rendering):
    event = make_event(options=NO_OPT_IN, capacity=50)
    in_threads(lambda n: services.register(event, person(n)), range(80))
    leaving = list(Registration.objects.filter(status=Status.CONFIRMED)[:20])

    def job(item):
        kind, value = item
        if kind == "cancel":
            return services.cancel(value)
        return services.register(event, person(value))

    jobs = [("cancel", r) for r in leaving] + [("register", n) for n in range(100, 160)]
    jobs = [job for pair in zip(jobs[:20], jobs[20:40], strict=True) for job in pair] + jobs[40:]
    in_threads(job, jobs)
    found = statuses(event)
    # 140 registrants, 20 cancelled; every freed place went to someone waiting.
    assert found["cancelled"] == 20
    assert found["confirmed"] == 50 == counter(event)
    assert found["waiting"] == 70


def test_the_same_address_many_times_at_once_is_one_registration(rendering):
    event = make_event(options=NO_OPT_IN, capacity=50)
    outcomes = in_threads(lambda n: services.register(event, person(1)), range(30))
    assert Registration.objects.filter(event=event).count() == 1
    assert counter(event) == 1
    assert all(outcome.result == Result.CONFIRMED for outcome in outcomes)
    assert sum(1 for outcome in outcomes if not outcome.existing) == 1


def test_double_opt_in_holds_count_against_the_capacity():
    event = make_event(capacity=20, options={"double_opt_in": True})
    outcomes = in_threads(lambda n: services.register(event, person(n)), range(60))
    assert [o.result for o in outcomes].count(Result.HELD) == 20
    assert statuses(event)["held"] == 20 == counter(event)
    # Everyone confirms at once: still 20 places.
    tokens = list(Registration.objects.values_list("token", flat=True))
    in_threads(services.confirm_email, tokens)
    assert statuses(event)["confirmed"] == 20 == counter(event)


def test_a_transaction_the_database_gave_up_on_is_tried_again():
    from django.db import OperationalError, transaction

    calls = []

    def flaky():
        calls.append(transaction.get_connection().in_atomic_block)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "done"

    assert services.run_in_transaction(flaky) == "done"
    assert calls == [True, True, True]

    def broken():
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError):
        services.run_in_transaction(broken)
    # Inside an outer transaction nothing can be retried: the error goes up at once.
    calls.clear()
    with pytest.raises(OperationalError), transaction.atomic():
        services.run_in_transaction(flaky)
    assert len(calls) == 1


# --- Through HTTP -----------------------------------------------------------------------------


def test_200_http_registrations_for_50_places(live_server, settings):
    event = make_event(options=NO_OPT_IN, capacity=50)
    form = open_registration_form(live_server, settings, event)

    answers = in_threads(form.post, range(200), max_workers=16)
    assert {answer.status for answer in answers} == {302}
    locations = [answer.location for answer in answers]
    assert locations.count(f"{form.path}thanks/?result=confirmed") == 50
    assert locations.count(f"{form.path}thanks/?result=waiting") == 150
    assert statuses(event) == {"confirmed": 50, "waiting": 150, "held": 0, "cancelled": 0}
    assert counter(event) == 50


def test_overlapping_reminder_ticks_send_each_reminder_once():
    from datetime import timedelta

    event = make_event(options=NO_OPT_IN, capacity=100)
    start = event.starts_at
    in_threads(lambda n: services.register(event, person(n), now=start - timedelta(days=3)),
               range(40))
    counts = in_threads(
        lambda _n: services.send_due_reminders(now=start - timedelta(minutes=30)), range(8)
    )
    assert sum(counts) == 40
    assert OutboxMessage.objects.filter(kind="registration_reminder").count() == 40


def test_a_retried_cancellation_counts_once(monkeypatch):
    from django.db import OperationalError

    event = make_event(options=NO_OPT_IN, capacity=1)
    services.register(event, person(1))
    original = capacity._adjust
    failures = []

    def fail_once(*args, **kwargs):
        if not failures:
            failures.append(True)
            raise OperationalError("database is locked")
        return original(*args, **kwargs)

    monkeypatch.setattr(capacity, "_adjust", fail_once)
    services.cancel(Registration.objects.get())  # the first attempt fails and is retried
    assert failures and counter(event) == 0
    assert services.register(event, person(2)).result == Result.CONFIRMED
    assert counter(event) == 1


def test_a_retried_registration_starts_afresh(monkeypatch):
    """The first attempt takes the last place and is rolled back; while it waits to retry,
    someone else takes the place. The retry must not keep the first attempt's id or its
    confirmation time."""
    from types import SimpleNamespace

    from django.db import OperationalError

    event = make_event(options=NO_OPT_IN, capacity=1)
    original = capacity.emails.queue_later
    failures = []

    def fail_once(*args, **kwargs):
        if not failures:
            failures.append(True)
            raise OperationalError("database is locked")
        return original(*args, **kwargs)

    def someone_else_meanwhile(_seconds):
        assert services.register(event, person(2)).result == Result.CONFIRMED

    monkeypatch.setattr(capacity.emails, "queue_later", fail_once)
    monkeypatch.setattr(capacity, "time", SimpleNamespace(sleep=someone_else_meanwhile))
    outcome = services.register(event, person(1))
    assert failures and outcome.result == Result.WAITING
    registration = Registration.objects.get(email="person1@example.org")
    assert registration.status == Status.WAITING and registration.confirmed_at is None
    assert statuses(event) == {"confirmed": 1, "waiting": 1, "held": 0, "cancelled": 0}
    assert counter(event) == 1


# --- Capacity cuts racing registrations ---------------------------------------------------------


def _interleave(registrations: list, cuts: list) -> list:
    """Cuts spread evenly among the registrations, so they land while places are taken."""
    step = max(1, len(registrations) // (len(cuts) + 1))
    jobs = list(registrations)
    for index, cut in enumerate(cuts, start=1):
        jobs.insert(min(len(jobs), index * step + index - 1), cut)
    return jobs


@pytest.mark.parametrize("round_", range(3))
def test_registrations_racing_capacity_cuts_never_overbook(round_, rendering):
    """Three rounds: a cut that commits while registrations wait for the lock must be seen by
    each of them (on PostgreSQL, read after the lock, not joined to the locking statement)."""
    from django.core.exceptions import ValidationError

    event = make_event(options=NO_OPT_IN, capacity=40)

    def job(item):
        kind, value = item
        if kind == "register":
            return services.register(event, person(value)).result
        try:
            services.change_event_capacity(event, value, actor=None)
        except ValidationError:
            return "refused"
        return "cut"

    cuts = [("cut", capacity) for capacity in (35, 30, 25, 20, 15, 10, 5)]
    answers = in_threads(job, _interleave([("register", n) for n in range(60)], cuts))
    event.refresh_from_db()
    found = statuses(event)
    assert found["confirmed"] == counter(event) <= event.capacity
    assert found["confirmed"] + found["waiting"] == 60
    assert answers.count("cut") + answers.count("refused") == len(cuts)


def test_registrations_racing_session_cuts_never_overbook_the_session(rendering):
    """Both ways a session's capacity changes: ``change_session_capacity`` and the agenda's
    own save, which sends ``session_capacity_changing`` inside its transaction."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from aula.events import services as event_services
    from aula.events.models import AgendaBlock

    event = make_event(capacity=200, options={**NO_OPT_IN, "waiting_list": False})
    a, b = make_slot(event, 30, 200)

    def agenda_save(capacity):
        with transaction.atomic():
            block = AgendaBlock.objects.get(pk=a.pk)
            event_services.session_capacity_changing.send(
                sender=AgendaBlock, block=block, capacity=capacity
            )
            block.capacity = capacity
            block.save(update_fields=["capacity"])

    def job(item):
        kind, value = item
        if kind == "register":
            return services.register(event, person(value, sessions=[a.pk])).result
        try:
            if kind == "cut":
                services.change_session_capacity(a, value, actor=None)
            else:
                agenda_save(value)
        except ValidationError:
            return "refused"
        return "cut"

    cuts = [("cut" if n % 2 else "agenda", capacity)
            for n, capacity in enumerate((25, 20, 15, 12, 10, 8))]
    answers = in_threads(job, _interleave([("register", n) for n in range(50)], cuts))
    a.refresh_from_db()
    in_a = SessionChoice.objects.filter(
        block=a, registration__status__in=Registration.PLACE_TAKING
    ).count()
    assert in_a == counter(event, a) <= a.capacity
    assert answers.count("cut") + answers.count("refused") == len(cuts)
    assert Registration.objects.filter(event=event).count() == in_a == counter(event)


def test_moves_into_a_session_racing_registrations_never_overbook_it():
    event = make_event(options=NO_OPT_IN, capacity=200)
    a, b = make_slot(event, 10, 100)
    movers = [services.register(event, person(n, sessions=[b.pk])).registration
              for n in range(30)]

    def job(item):
        kind, value = item
        if kind == "move":
            try:
                return services.switch_session(value, a)
            except services.SessionFull:
                return "full"
        return services.register(event, person(value, sessions=[a.pk])).result

    jobs = [job for pair in zip(
        [("move", r) for r in movers], [("register", n) for n in range(100, 130)], strict=True
    ) for job in pair]
    outcomes = in_threads(job, jobs)
    in_a = SessionChoice.objects.filter(block=a, registration__status__in=[
        Status.CONFIRMED, Status.HELD])
    assert in_a.count() == 10 == counter(event, a)
    in_b = SessionChoice.objects.filter(block=b, registration__status=Status.CONFIRMED)
    assert in_b.count() == counter(event, b)
    assert counter(event) == Registration.objects.filter(status=Status.CONFIRMED).count()
    moved = sum(1 for outcome in outcomes[0::2] if outcome != "full")
    registered = outcomes[1::2].count(Result.CONFIRMED)
    assert moved + registered == 10


def test_a_bulk_move_racing_registrations_never_overbooks_the_session():
    from tests.factories import organiser

    event = make_event(options=NO_OPT_IN, capacity=200)
    a, b = make_slot(event, 8, 100)
    movers = [services.register(event, person(n, sessions=[b.pk])).registration
              for n in range(20)]
    actor = organiser()

    def job(item):
        if item == "bulk":
            return services.bulk_move(event, [r.pk for r in movers], a, actor=actor)
        return services.register(event, person(item, sessions=[a.pk])).result

    in_threads(job, ["bulk", *range(100, 120)])
    assert SessionChoice.objects.filter(
        block=a, registration__status=Status.CONFIRMED
    ).count() == 8 == counter(event, a)
    assert counter(event, b) == SessionChoice.objects.filter(
        block=b, registration__status=Status.CONFIRMED
    ).count()
