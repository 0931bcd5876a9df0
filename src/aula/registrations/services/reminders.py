"""Reminders before the event, written in batches under the event's lock."""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from aula.events.models import Event
from aula.registrations import emails
from aula.registrations.models import (
    REMINDER_MAX_MINUTES,
    Registration,
    RegistrationOptions,
    ReminderSent,
)
from aula.registrations.services.capacity import (
    _lock_event,
    run_in_transaction,
)

logger = logging.getLogger(__name__)
Status = Registration.Status

# --- Reminders ------------------------------------------------------------------------------

# Reminders are written this many to a transaction. It holds the event's lock, which the
# event's registrations wait for, so it must stay short however many registrants there are.
REMINDER_BATCH_SIZE = 200


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that are due: for each upcoming published event, the most recent of
    its reminder times that has passed, to confirmed registrants who were confirmed before it (a
    fresher confirmation e-mail needs no reminder) and did not get it yet for the event's present
    start. Returns how many.

    A reminder time is the start minus the offset in real time: a one-day reminder comes 24
    hours before, daylight-saving change or not. Reminders are kept per start
    (``ReminderSent``), so an event that moves gets them again for its new time.
    """
    now = now or timezone.now()
    events = list(Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gt=now,
        starts_at__lte=now + timedelta(minutes=REMINDER_MAX_MINUTES),
    ).select_related("project"))
    options = {o.event_id: o for o in RegistrationOptions.objects.filter(event__in=events)}
    sent = 0
    for event in events:
        offset = _due_reminder_offset(event, options.get(event.pk), now)
        if offset is not None:
            sent += _send_reminders(event, offset, now)
    return sent


def _due_reminder_offset(
    event: Event, options: RegistrationOptions | None, now: datetime
) -> int | None:
    """The offset of the event's most recent reminder time that has passed, or None."""
    options = options or RegistrationOptions(event=event)
    return min(
        (
            minutes for minutes in options.reminder_offsets_minutes or []
            if isinstance(minutes, int) and minutes > 0
            and now >= event.starts_at - timedelta(minutes=minutes)
        ),
        default=None,
    )


def _reminder_recipients(event: Event, offset: int):
    """Who is to get the reminder ``offset`` minutes before the event's start (``event`` as
    read: its start is the one the reminder is for)."""
    already = ReminderSent.objects.filter(
        registration=OuterRef("pk"), offset_minutes=offset, event_starts_at=event.starts_at
    )
    return Registration.objects.filter(
        event_id=event.pk, status=Status.CONFIRMED, anonymised_at__isnull=True,
        confirmed_at__lt=event.starts_at - timedelta(minutes=offset),
    ).exclude(Exists(already))


def _send_reminders(event: Event, offset: int, now: datetime) -> int:
    recipients = list(
        _reminder_recipients(event, offset).order_by("pk")
        .prefetch_related("session_choices__block")
    )
    sent = 0
    for first in range(0, len(recipients), REMINDER_BATCH_SIZE):
        prepared = {}
        for registration in recipients[first:first + REMINDER_BATCH_SIZE]:
            registration.event = event
            blocks = [choice.block for choice in registration.session_choices.all()]
            # Rendered before the lock is taken, as in register().
            prepared[registration.pk] = (
                emails.prepare("reminder", registration, event, blocks=blocks), registration
            )
        try:
            sent += run_in_transaction(
                lambda prepared=prepared: _write_reminders(event, offset, prepared, now)
            )
        except IntegrityError:
            # Only a write that bypassed the event's lock gets here; the next tick reads again.
            logger.warning("Reminders of event %s written meanwhile; left to the next tick",
                           event.pk)
    return sent


def _write_reminders(event: Event, offset: int, prepared: dict, now: datetime) -> int:
    """Write the prepared reminders still due, under the event's lock. Every change of who is
    registered takes that lock, and so does an overlapping tick: read again under it, the
    recipients exclude whoever cancelled, was erased or got the reminder meanwhile."""
    current = _lock_event(event.pk).event
    if current.status != Event.Status.PUBLISHED or current.starts_at != event.starts_at:
        return 0  # the event changed since: the next tick works from its new state
    due = sorted(
        _reminder_recipients(event, offset).filter(pk__in=list(prepared))
        .values_list("pk", flat=True)
    )
    ReminderSent.objects.bulk_create(
        ReminderSent(
            registration_id=pk, offset_minutes=offset, event_starts_at=event.starts_at,
            sent_at=now,
        )
        for pk in due
    )
    emails.send_many([prepared[pk] for pk in due], event)
    return len(due)


