"""The registration path's raw SQL: only where one statement does what the ORM needs two for,
under the event counter's lock (bench/README.md, 2026-12-06). Plain SQL that PostgreSQL and
SQLite (3.35 or later: ``RETURNING``) both run; table and column names from the models.
"""

from django.db import connection

from aula.registrations.models import CapacityCounter

_counters = CapacityCounter._meta.db_table
_event_id = CapacityCounter._meta.get_field("event").column
_block_id = CapacityCounter._meta.get_field("block").column

# Names from the model, the value a parameter.
TAKE_PLACE = (
    f'UPDATE "{_counters}" SET "taken" = "taken" + 1 '  # noqa: S608
    f'WHERE "{_event_id}" = %s AND "{_block_id}" IS NULL RETURNING "id", "taken"'
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
