"""Events' writes that other apps react to: the one place that says an event's schedule or status
changed.

Whoever saves an event (the admin, the demo loader) calls ``record_event_change`` once, after
the event and its agenda are saved. It raises the calendar revision and sends the signals below;
other apps listen to them (registrations e-mails the registrants), so events imports none of them.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal

from aula.events.models import Event

# A change to these moves the event in time.
SCHEDULE_FIELDS = frozenset({"starts_at", "ends_at", "time_zone"})
# A change to these makes calendars replace their copy (iCalendar SEQUENCE).
CALENDAR_FIELDS = SCHEDULE_FIELDS | {"status"}

# Sent with ``event=`` inside the transaction of the change: what receivers write (outbox rows)
# commits or rolls back with it, and a receiver that raises undoes the change.
event_rescheduled = Signal()  # the time of a published event changed
event_cancelled = Signal()  # the event's status became cancelled
# Sent with ``block=`` (as saved before) and ``capacity=`` (the new one) inside the transaction
# that changes a parallel session's capacity, before the block is saved: registrations locks the
# event's counter and raises ValidationError when fewer places than the people who chose it.
session_capacity_changing = Signal()


def record_event_change(event: Event, changed_fields: Iterable[str]) -> bool:
    """Record that ``event`` (already saved) changed in ``changed_fields``: when its time, zone
    or status is among them, raise its calendar ``sequence`` by one and send
    ``event_cancelled`` (the status became cancelled) or ``event_rescheduled`` (the time of a
    published event changed). Moving a draft concerns nobody but the organiser: no signal.

    Call it once per change, not per saved part. Returns whether anything was recorded.
    """
    changed = set(changed_fields) & CALENDAR_FIELDS
    if not changed or event.pk is None:
        return False
    with transaction.atomic():
        # Raised in the database, not from the instance, which may be stale.
        Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
        event.refresh_from_db(fields=["sequence"])
        if "status" in changed and event.status == Event.Status.CANCELLED:
            event_cancelled.send(sender=Event, event=event)
        elif changed & SCHEDULE_FIELDS and event.status == Event.Status.PUBLISHED:
            event_rescheduled.send(sender=Event, event=event)
    return True
