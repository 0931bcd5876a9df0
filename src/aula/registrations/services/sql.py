"""The registration path's raw SQL: where one statement does what the ORM needs two for under
the event counter's lock, and the few reads every registration makes, which the ORM spent more
time building than the database spent answering (bench/README.md, 2026-12-06). Plain SQL that
PostgreSQL and SQLite (3.35 or later: ``RETURNING``) both run; table and column names from the
models; values always parameters. Where PostgreSQL can do more in one round trip — write inside
a ``WITH``, send several statements in one pipeline — it does, and SQLite (in-process, where a
statement costs no round trip) runs the same statements one by one. The tests compare each
function with the ORM's answer (tests/registrations/test_sql.py).
"""

import functools
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aula.events.models import AgendaBlock, Event
from aula.messaging.models import OutboxMessage
from aula.registrations.models import CapacityCounter, Registration, SessionChoice


def _column(model, name: str) -> str:
    return f'"{model._meta.get_field(name).column}"'


_counters = f'"{CapacityCounter._meta.db_table}"'
_events = f'"{Event._meta.db_table}"'
_blocks = f'"{AgendaBlock._meta.db_table}"'
_event_id = _column(CapacityCounter, "event")
_block_id = _column(CapacityCounter, "block")

TAKE_PLACE = (
    f'UPDATE {_counters} SET "taken" = "taken" + 1 '  # noqa: S608
    f'WHERE {_event_id} = %s AND {_block_id} IS NULL RETURNING "id", "taken"'
)
PLACES_TAKEN = (
    f'SELECT "taken" FROM {_counters} WHERE {_event_id} = %s AND {_block_id} IS NULL'  # noqa: S608
)
# What ``why_closed`` and ``decide`` read of the event: what an organiser may change while
# registrations run.
EVENT_STATE_FIELDS = ("status", "capacity", "registration_opens_at", "registration_closes_at",
                      "ends_at")
EVENT_STATE = (
    f"SELECT {', '.join(_column(Event, name) for name in EVENT_STATE_FIELDS)} "  # noqa: S608
    f'FROM {_events} WHERE "id" = %s'
)


_registrations = f'"{Registration._meta.db_table}"'
REGISTRATION_OF_ADDRESS = (
    f'SELECT "id", {_column(Registration, "status")} FROM {_registrations} '  # noqa: S608
    f'WHERE {_column(Registration, "event")} = %s AND {_column(Registration, "email")} = %s'
)


LOCK_COUNTER = (
    f'SELECT "id", "taken" FROM {_counters} '  # noqa: S608
    f'WHERE {_event_id} = %s AND {_block_id} IS NULL'
)
_event_state_columns = ", ".join(f"e.{_column(Event, name)}" for name in EVENT_STATE_FIELDS)


def _take_sessions_sql(count: int) -> str:
    marks = ", ".join(["%s"] * count)
    # The capacity by a subquery: SQLite lets RETURNING name only the updated table.
    return (
        f'UPDATE {_counters} SET "taken" = "taken" + 1 WHERE {_block_id} IN ({marks}) '  # noqa: S608
        f'RETURNING "id", {_block_id}, "taken", '
        f'(SELECT {_column(AgendaBlock, "capacity")} FROM {_blocks} '
        f'WHERE {_blocks}."id" = {_counters}.{_block_id})'
    )


def take_place(event_id: int) -> tuple[int, int] | None:
    """Add one place to the event's counter and return (its id, places taken now), or None
    when the event has no counter yet. One statement that takes the row's lock (PostgreSQL:
    waiting behind whoever holds it, then adding to the value they committed; SQLite: the
    transaction is the only writer already), kept until commit: the caller decides with the
    returned value and rolls back when that gives no place."""
    with connection.cursor() as cursor:
        cursor.execute(TAKE_PLACE, [event_id])
        return cursor.fetchone()


def places_taken(event_id: int) -> int | None:
    """The event counter's places taken, or None when it has no counter yet."""
    with connection.cursor() as cursor:
        cursor.execute(PLACES_TAKEN, [event_id])
        row = cursor.fetchone()
    return None if row is None else row[0]


def event_state(event_id: int) -> dict | None:
    """The event's fields that decide a registration (``EVENT_STATE_FIELDS``), as the ORM
    would give them (aware datetimes), or None when it is gone. Read under the counter's lock
    in a statement of its own (see ``capacity._lock_event``)."""
    with connection.cursor() as cursor:
        cursor.execute(EVENT_STATE, [event_id])
        row = cursor.fetchone()
    return None if row is None else _state(row)


def _state(row) -> dict:
    state = dict(zip(EVENT_STATE_FIELDS, row, strict=True))
    for name in ("registration_opens_at", "registration_closes_at", "ends_at"):
        state[name] = _aware(state[name])
    return state


def lock_counter(event_id: int) -> tuple[int, int] | None:
    """Lock the event's counter row (as ``select_for_update``, until commit) and return (its
    id, places taken), or None when the event has no counter yet. SQLite has no row locks and
    needs none: the transaction is the only writer already."""
    suffix = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(LOCK_COUNTER + suffix, [event_id])
        return cursor.fetchone()


def _state_and_sessions_sql(count: int, *, take: bool) -> str:
    marks = ", ".join(["%s"] * count)
    if take:  # PostgreSQL: the sessions' places taken in the statement that reads the event
        sessions = (f'WITH s AS (UPDATE {_counters} SET "taken" = "taken" + 1 '  # noqa: S608
                    f'WHERE {_block_id} IN ({marks}) RETURNING "id", {_block_id}, "taken") ')
        source = "s"
    else:
        sessions, source = "", _counters
    return (
        f"{sessions}SELECT {_event_state_columns}, c.\"id\", c.{_block_id}, c.\"taken\", "  # noqa: S608
        f"b.{_column(AgendaBlock, 'capacity')} FROM {_events} e "
        f"LEFT JOIN {source} c ON {'TRUE' if take else f'c.{_block_id} IN ({marks})'} "
        f'LEFT JOIN {_blocks} b ON b."id" = c.{_block_id} WHERE e."id" = %s'
    )


def state_and_sessions(
    event_id: int, block_ids, *, take: bool
) -> tuple[dict | None, dict[int, tuple[int, int, int | None]]]:
    """Under the event counter's lock, in one statement: the event's state as ``event_state``
    gives it (None when it is gone), and the chosen sessions' counters as ``take_sessions``
    gives them, with one more place taken on each when ``take``. On PostgreSQL the read and
    the places are one round trip, whose snapshot is taken after the lock (the reason
    ``event_state`` is a statement of its own). SQLite, whose statements cannot write in a
    ``WITH``, takes the places in a second statement (no round trip there)."""
    block_ids = sorted(block_ids)
    if not block_ids:
        return event_state(event_id), {}
    if take and connection.vendor != "postgresql":
        state = event_state(event_id)
        return state, (take_sessions(block_ids) if state is not None else {})
    with connection.cursor() as cursor:
        cursor.execute(*_state_statement(event_id, block_ids, take))
        return _state_and_sessions(cursor.fetchall())


def _state_statement(event_id: int, block_ids: list[int], take: bool) -> tuple[str, list]:
    """``state_and_sessions``' one statement (on SQLite only without ``take``)."""
    return _state_and_sessions_sql(len(block_ids), take=take), [*block_ids, event_id]


def _state_and_sessions(rows) -> tuple[dict | None, dict[int, tuple[int, int, int | None]]]:
    if not rows:
        return None, {}
    width = len(EVENT_STATE_FIELDS)
    sessions = {row[width + 1]: (row[width], row[width + 2], row[width + 3])
                for row in rows if row[width] is not None}
    return _state(rows[0][:width]), sessions


def take_sessions(block_ids) -> dict[int, tuple[int, int, int | None]]:
    """Add one place to each of these sessions' counters: {block id: (counter id, places taken
    now, the session's capacity)} for those that have a counter. Only under the event counter's
    lock (the session counters are only ever written under it)."""
    block_ids = sorted(block_ids)
    if not block_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_take_sessions_sql(len(block_ids)), block_ids)
        return {block: (pk, taken, capacity) for pk, block, taken, capacity in cursor.fetchall()}


def registration_of_address(event_id: int, email: str) -> tuple[int, str] | None:
    """(id, status) of the event's registration of this address (there is one at most: the
    unique constraint), or None. ``email`` as stored (normalised)."""
    with connection.cursor() as cursor:
        cursor.execute(REGISTRATION_OF_ADDRESS, [event_id, email])
        return cursor.fetchone()


def _aware(value):
    """A datetime from a raw row as the ORM makes it: SQLite gives text or naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


# --- Writing a new registration -------------------------------------------------------------


@functools.cache
def _insertable(model) -> tuple[tuple, str, str]:
    """The fields an INSERT of ``model`` writes (all concrete ones but the generated key), their
    columns, and the table. Values are each field's own conversion (``pre_save`` and
    ``get_db_prep_save``), as the ORM's INSERT makes them."""
    fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
    columns = ", ".join(f'"{field.column}"' for field in fields)
    return fields, columns, f'"{model._meta.db_table}"'


def _values(instance, fields, skip=None) -> list:
    return [field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in fields if field.name != skip]


def _insert(model, rows: int = 1, *, link: str = "", link_sql: str = "", returning=False) -> str:
    """``INSERT`` of ``rows`` rows of ``model``: a parameter per field, but ``link_sql`` for
    the field named ``link`` (the new registration's id, from the same statement)."""
    fields, columns, table = _insertable(model)
    row = "(" + ", ".join(link_sql if field.name == link else "%s" for field in fields) + ")"
    return (f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608
            + (' RETURNING "id"' if returning else ""))


def insert_registration(registration: Registration, choices: list[SessionChoice],
                        message: OutboxMessage | None) -> None:
    """Insert a new registration, its session choices and (when given) its outbox row, each
    pointing to the registration: on PostgreSQL in one statement (one round trip where the ORM
    took three, and none of the ORM's statement building, bench/README.md), on SQLite in one
    statement per table. Sets the primary keys of the registration and the message. Like
    ``save(force_insert=True)`` it stamps ``updated_at`` (``Registration.touch``); it sends
    no model signals (none are connected to these models: tested). An address the event has
    already raises ``IntegrityError`` (the unique constraint) and writes nothing."""
    registration.touch()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(*_insert_statement(registration, choices, message))
            _inserted(registration, choices, message, cursor.fetchone())
            return
        # SQLite: no INSERT inside WITH; a statement costs no round trip here
        reg_fields = _insertable(Registration)[0]
        cursor.execute(_insert(Registration, returning=True), _values(registration, reg_fields))
        registration.pk = cursor.fetchone()[0]
        if choices:
            params = []
            for choice in choices:
                choice.registration_id = registration.pk
                params += _values(choice, _insertable(SessionChoice)[0])
            cursor.execute(_insert(SessionChoice, len(choices)), params)
        message_pk = None
        if message is not None:
            message.registration_id = registration.pk
            cursor.execute(_insert(OutboxMessage, returning=True),
                           _values(message, _insertable(OutboxMessage)[0]))
            message_pk = cursor.fetchone()[0]
    _inserted(registration, choices, message, (registration.pk, message_pk))


def _insert_statement(registration, choices, message) -> tuple[str, list]:
    """PostgreSQL's one ``INSERT … WITH`` of ``insert_registration``; it returns the ids of
    the registration and of the message (NULL without one)."""
    new_id = '(SELECT "id" FROM r)'
    parts = [f"WITH r AS ({_insert(Registration, returning=True)})"]
    params = _values(registration, _insertable(Registration)[0])
    if choices:
        rows = _insert(SessionChoice, len(choices), link="registration", link_sql=new_id)
        parts.append(f"c AS ({rows})")
        for choice in choices:
            params += _values(choice, _insertable(SessionChoice)[0], skip="registration")
    if message is not None:
        row = _insert(OutboxMessage, link="registration_id", link_sql=new_id, returning=True)
        parts.append(f"m AS ({row})")
        params += _values(message, _insertable(OutboxMessage)[0], skip="registration_id")
    last = '(SELECT "id" FROM m)' if message is not None else "NULL"
    return f"{', '.join(parts)} SELECT {new_id}, {last}", params


def _inserted(registration, choices, message, ids) -> None:
    """The keys the insert gave, set on the instances, which are now saved ones."""
    registration.pk, message_pk = ids
    registration._state.adding, registration._state.db = False, connection.alias
    for choice in choices:
        choice.registration_id = registration.pk
    if message is not None:
        message.pk, message.registration_id = message_pk, registration.pk
        message._state.adding, message._state.db = False, connection.alias


def insert_lock_and_read(registration, choices, message, event_id: int, block_ids, *,
                         take: bool):
    """PostgreSQL only: ``insert_registration``, then ``take_place`` (``take``) or
    ``lock_counter``, then ``state_and_sessions``, sent in one pipeline — the transaction's
    ``BEGIN`` and the three statements in one round trip where they took four. The server runs
    them one after the other as it would have anyway: the read starts after the lock is held,
    so it sees every commit before it (see ``capacity._lock_event``). Returns (the counter's
    (id, places taken) or None when the event has no counter yet, the event's state or None,
    the sessions' counters). An address the event has already raises ``IntegrityError``, with
    nothing written."""
    registration.touch()
    block_ids = sorted(block_ids)
    lock_sql = TAKE_PLACE if take else LOCK_COUNTER + " FOR UPDATE"
    if block_ids:
        state_sql, state_params = _state_statement(event_id, block_ids, take)
    else:
        state_sql, state_params = EVENT_STATE, [event_id]
    cursors = [connection.cursor() for _ in range(3)]
    try:
        # The statements' errors (the address's unique constraint) come when the pipeline
        # syncs: Django's wrapper turns them into its own, as for any statement.
        with connection.wrap_database_errors, connection.connection.pipeline():
            cursors[0].execute(*_insert_statement(registration, choices, message))
            cursors[1].execute(lock_sql, [event_id])
            cursors[2].execute(state_sql, state_params)
        _inserted(registration, choices, message, cursors[0].fetchone())
        counter = cursors[1].fetchone()
        rows = cursors[2].fetchall()
    finally:
        for cursor in cursors:
            cursor.close()
    if block_ids:
        return (counter, *_state_and_sessions(rows))
    return counter, (_state(rows[0]) if rows else None), {}
