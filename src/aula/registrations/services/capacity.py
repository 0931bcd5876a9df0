"""Capacity: take a place, wait for one, give it back, move between sessions, change a capacity.

The one rule everything here keeps: an event never has more places taken (held or confirmed)
than its capacity, nor a parallel session more than its own, whatever runs at the same time.
Every write that changes who holds a place first locks the event's ``CapacityCounter`` row
(``select_for_update``: PostgreSQL queues the others on that row; SQLite needs no row lock because
settings open every transaction IMMEDIATE, which already lets one writer in at a time). The lock
is held until commit, so the work done while holding it is kept small: validation and everything
else that does not depend on the decision happen before it; a public registration even writes its
rows before it and takes the lock and the place in one statement (``_register_locked``), and its
e-mail is rendered by the delivery worker, not in the request (``emails.queue_later``).

E-mails are written into the outbox inside the same transaction, so one exists exactly when the
change it reports committed; so is the audit entry of an action someone took (``actor``: the
organiser, None for the registrant on their own page or for Aula itself, told apart by ``via``).

An organiser (never the public form) may knowingly go over a capacity when adding someone,
promoting or confirming them by hand, or moving them to a session (``over_capacity=True``): the
counters then count more than the capacity, the audit entry says which capacities were exceeded
(``data["over_capacity"]``), and nobody else gets a place there until enough have left.

A capacity change takes the same lock: the event's (``change_event_capacity``) or a parallel
session's (``change_session_capacity``, and ``on_session_capacity_changing`` for the agenda's own
save) is refused below the places taken, counted under the lock, so no registration can slip in
between the count and the save.
"""

import copy
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aula.audit import services as audit
from aula.core import sqlite_writers
from aula.core.errors import ActionRefused
from aula.core.unavailable import connection_lost
from aula.events.models import AgendaBlock, Event
from aula.messaging import services as messaging
from aula.registrations import emails, queries
from aula.registrations import webhooks as hooks
from aula.registrations.models import (
    CapacityCounter,
    Registration,
    RegistrationOptions,
    SessionChoice,
)
from aula.registrations.services import sql
from aula.registrations.services.validation import (
    RegistrationData,
    _new_registration,
    clean_sessions,
)

logger = logging.getLogger(__name__)

Status = Registration.Status
T = TypeVar("T")

# SQLite's busy timeout (20 s) normally absorbs contention; should "database is locked" still
# come through, or PostgreSQL report a deadlock, the whole transaction is tried again.
TRANSACTION_ATTEMPTS = 5
# Someone re-submitting a registered address gets their link again, at most this often: the form
# must not become a way to flood a registrant's mailbox.
EXISTING_REMINDER_INTERVAL = 600


class Result(StrEnum):
    CONFIRMED = "confirmed"
    HELD = "held"
    WAITING = "waiting"
    FULL = "full"
    SESSION_FULL = "session_full"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    EVENT_CANCELLED = "event_cancelled"
    UNAVAILABLE = "unavailable"


ACCEPTED = frozenset({Result.CONFIRMED, Result.HELD, Result.WAITING})
# The key of the waiting-list e-mail that says a chosen session, not the event, is full.
WAITING_FOR_SESSION = "waiting_for_session"


@dataclass(frozen=True)
class RegistrationOutcome:
    """What became of a registration attempt. For an address already registered the result is
    what a new registrant would get now, and ``registration`` is None: pages render outcomes
    from ``result`` alone, so nobody can find out who is registered."""

    result: Result
    registration: Registration | None = None
    full_sessions: tuple[int, ...] = ()
    existing: bool = False  # for tests and logs; views must not look at it

    @property
    def accepted(self) -> bool:
        return self.result in ACCEPTED


class RegistrationError(ActionRefused):
    """A change the rules do not allow; ``message`` is for the person who asked."""

    def __init__(self, message=None):
        super().__init__(message or _("This change is not possible."))


class NoPlace(RegistrationError):
    def __init__(self, message=None):
        super().__init__(message or _("There is no free place."))


class SessionFull(RegistrationError):
    def __init__(self, blocks: Iterable[int], message=None):
        self.blocks = tuple(blocks)
        super().__init__(message or _("This session is full."))


class _Refused(Exception):
    def __init__(self, outcome: RegistrationOutcome):
        self.outcome = outcome


class _AlreadyRegistered(Exception):
    pass


class _Unexpected(Exception):
    """The locked decision differs from the outcome written before the lock (or the event had
    no counter to lock in the same round trip as the writes: ``_write_registration``)."""

    def __init__(self, result: Result):
        self.result = result


# What the audit log calls each action of this module.
ADDED = audit.action("registration.added", _("Registered someone by hand"))
CANCELLED = audit.action("registration.cancelled", _("Cancelled a registration"))
PROMOTED = audit.action("registration.promoted", _("Gave a waiting registrant a place"))
SESSION_SWITCHED = audit.action("registration.session_switched",
                                _("Moved a registrant to another session"))
EVENT_CAPACITY_CHANGED = audit.action("event.capacity_changed", _("Changed the event's capacity"))
SESSION_CAPACITY_CHANGED = audit.action("session.capacity_changed",
                                        _("Changed a session's capacity"))


# --- Transactions and counters --------------------------------------------------------------


def _retryable(exc: OperationalError) -> bool:
    text = str(exc).lower()
    return any(
        words in text
        for words in ("database is locked", "deadlock detected", "could not serialize")
    )


def run_in_transaction(func: Callable[[], T]) -> T:
    """``func()`` in one transaction, tried again after lock contention that the database gave
    up on, and once more on a fresh connection when the connection died under it (a restarted
    or failed-over server, a killed backend): the broken connection is closed, the retry opens
    a new one. Nothing of the dead attempt survives it (the server rolls back what was not
    committed), so the retry writes everything again, once. Should the connection have died
    after the server committed but before it said so, the retry meets the first attempt's rows
    (a registration: the unique address per event, answered as already registered). Inside an
    outer transaction there is nothing to retry: the error goes up."""
    reconnected = False
    attempt = 0
    while True:
        attempt += 1
        try:
            with sqlite_writers.writer_turn(), transaction.atomic():
                return func()
        except (OperationalError, InterfaceError) as exc:
            connection = transaction.get_connection()
            if connection.in_atomic_block:
                raise
            if connection_lost(exc, connection):
                if reconnected:
                    raise
                reconnected = True
                logger.warning("Registration transaction retried on a new connection: %s", exc)
                connection.close()
                continue
            if (
                attempt >= TRANSACTION_ATTEMPTS
                or isinstance(exc, InterfaceError)
                or not _retryable(exc)
            ):
                raise
            logger.warning("Registration transaction retried (%s): %s", attempt, exc)
            time.sleep(random.uniform(0.02, 0.1) * attempt)


def _count_taken(event_id: int, block_id: int | None = None, exclude: int | None = None) -> int:
    """Places taken, counted from the rows; ``exclude``: a registration this transaction wrote
    before taking the lock (it is counted when its decision is taken, not before)."""
    if block_id is None:
        rows = Registration.objects.filter(event_id=event_id, status__in=Registration.PLACE_TAKING)
    else:
        rows = SessionChoice.objects.filter(
            block_id=block_id, registration__status__in=Registration.PLACE_TAKING
        )
    if exclude is not None:
        rows = rows.exclude(**{"pk" if block_id is None else "registration_id": exclude})
    return rows.count()


def _lock_event(event_id: int, *, exclude: int | None = None) -> CapacityCounter:
    """Lock the event's counter row and return it, with the event as it is now.

    ``of=("self",)``: the event row itself stays unlocked, so organisers and pages are never
    queued behind registrations. A missing counter is created from a count of the rows (the
    unique constraint settles two creating at once).

    The event is read in a statement of its own once the lock is held, never joined to the
    locking one: on PostgreSQL a ``SELECT … FOR UPDATE`` that waited for the lock re-reads the
    locked row only, and a joined event would be the one from before the wait — without the
    capacity cut that committed meanwhile (READ COMMITTED: a new statement sees every commit).
    """
    query = CapacityCounter.objects.select_for_update(of=("self",)).filter(
        event_id=event_id, block__isnull=True
    )
    counter = query.first()
    if counter is None:
        CapacityCounter.objects.bulk_create(
            [CapacityCounter(event_id=event_id, taken=_count_taken(event_id, exclude=exclude))],
            ignore_conflicts=True,
        )
        counter = query.first()
    counter.event = Event.objects.get(pk=event_id)
    return counter


def _lock_and_read(
    event: Event, blocks, exclude: int | None, *, take: bool
) -> tuple[CapacityCounter, dict[int, CapacityCounter]]:
    """The lock and what the decision reads, in two statements (and the commit) on the counter
    while it is locked, for a registration whose rows are written already.

    1. The event counter's lock: with ``take``, together with one place on it
       (``sql.take_place``: ``UPDATE … SET taken = taken + 1 … RETURNING``); else only the lock
       (``sql.lock_counter``, a waiting-list registration). A missing counter is created first
       (``_lock_event``).
    2. The event as it is now and the chosen sessions' counters, with one more place taken on
       each when ``take`` (``sql.state_and_sessions``): a statement of its own after the lock
       (see ``_lock_event``).

    Returned as ``_lock_event`` and ``_session_counters`` give them, so that the decision reads
    them the same way: the places taken before this registration, the counter's ``event`` a
    copy of ``event`` with the fields that decide a registration as they are now, each
    session's block a copy with its capacity now. The caller rolls the transaction back when
    the decision gives no place."""
    step = sql.take_place if take else sql.lock_counter
    found = step(event.pk)
    if found is None:
        _lock_event(event.pk, exclude=exclude)  # creates the missing counter
        found = step(event.pk)
    state, sessions = sql.state_and_sessions(event.pk, [block.pk for block in blocks], take=take)
    return _counters(event, blocks, exclude, found, state, sessions, take=take)


def _counters(event, blocks, exclude, counter_row, state, found, *, take: bool):
    """``_lock_and_read``'s answer from what its statements returned (a session without a
    counter yet gets one, and its place)."""
    pk, taken = counter_row
    counter = CapacityCounter(pk=pk, event_id=event.pk, block=None, taken=taken - take)
    by_pk = {block.pk: block for block in blocks}
    if state is None:
        raise Event.DoesNotExist
    missing = by_pk.keys() - found.keys()
    if missing:
        _session_counters(event.pk, missing, exclude=exclude)  # creates the missing counters
        found.update(sql.state_and_sessions(event.pk, missing, take=take)[1])
    current = copy.copy(event)
    for name, value in state.items():
        setattr(current, name, value)
    counter.event = current
    sessions = {}
    for block_pk, (session_pk, session_taken, capacity) in found.items():
        block = copy.copy(by_pk[block_pk])
        block.capacity = capacity
        sessions[block_pk] = CapacityCounter(pk=session_pk, event_id=event.pk, block=block,
                                             taken=session_taken - take)
    return counter, sessions


def _session_counters(
    event_id: int, block_ids: Iterable[int], *, exclude: int | None = None
) -> dict[int, CapacityCounter]:
    """Counters of parallel sessions, with their block. Only read and written under the event's
    lock, so they need no lock of their own."""
    block_ids = set(block_ids)
    if not block_ids:
        return {}
    def fetch():
        query = CapacityCounter.objects.select_related("block").filter(block_id__in=block_ids)
        return {counter.block_id: counter for counter in query}

    found = fetch()
    missing = block_ids - found.keys()
    if missing:
        CapacityCounter.objects.bulk_create(
            [
                CapacityCounter(event_id=event_id, block_id=pk,
                                taken=_count_taken(event_id, pk, exclude=exclude))
                for pk in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        found = fetch()
    return found


def _left(counter: CapacityCounter, capacity: int | None) -> int | None:
    return None if capacity is None else capacity - counter.taken


def _full_sessions(sessions: dict[int, CapacityCounter]) -> tuple[int, ...]:
    return tuple(
        sorted(
            pk for pk, counter in sessions.items()
            if counter.block.capacity is not None and counter.taken >= counter.block.capacity
        )
    )


def _adjust(counter: CapacityCounter, sessions: Iterable[CapacityCounter], delta: int) -> None:
    """Move the event's and the sessions' counters by ``delta`` (in the database and here), in
    one statement: it runs under the event's lock, where every round trip counts."""
    sessions = list(sessions)
    CapacityCounter.objects.filter(pk__in=[counter.pk, *(s.pk for s in sessions)]).update(
        taken=F("taken") + delta
    )
    for moved in (counter, *sessions):
        moved.taken += delta


def decide(
    event: Event, options: RegistrationOptions, taken: int, full_sessions: tuple[int, ...]
) -> tuple[Result, tuple[int, ...]]:
    """What a registrant gets, given the places taken and the chosen sessions that are full.
    A full session has its own waiting list: with the event's waiting list on, someone who
    chose it waits (``full_sessions`` says for which) and is promoted when a place frees there.
    """
    if event.capacity is None or taken < event.capacity:
        if full_sessions:
            if options.waiting_list:
                return Result.WAITING, full_sessions
            return Result.SESSION_FULL, full_sessions
        return (Result.HELD if options.double_opt_in else Result.CONFIRMED), ()
    if options.waiting_list:
        return Result.WAITING, ()
    return Result.FULL, ()


def _placed_result(options: RegistrationOptions) -> Result:
    return Result.HELD if options.double_opt_in else Result.CONFIRMED


def _exceeded(counter: CapacityCounter, sessions: Iterable[CapacityCounter]) -> list[str]:
    """Which capacities one more place would go over: "event" and the ids of full sessions
    (as strings, as the audit log keeps them). Under the lock."""
    event = counter.event
    exceeded = ["event"] if event.capacity is not None and counter.taken >= event.capacity else []
    exceeded += [str(pk) for pk in _full_sessions({s.block_id: s for s in sessions})]
    return exceeded


def _over_capacity_data(exceeded: list[str]) -> dict:
    return {"over_capacity": exceeded} if exceeded else {}


def _room_or_refuse(counter, sessions, over_capacity: bool) -> list[str]:
    """Refuse one more place where it would overbook (``NoPlace``, ``SessionFull``) unless the
    organiser knowingly goes over; returns the capacities then exceeded (empty: there is room).
    """
    exceeded = _exceeded(counter, sessions)
    if exceeded and not over_capacity:
        if "event" in exceeded:
            raise NoPlace
        raise SessionFull([int(pk) for pk in exceeded])
    return exceeded


def why_closed(event: Event, now: datetime) -> Result | None:
    """Why nobody can register now, or None."""
    if event.status == Event.Status.CANCELLED:
        return Result.EVENT_CANCELLED
    if event.status != Event.Status.PUBLISHED:
        return Result.UNAVAILABLE
    window = queries.registration_window(event, now)
    if window == queries.Window.NOT_OPEN:
        return Result.NOT_OPEN
    if window == queries.Window.CLOSED:
        return Result.CLOSED
    return None


def _place(registration: Registration, status: str, options: RegistrationOptions, now) -> None:
    """Set the status and the timestamps that go with it."""
    registration.status = status
    if status == Status.CONFIRMED:
        registration.confirmed_at = now
        registration.hold_expires_at = None
    elif status == Status.HELD:
        registration.hold_expires_at = now + timedelta(hours=options.hold_hours)
    elif status == Status.WAITING:
        registration.waiting_since = now



# --- Registering ----------------------------------------------------------------------------


def register(
    event: Event, data, *, now: datetime | None = None,
    setup: queries.RegistrationSetup | None = None, taken: int | None = None,
    actor=None, via: str = "", over_capacity: bool = False,
) -> RegistrationOutcome:
    """Register someone for ``event``: a place if there is one (held until the address is
    confirmed when the event asks for that), else the waiting list, else a refusal.

    ``data``: a ``RegistrationData`` or a mapping of its fields. Raises ``ValidationError`` for
    invalid data (nothing stored). An address already registered takes no second place: its
    owner is e-mailed their personal link and the outcome looks like a new registration's.
    ``setup``: the event's notice, options, sessions and questions when the caller has read
    them already (the form has); ``taken``: likewise the places taken (a snapshot: it only
    picks which e-mail to render before the lock). ``actor``: the organiser adding someone by
    hand (or importing, ``via="import"``): the audit log records it in the registration's
    transaction. The public form passes none: the registration row is its own record.
    ``over_capacity`` (an organiser, knowingly): a place even when the event or a chosen session
    is full; the audit entry records it.
    """
    now = now or timezone.now()
    data = RegistrationData.of(data)
    refusal = why_closed(event, now)
    if refusal is not None:
        return RegistrationOutcome(refusal)
    setup = setup or queries.registration_setup(event)
    notice = setup.notice
    if notice is None:
        # A public body may not collect personal data without telling people how it uses it.
        logger.warning("Registration for event %s refused: no privacy notice", event.pk)
        return RegistrationOutcome(Result.UNAVAILABLE)
    options = setup.options
    blocks = clean_sessions(setup.slots, data.sessions)
    registration = _new_registration(event, data, notice, setup.questions, now)

    # The statements that do not depend on the decision run before the lock (see
    # ``_register_locked``): the registration is written with the outcome the places left
    # now point to; should the locked decision differ, everything is rolled back and tried
    # again expecting that one (rare: only while the last places go).
    expected = _expected(event, options, blocks, setup,
                         queries.places_taken(event) if taken is None else taken)
    if over_capacity and expected not in (Result.CONFIRMED, Result.HELD):
        expected = _placed_result(options)
    # Not looked up first: the address's unique constraint tells (see below).
    previous_id = None
    for _attempt in range(4):
        try:
            return run_in_transaction(
                lambda expected=expected, previous_id=previous_id: _register_locked(
                    event, registration, blocks, options, expected, now,
                    previous_id=previous_id, actor=actor, via=via, over_capacity=over_capacity,
                )
            )
        except _Unexpected:
            # The places moved meanwhile (capacity changes can race both ways): decide
            # first this time, then write, so that the next attempt is the last.
            expected = None
        except _Refused as refused:
            return refused.outcome
        except (_AlreadyRegistered, IntegrityError):
            # The address is the event's already (the unique constraint refused the row, and
            # nothing was written), or it was re-registered while this one waited for the lock.
            found = sql.registration_of_address(event.pk, registration.email)
            if found is None:
                raise  # another constraint (or the row went meanwhile): not ours to answer
            if found[1] != Status.CANCELLED:
                return _already_registered(event, _full(found[0]), options, blocks)
            if previous_id == found[0]:
                raise
            # Registering again after cancelling: the cancelled row is overwritten.
            previous_id = found[0]
    raise AssertionError("the outcome changed three times while the registration was written")


def _full(pk: int) -> Registration:
    return Registration.objects.get(pk=pk)


def _expected(event, options, blocks, setup, taken) -> str:
    """The outcome (``Result``, or ``WAITING_FOR_SESSION``) the places taken now point to:
    what ``_register_locked`` writes before the lock. Read without the lock."""
    full = ()
    if blocks:
        left = queries.session_places_left(event, setup.slots)
        full = tuple(sorted(block.pk for block in blocks if left.get(block.pk) == 0))
    result, full = decide(event, options, taken, full)
    return WAITING_FOR_SESSION if result == Result.WAITING and full else result


_STATUS_OF = {
    Result.CONFIRMED: Status.CONFIRMED,
    Result.HELD: Status.HELD,
    Result.WAITING: Status.WAITING,
    WAITING_FOR_SESSION: Status.WAITING,
}


def _outcome_email(outcome: str, options) -> tuple[str, dict]:
    """The registrant's e-mail for ``outcome``: its name and the template's arguments."""
    if outcome == Result.HELD:
        return "please_confirm", {"promoted": False}
    if outcome == Result.CONFIRMED:
        return "confirmation", {}
    extra = {"session_full": True} if outcome == WAITING_FOR_SESSION else {}
    return "waiting", {"needs_confirmation": options.double_opt_in, **extra}


def _write_registration(registration, blocks, previous_id, event, options, outcome, *,
                        take: bool | None = None):
    """Insert the registration, its session choices and its e-mail for ``outcome`` (written
    "to render": the delivery worker renders it and its ``.ics``, nothing is rendered in the
    request), or, registering again after cancelling, overwrite the cancelled row: one row per
    address, all data fresh. No check for the address first: the unique constraint is the
    check (``IntegrityError``, handled by the caller).

    ``take`` (part 1 of ``_register_locked``, before the lock): on PostgreSQL a new row written
    "to render" goes to the server in one round trip with the lock and the reads of part 2
    (``sql.insert_lock_and_read``), whose answer, as ``_lock_and_read`` gives it, is returned;
    otherwise None is. An event without a counter yet then raises ``_Unexpected``: the
    transaction rolls back and the next attempt decides first, creating the counter."""
    name, extra = _outcome_email(outcome, options)
    if previous_id is None:
        message = emails.later_message(name, registration, event, **extra)
        choices = [SessionChoice(block=block, slot_starts_at=block.starts_at) for block in blocks]
        if message is None:
            sql.insert_registration(registration, choices, None)
        elif take is not None and connection.vendor == "postgresql":
            found, state, sessions = sql.insert_lock_and_read(
                registration, choices, message, event.pk, [block.pk for block in blocks],
                take=take,
            )
            messaging.outbox_written([message])
            if found is None:
                raise _Unexpected(outcome)
            return _counters(event, blocks, registration.pk, found, state, sessions, take=take)
        else:
            sql.insert_registration(registration, choices, message)
            messaging.outbox_written([message])
            return None
    else:
        fields = {
            field.attname: getattr(registration, field.attname)
            for field in Registration._meta.concrete_fields if not field.primary_key
        }
        # Only while it is still cancelled: the row stays locked until commit, and anyone
        # who re-registered it meanwhile wins (already registered).
        if not Registration.objects.filter(pk=previous_id, status=Status.CANCELLED).update(
            **fields
        ):
            raise _AlreadyRegistered
        registration.pk = previous_id
        SessionChoice.objects.filter(registration_id=previous_id).delete()
        if blocks:
            SessionChoice.objects.bulk_create(
                SessionChoice(registration=registration, block=block,
                              slot_starts_at=block.starts_at)
                for block in blocks
            )
    emails.queue_later(name, registration, event, blocks=blocks, **extra)
    return None


def _register_locked(
    event, unsaved, blocks, options, expected, now, *, previous_id=None, actor=None, via="",
    over_capacity=False,
) -> RegistrationOutcome:
    """One registration's transaction, in three parts.

    1. Before the lock: the registration, its session choices and its e-mail (to render) are
       written as the ``expected`` outcome has them. Invisible to everyone else until commit.
    2. The lock and the decision (``_lock_and_read``): one statement takes the event counter's
       lock, and the place when one is expected; a second reads the event as it is now with
       the session counters (taking their places too when a place is expected); the decision
       is taken with the places taken before this one. A refusal raises ``_Refused``;
       an outcome other than the one written raises ``_Unexpected``: the transaction rolls
       back, the counter included, and the caller tries again with ``expected=None``.
    3. After the decision, in the transaction: the session counters, the audit entry of an
       organiser's registration, and any other write that reports the registration. With
       ``expected`` None (or a refusal expected), part 1's writes happen here instead, after
       the decision, as every other change of places does: that attempt cannot be undone by
       the places moving, so a registration is tried at most twice.
    On PostgreSQL, the counter stays locked for one more statement and the commit, with or
    without sessions, taking a place or joining the waiting list (eight statements before
    2026-12-06).
    """
    # A fresh copy per attempt: a retried transaction must not inherit the id or timestamps
    # of the attempt that was rolled back.
    registration = copy.copy(unsaved)
    writes_first = expected in _STATUS_OF
    took = False
    if writes_first:
        _place(registration, _STATUS_OF[expected].value, options, now)
        took = registration.takes_place
        locked = _write_registration(registration, blocks, previous_id, event, options,
                                     expected, take=took)
    exclude = registration.pk if writes_first else None

    # --- The lock: from here to the commit every registration of the event waits.
    if writes_first:
        counter, sessions = locked or _lock_and_read(event, blocks, exclude, take=took)
    else:
        counter = _lock_event(event.pk)
        sessions = None
    current = counter.event
    refusal = why_closed(current, now)
    if refusal is not None:
        raise _Refused(RegistrationOutcome(refusal))
    if previous_id is not None and not writes_first:
        # Re-read under the lock: every status change of the event's registrations holds it.
        status = Registration.objects.filter(pk=previous_id).values_list("status", flat=True)
        if status.first() != Status.CANCELLED:
            raise _AlreadyRegistered
    if sessions is None:
        sessions = _session_counters(event.pk, [block.pk for block in blocks])
    result, full = decide(current, options, counter.taken, _full_sessions(sessions))
    exceeded = []
    if over_capacity and result not in (Result.CONFIRMED, Result.HELD):
        exceeded = _exceeded(counter, sessions.values())
        result, full = _placed_result(options), ()
    if result not in ACCEPTED:
        raise _Refused(RegistrationOutcome(result, full_sessions=full))
    outcome = WAITING_FOR_SESSION if result == Result.WAITING and full else result
    if writes_first and outcome != expected:
        raise _Unexpected(outcome)  # rolls back what part 1 wrote

    # --- After the decision, in the transaction: writes that report the registration go here.
    if not writes_first:
        # Nothing written before the lock (a refusal was expected, or a retry after the
        # places moved): the registration, its choices, its e-mail and its place now.
        _place(registration, result.value, options, now)
        _write_registration(registration, blocks, previous_id, event, options, outcome)
        if registration.takes_place:
            _adjust(counter, sessions.values(), +1)
    elif took:
        counter.taken += 1  # taken by ``_lock_and_read``
        for session in sessions.values():
            session.taken += 1
    # Webhooks: one call after the decision (no query unless the project has an endpoint).
    hooks.tell("registration.created", registration, current.project_id, blocks=blocks)
    if actor is not None or via:
        audit.record(actor, ADDED, registration, event=current, via=via,
                     data={"status": registration.status,
                           "sessions": [block.pk for block in blocks],
                           **_over_capacity_data(exceeded)})
    return RegistrationOutcome(result, registration, full_sessions=full)


def _already_registered(event, existing, options, blocks) -> RegistrationOutcome:
    """The outcome a new registrant would get now (read without the lock: it only picks the
    words of the page), and their personal link to the address's owner."""
    taken = queries.places_taken(event)
    left = queries.session_places_left(event)
    full = tuple(sorted(block.pk for block in blocks if left.get(block.pk) == 0))
    result, full = decide(event, options, taken, full)
    if result in ACCEPTED and cache.add(
        f"aula:registration-reminder:{existing.pk}", True, EXISTING_REMINDER_INTERVAL
    ):
        existing.event = event
        chosen = [choice.block for choice in queries.chosen_sessions(existing)]
        run_in_transaction(lambda: emails.queue("existing", existing, event, blocks=chosen))
    return RegistrationOutcome(result, None, full, existing=True)


# --- Giving places back and filling them ------------------------------------------------------


def _event_for_mail(event_id: int) -> Event:
    return Event.objects.select_related("project").get(pk=event_id)


def _choices(registration: Registration) -> list[SessionChoice]:
    return list(registration.session_choices.select_related("block"))


def _promote(registration, event, options, counter, sessions, now) -> None:
    """Give a waiting registrant a place (the caller checked there is one) and tell them."""
    confirmed_address = registration.email_confirmed_at is not None
    status = Status.HELD if options.double_opt_in and not confirmed_address else Status.CONFIRMED
    _place(registration, status, options, now)
    registration.waiting_since = None
    registration.save(
        update_fields=["status", "confirmed_at", "hold_expires_at", "waiting_since"]
    )
    blocks = [choice.block for choice in _choices(registration)]
    _adjust(counter, [sessions[block.pk] for block in blocks], +1)
    hooks.tell("registration.promoted", registration, event.project_id, blocks=blocks)
    registration.event = event
    # Written "to render": the delivery worker renders it and its .ics (not under the lock).
    if status == Status.CONFIRMED:
        emails.queue_later("promotion", registration, event, blocks=blocks)
    else:
        emails.queue_later("please_confirm", registration, event, blocks=blocks, promoted=True)


def _fill_free_places(event_id, options, counter, now) -> list[Registration]:
    """Promote waiting registrants, oldest first, while there are free places. Someone whose
    chosen session is full is passed over (they keep their position) for the next in line."""
    current = counter.event
    if current.status != Event.Status.PUBLISHED or now >= current.ends_at:
        return []
    if current.capacity is not None and counter.taken >= current.capacity:
        return []
    candidates = list(
        Registration.objects.filter(event_id=event_id, status=Status.WAITING)
        .filter(queries.promotable_filter(options))
        .order_by("waiting_since", "id")
        .prefetch_related("session_choices")
    )
    if not candidates:
        return []
    block_ids = {c.block_id for r in candidates for c in r.session_choices.all()}
    sessions = _session_counters(event_id, block_ids)
    event = _event_for_mail(event_id)
    promoted = []
    for registration in candidates:
        if current.capacity is not None and counter.taken >= current.capacity:
            break
        wanted = [sessions[c.block_id] for c in registration.session_choices.all()]
        if any(s.block.capacity is not None and s.taken >= s.block.capacity for s in wanted):
            continue
        _promote(registration, event, options, counter, sessions, now)
        promoted.append(registration)
    return promoted


def fill_free_places(event: Event, *, now: datetime | None = None) -> list[Registration]:
    """Promote from the waiting list into every free place (after the organiser raised the
    capacity, say), whatever the promotion setting."""
    now = now or timezone.now()
    options = queries.options_for(event)

    def locked():
        return _fill_free_places(event.pk, options, _lock_event(event.pk), now)

    return run_in_transaction(locked)


def cancel(
    registration: Registration, *, actor=None, via: str = "", now: datetime | None = None,
    reason: str = "",
) -> list[Registration]:
    """Cancel a registration; its place (if it had one) goes to the next in line when promotion
    is automatic. Returns the registrants promoted. Cancelling twice changes nothing (and
    records nothing). ``reason``: the organiser's words, told to the registrant in the e-mail
    and kept on the record."""
    reason = reason.strip()
    now = now or timezone.now()
    options = queries.options_for(registration.event)

    def locked():
        counter = _lock_event(registration.event_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == Status.CANCELLED:
            return []
        if counter.event.is_past(now):
            raise RegistrationError(_("The event is over: there is nothing left to cancel."))
        old = current.status
        _withdraw(current, counter, now)
        promoted = []
        event = _event_for_mail(current.event_id)
        current.event = event
        emails.queue("cancellation", current, event, reason=reason)
        hooks.tell("registration.cancelled", current, event.project_id)
        if options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
            promoted = _fill_free_places(current.event_id, options, counter, now)
        data = {"promoted": [r.pk for r in promoted]} if promoted else {}
        if reason:
            data["reason"] = reason
        audit.record(actor, CANCELLED, current, event=event, via=via,
                     changes={"status": [old, current.status]}, data=data or None)
        return promoted

    promoted = run_in_transaction(locked)
    registration.refresh_from_db()
    return promoted


def _withdraw(registration: Registration, counter: CapacityCounter, now) -> None:
    """Mark cancelled and give back the places it held (the caller holds the lock)."""
    had_place = registration.takes_place
    sessions = {}
    if had_place:
        # Before the status changes: a session counter made now (for a registration from
        # before counters) counts this place among those taken.
        block_ids = registration.session_choices.values_list("block_id", flat=True)
        sessions = _session_counters(registration.event_id, block_ids)
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.hold_expires_at = None
    registration.waiting_since = None
    registration.save(update_fields=["status", "cancelled_at", "hold_expires_at", "waiting_since"])
    if had_place:
        _adjust(counter, sessions.values(), -1)


def promote(
    registration: Registration, *, actor=None, via: str = "", now: datetime | None = None,
    over_capacity: bool = False,
) -> Registration:
    """Give a waiting registrant a place by hand. Raises ``NoPlace`` or ``SessionFull`` when
    that would overbook (unless ``over_capacity``: the organiser knowingly goes over, and the
    audit entry says so), ``RegistrationError`` when they are not waiting."""
    now = now or timezone.now()
    options = queries.options_for(registration.event)

    def locked():
        counter = _lock_event(registration.event_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status != Status.WAITING:
            raise RegistrationError(_("Only someone on the waiting list can be promoted."))
        event = counter.event
        if event.is_past(now) or event.status != Event.Status.PUBLISHED:
            raise RegistrationError(_("The event is over or not open."))
        block_ids = [choice.block_id for choice in _choices(current)]
        sessions = _session_counters(current.event_id, block_ids)
        exceeded = _room_or_refuse(counter, sessions.values(), over_capacity)
        _promote(current, _event_for_mail(current.event_id), options, counter, sessions, now)
        audit.record(actor, PROMOTED, current, event=event, via=via,
                     changes={"status": [Status.WAITING, current.status]},
                     data=_over_capacity_data(exceeded))
        return current

    promoted = run_in_transaction(locked)
    registration.refresh_from_db()
    return promoted


def switch_session(
    registration: Registration, block: AgendaBlock, *, actor=None, via: str = "",
    now: datetime | None = None, over_capacity: bool = False,
) -> Registration:
    """Move the registrant to another parallel session of the same slot. With a place, only
    where the new session has room (``SessionFull`` otherwise), unless ``over_capacity``: the
    organiser knowingly goes over, and the audit entry says so. The place left behind goes to
    the first in line waiting for that session (automatic promotion)."""
    now = now or timezone.now()
    options = queries.options_for(registration.event)

    def locked():
        counter = _lock_event(registration.event_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == Status.CANCELLED or counter.event.is_past(now):
            raise RegistrationError(_("This registration can no longer change sessions."))
        target = AgendaBlock.objects.filter(
            pk=block.pk, event_id=current.event_id, kind=AgendaBlock.Kind.PARALLEL
        ).first()
        if target is None:
            raise RegistrationError(_("Choose among this event's sessions."))
        old = next(
            (
                choice for choice in _choices(current)
                if (choice.block.starts_at, choice.block.ends_at)
                == (target.starts_at, target.ends_at)
            ),
            None,
        )
        if old is not None and old.block_id == target.pk:
            return current
        old_block_id = old.block_id if old is not None else None
        exceeded = []
        if current.takes_place:
            sessions = _session_counters(
                current.event_id, [target.pk] + ([old.block_id] if old else [])
            )
            new = sessions[target.pk]
            if target.capacity is not None and new.taken >= target.capacity:
                if not over_capacity:
                    raise SessionFull([target.pk])
                exceeded = [str(target.pk)]
            _adjust_sessions(new, +1)
            if old is not None:
                _adjust_sessions(sessions[old.block_id], -1)
        if old is not None:
            old.block = target
            old.slot_starts_at = target.starts_at
            old.save(update_fields=["block", "slot_starts_at"])
        else:
            SessionChoice.objects.create(
                registration=current, block=target, slot_starts_at=target.starts_at
            )
        current.save(update_fields=["updated_at"])  # a change of the registration too
        left_a_place = old is not None and current.takes_place
        if (
            (left_a_place or current.status == Status.WAITING)
            and options.promotion == RegistrationOptions.Promotion.AUTOMATIC
        ):
            # Someone waiting only for the session just left may now fit; so may the one
            # waiting who just chose a session with room.
            _fill_free_places(current.event_id, options, counter, now)
            current.refresh_from_db()
        audit.record(actor, SESSION_SWITCHED, current, event=counter.event, via=via,
                     changes={"session": [old_block_id, target.pk]},
                     data=_over_capacity_data(exceeded))
        return current

    return run_in_transaction(locked)


def _adjust_sessions(counter: CapacityCounter, delta: int) -> None:
    CapacityCounter.objects.filter(pk=counter.pk).update(taken=F("taken") + delta)
    counter.taken += delta




# --- Changing a capacity ----------------------------------------------------------------------


def _below_taken(taken: int):
    return ValidationError({"capacity": ngettext(
        "%(taken)d place is taken already: the capacity cannot be lower.",
        "%(taken)d places are taken already: the capacity cannot be lower.",
        taken,
    ) % {"taken": taken}})


def check_event_capacity(event_id: int, capacity: int | None) -> CapacityCounter:
    """Lock the event's counter and refuse (``ValidationError`` on ``capacity``) a capacity
    below the places taken, counted from the rows under the lock. Returns the locked counter:
    the caller saves the new capacity before the lock goes, at commit. Call it inside a
    transaction (``change_event_capacity`` does)."""
    counter = _lock_event(event_id)
    if capacity is not None:
        taken = _count_taken(event_id)
        if capacity < taken:
            raise _below_taken(taken)
    return counter


def change_event_capacity(
    event: Event, capacity: int | None, *, actor, now: datetime | None = None
) -> list[Registration]:
    """Set the event's capacity (None: no limit) under the counter's lock: refused below the
    places taken; when raised and promotion is automatic, the waiting list fills the new places
    in the same transaction. Returns the registrants promoted."""
    now = now or timezone.now()
    options = queries.options_for(event)

    def locked():
        counter = check_event_capacity(event.pk, capacity)
        current = counter.event
        old = current.capacity
        if old == capacity:
            return []
        current.capacity = capacity
        current.save(update_fields=["capacity", "updated_at"])
        audit.record(actor, EVENT_CAPACITY_CHANGED, current, changes={"capacity": [old, capacity]})
        raised = capacity is None or (old is not None and capacity > old)
        if raised and options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
            return _fill_free_places(event.pk, options, counter, now)
        return []

    promoted = run_in_transaction(locked)
    event.capacity = capacity
    return promoted


# A session's capacity bounds the places taken in it (held or confirmed), like the event's:
# the session's counter counts those and nothing else. People on the waiting list who chose the
# session do not count: promotion passes over anyone whose chosen session is full, so they can
# never overbook it, and counting them would forbid cutting a session with a long waiting list
# for no gain (they would simply stay waiting). Cutting below the places taken is refused.


def _session_taken(block_id: int) -> int:
    return SessionChoice.objects.filter(
        block_id=block_id, registration__status__in=Registration.PLACE_TAKING
    ).count()


def check_session_capacity(block: AgendaBlock, capacity: int | None) -> None:
    """Lock the event's counter and refuse (``ValidationError`` on ``capacity``) a session
    capacity below the places taken in the session, counted under the lock. Call it inside
    the transaction that saves the block; locking the same row again in that transaction (as
    ``change_session_capacity`` does before) is harmless. A new block (of an event perhaps
    not saved yet) has nobody in it: nothing to lock or check."""
    if capacity is None or block.pk is None:
        return
    _lock_event(block.event_id)
    taken = _session_taken(block.pk)
    if capacity < taken:
        raise _below_taken(taken)


def _raised(old: int | None, new: int | None) -> bool:
    return new is None and old is not None or (
        new is not None and old is not None and new > old
    )


def on_session_capacity_changing(sender, block: AgendaBlock, capacity: int | None,
                                 **kwargs) -> None:
    """Receiver of ``events.services.session_capacity_changing`` (sent inside the agenda's
    save, before the block is saved). A raised capacity lets the waiting list move up once the
    save has committed."""
    check_session_capacity(block, capacity)
    if block.pk is not None and _raised(block.capacity, capacity):
        event = Event.objects.get(pk=block.event_id)
        options = queries.options_for(event)
        if options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
            transaction.on_commit(lambda: fill_free_places(event))


def change_session_capacity(
    block: AgendaBlock, capacity: int | None, *, actor, now: datetime | None = None
) -> AgendaBlock:
    """Set a parallel session's capacity under the event's counter lock: refused below the
    places taken in it; raised, the waiting list fills the new places (automatic promotion)."""
    now = now or timezone.now()

    def locked():
        counter = _lock_event(block.event_id)
        current = AgendaBlock.objects.get(pk=block.pk)
        check_session_capacity(current, capacity)
        old = current.capacity
        if old == capacity:
            return current
        current.capacity = capacity
        current.full_clean()
        current.save(update_fields=["capacity"])
        audit.record(actor, SESSION_CAPACITY_CHANGED, current, event=counter.event,
                     changes={"capacity": [old, capacity]})
        options = queries.options_for(counter.event)
        if _raised(old, capacity) and options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
            _fill_free_places(block.event_id, options, counter, now)
        return current

    saved = run_in_transaction(locked)
    block.capacity = capacity
    return saved
