"""E-mails to every registrant when the event moved or was cancelled."""

from aula.events.models import Event
from aula.registrations import emails
from aula.registrations.models import (
    Registration,
)
from aula.registrations.services.capacity import (
    run_in_transaction,
)

Status = Registration.Status

# --- The event changed or was cancelled ------------------------------------------------------


def _notify_all(event: Event, name: str, method: str, extra=lambda registration: {}) -> int:
    """One e-mail to everyone registered (not cancelled, not erased); a calendar file for those
    with a place; ``extra(registration)`` adds to its template's context. Rendered first, then
    written in one transaction: all or none."""
    event = Event.objects.select_related("project").get(pk=event.pk)
    registrations = list(
        Registration.objects.filter(
            event=event, status__in=[Status.CONFIRMED, Status.HELD, Status.WAITING],
            anonymised_at__isnull=True,
        ).prefetch_related("session_choices__block")
    )
    prepared = []
    for registration in registrations:
        registration.event = event
        prepared.append((emails.prepare(
            name, registration, event,
            blocks=[choice.block for choice in registration.session_choices.all()],
            attachments=[emails.calendar_attachment(registration, event, method)]
            if registration.takes_place else [],
            **extra(registration),
        ), registration))
    run_in_transaction(lambda: emails.send_many(prepared, event))
    return len(prepared)


def notify_event_changed(event: Event, previous: dict | None = None) -> int:
    """Tell the registrants that the event's time or details changed, with the updated calendar
    file (the same UID, a higher SEQUENCE: calendars update the entry); with ``previous`` (the
    schedule before: starts_at, ends_at, time_zone) the e-mail gives the old time next to the
    new one. Call it once, after the change is saved."""
    return _notify_all(
        event, "event_changed", "PUBLISH",
        lambda registration: emails.previous_times(registration, previous),
    )


def notify_event_cancelled(event: Event) -> int:
    """Tell the registrants that the event is cancelled; those with a place get a METHOD:CANCEL
    calendar file, which removes the entry from their calendar. Call it once."""
    return _notify_all(event, "event_cancelled", "CANCEL")


# Receivers of aula.events.services' signals (connected in apps.py): events decides when an
# event moved or was cancelled, and sends the signal inside the transaction of that change.


def on_event_rescheduled(sender, event: Event, previous=None, **kwargs) -> None:
    notify_event_changed(event, previous)


def on_event_cancelled(sender, event: Event, **kwargs) -> None:
    notify_event_cancelled(event)


