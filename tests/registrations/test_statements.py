"""The registration path at the database's pace (bench/README.md, 2026-12-06): how many SQL
statements one registration costs and how many run while the event's counter is locked, and
its e-mail written "to render" and rendered by the delivery worker."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from aula.messaging import services as messaging
from aula.messaging.models import OutboxMessage
from aula.registrations import queries, services
from aula.registrations.models import CapacityCounter, Registration
from aula.registrations.services import Result
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot, person

Status = Registration.Status
POSTGRES = connection.vendor == "postgresql"


def _register(event, n, **fields):
    setup = queries.registration_setup(event)
    taken = queries.places_taken(event)
    with CaptureQueriesContext(connection) as captured:
        outcome = services.register(event, person(n, **fields), setup=setup, taken=taken)
    return outcome, [q["sql"] for q in captured.captured_queries]


def _transaction(sql):
    begin = next(i for i, s in enumerate(sql) if s.upper().startswith("BEGIN"))
    end = next(i for i, s in enumerate(sql) if s.upper() == "COMMIT")
    return sql[begin + 1:end + 1]


def _locked(sql):
    """The statements from the one that takes the counter's lock (the first on the counter:
    the writes before it touch no counter) to the commit."""
    statements = _transaction(sql)
    lock = next(i for i, s in enumerate(statements) if "registrations_capacitycounter" in s)
    return statements[lock:]


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_registration_holds_the_lock_for_two_statements_and_the_commit(
    no_worker, render_in_worker
):
    event = make_event(options=NO_OPT_IN, capacity=10)
    services.register(event, person(1))  # the counter exists
    outcome, sql = _register(event, 2)
    assert outcome.result == Result.CONFIRMED
    locked = _locked(sql)
    # Take the place (UPDATE … RETURNING, which takes the lock), read the event, commit.
    assert len(locked) == 3, locked
    assert "RETURNING" in locked[0] and locked[-1] == "COMMIT"
    # Before it, in the same transaction: the registration and its e-mail (to render), in one
    # statement on PostgreSQL (one per table on SQLite, where a statement is no round trip).
    assert len(_transaction(sql)) == (4 if POSTGRES else 5), "\n".join(
        s[:60] for s in _transaction(sql))
    # And nothing before the transaction: the address's unique constraint is its check.
    assert sql[0].upper().startswith("BEGIN") or "SAVEPOINT" in sql[0], sql[0]
    assert CapacityCounter.objects.get(event=event, block=None).taken == 2


@pytest.mark.django_db(transaction=True)
def test_with_a_session_the_same_two_statements_under_the_lock_on_postgresql(
    no_worker, render_in_worker
):
    event = make_event(options=NO_OPT_IN, capacity=10)
    a, _b = make_slot(event, 5, 5)
    services.register(event, person(1, sessions=[a.pk]))
    outcome, sql = _register(event, 2, sessions=[a.pk])
    assert outcome.result == Result.CONFIRMED
    locked = _locked(sql)
    # Take the place; read the event with the session's place taken (PostgreSQL: one
    # statement; SQLite, which cannot write in a WITH, takes it in a statement of its own,
    # no round trip there); commit.
    assert len(locked) == (3 if POSTGRES else 4), locked
    assert "RETURNING" in locked[1 if POSTGRES else 2] and "events_event" in locked[1]
    assert CapacityCounter.objects.get(block=a).taken == 2
    assert CapacityCounter.objects.get(event=event, block=None).taken == 2


@pytest.mark.django_db(transaction=True)
def test_joining_the_waiting_list_locks_reads_and_commits(no_worker, render_in_worker):
    """Expected to wait: the counter locked (no place taken), the event and the session's
    counter read in one statement, the commit; the counters stay as they were."""
    event = make_event(options=NO_OPT_IN, capacity=1)
    a, _b = make_slot(event, 5, 5)
    services.register(event, person(1, sessions=[a.pk]))
    outcome, sql = _register(event, 2, sessions=[a.pk])
    assert outcome.result == Result.WAITING and outcome.registration.status == Status.WAITING
    locked = _locked(sql)
    assert len(locked) == 3, locked
    assert ("FOR UPDATE" in locked[0]) == POSTGRES and "events_event" in locked[1]
    assert CapacityCounter.objects.get(block=a).taken == 1
    assert CapacityCounter.objects.get(event=event, block=None).taken == 1


@pytest.mark.django_db(transaction=True)
def test_a_place_taken_meanwhile_rolls_the_first_attempt_back(
    no_worker, render_in_worker
):
    """The form saw a free place, the lock says there is none: the place taken by the first
    statement, the row and its e-mail are rolled back, and the registrant waits."""
    event = make_event(options=NO_OPT_IN, capacity=1)
    setup = queries.registration_setup(event)
    assert services.register(event, person(1)).result == Result.CONFIRMED
    outcome = services.register(event, person(2), setup=setup, taken=0)  # a stale snapshot
    assert outcome.result == Result.WAITING
    assert CapacityCounter.objects.get(event=event, block=None).taken == 1
    assert outcome.registration.status == Status.WAITING
    kinds = sorted(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == ["registration_confirmation", "registration_waiting"]


@pytest.mark.django_db(transaction=True)
def test_a_refused_registration_writes_nothing(
    no_worker, render_in_worker
):
    event = make_event(options={**NO_OPT_IN, "waiting_list": False}, capacity=1)
    services.register(event, person(1))
    outcome = services.register(event, person(2), taken=0)  # expected a place
    assert outcome.result == Result.FULL
    assert Registration.objects.count() == 1 and OutboxMessage.objects.count() == 1
    assert CapacityCounter.objects.get(event=event, block=None).taken == 1


@pytest.mark.django_db
def test_a_missing_counter_is_counted_without_the_registration_being_written(
    no_worker, render_in_worker
):
    event = make_event(options=NO_OPT_IN, capacity=3)
    services.register(event, person(1))
    CapacityCounter.objects.all().delete()
    assert services.register(event, person(2)).result == Result.CONFIRMED
    assert CapacityCounter.objects.get(event=event, block=None).taken == 2


# --- Rendered by the delivery worker ---------------------------------------------------------


@pytest.mark.django_db
def test_the_confirmation_is_written_to_render_and_the_worker_renders_it(
    render_in_worker, real_sending, no_worker
):
    event = make_event(options=NO_OPT_IN)
    (a,) = make_slot(event, None)
    registration = services.register(event, person(1, sessions=[a.pk])).registration
    message = OutboxMessage.objects.get(registration_id=registration.pk)
    assert message.kind == "registration_confirmation"
    assert message.to_render == {"renderer": "registration", "name": "confirmation",
                                 "status": "confirmed", "extra": {}}
    assert message.subject == message.text_body == "" and not message.attachments.exists()

    report = messaging.deliver_due()

    assert report.sent == 1
    message.refresh_from_db()
    assert message.to_render is None and message.status == OutboxMessage.Status.SENT
    assert "Workshop A" in message.text_body and registration.token in message.text_body
    assert message.subject and message.html_body
    (attachment,) = message.attachments.all()
    assert attachment.filename.endswith(".ics") and b"BEGIN:VCALENDAR" in attachment.content
    (sent,) = mail.outbox
    assert sent.subject == message.subject and sent.body == message.text_body
    assert [name for name, *_ in sent.attachments] == [attachment.filename]


@pytest.mark.django_db
def test_the_waiting_email_for_a_full_session_says_so(render_in_worker, no_worker):
    event = make_event(options=NO_OPT_IN)
    (a,) = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    outcome = services.register(event, person(2, sessions=[a.pk]))
    assert outcome.result == Result.WAITING and outcome.full_sessions == (a.pk,)
    message = OutboxMessage.objects.get(registration_id=outcome.registration.pk)
    assert message.to_render["extra"] == {"needs_confirmation": False, "session_full": True}
    messaging.deliver_due()
    message.refresh_from_db()
    assert "A session you chose is full" in message.text_body


@pytest.mark.django_db
def test_the_held_place_email_carries_the_confirmation_link(render_in_worker, no_worker):
    event = make_event()  # double opt-in
    outcome = services.register(event, person(1))
    assert outcome.result == Result.HELD
    messaging.deliver_due()
    message = OutboxMessage.objects.get(registration_id=outcome.registration.pk)
    assert message.kind == "registration_please_confirm"
    assert f"/r/{outcome.registration.token}/confirm/" in message.text_body


@pytest.mark.django_db
def test_an_email_about_a_registration_that_is_gone_fails_for_good(render_in_worker, no_worker):
    event = make_event(options=NO_OPT_IN)
    registration = services.register(event, person(1)).registration
    Registration.objects.filter(pk=registration.pk).delete()
    report = messaging.deliver_due()
    assert report.failed == 1 and report.sent == 0
    message = OutboxMessage.objects.get(registration_id=registration.pk)
    assert message.status == OutboxMessage.Status.FAILED and "gone" in message.last_error


@pytest.mark.django_db
def test_erasure_before_delivery_leaves_nothing_to_render(render_in_worker, no_worker):
    event = make_event(options=NO_OPT_IN)
    registration = services.register(event, person(1)).registration
    services.erase(registration)
    assert not OutboxMessage.objects.filter(registration_id=registration.pk).exists()


@pytest.mark.django_db
def test_the_mail_viewer_renders_a_message_not_delivered_yet(
    render_in_worker, no_worker, client, settings
):
    settings.AULA_MAIL_VIEWER = True
    event = make_event(options=NO_OPT_IN)
    registration = services.register(event, person(1)).registration
    message = OutboxMessage.objects.get(registration_id=registration.pk)
    response = client.get(f"/mail/{message.pk}/")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.to_render is None and escape(message.subject) in response.content.decode()
    assert message.status == OutboxMessage.Status.QUEUED  # still the worker's to send


@pytest.mark.django_db
def test_a_promotion_is_rendered_by_the_worker_too(render_in_worker, no_worker):
    event = make_event(options=NO_OPT_IN, capacity=1)
    first = services.register(event, person(1)).registration
    waiting = services.register(event, person(2)).registration
    services.cancel(first)
    promotion = OutboxMessage.objects.get(registration_id=waiting.pk, kind="registration_promotion")
    assert promotion.to_render["status"] == "confirmed"
    messaging.deliver_due()
    promotion.refresh_from_db()
    assert promotion.subject and promotion.attachments.count() == 1


@pytest.mark.django_db
def test_the_mail_viewers_list_renders_the_messages_not_delivered_yet(
    render_in_worker, no_worker, client, settings
):
    settings.AULA_MAIL_VIEWER = True
    event = make_event(options=NO_OPT_IN)
    services.register(event, person(1))
    response = client.get("/mail/")
    assert response.status_code == 200
    message = OutboxMessage.objects.get()
    assert message.to_render is None and escape(message.subject) in response.content.decode()
