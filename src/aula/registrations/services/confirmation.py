"""Holds and confirmation: double opt-in, the held places that expire, the e-mail that says
where a registrant stands.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.audit import services as audit
from aula.events.models import Event
from aula.registrations import emails, queries
from aula.registrations import webhooks as hooks
from aula.registrations.models import (
    Registration,
    RegistrationOptions,
)
from aula.registrations.services.capacity import (
    RegistrationError,
    _adjust,
    _choices,
    _fill_free_places,
    _lock_event,
    _over_capacity_data,
    _room_or_refuse,
    _session_counters,
    run_in_transaction,
)

Status = Registration.Status

CONFIRMED_BY_HAND = audit.action("registration.confirmed_by_hand",
                                 _("Confirmed a registrant by hand"))
EMAIL_RESENT = audit.action("registration.email_resent",
                            _("Sent a registrant's e-mail again"))


def _confirm_locked(registration, event, options, attachment, now) -> Registration:
    """A held place becomes the registrant's; on the waiting list the address now counts as
    confirmed (and may move them up). Under the event's lock."""
    counter = _lock_event(event.pk)
    current = Registration.objects.get(pk=registration.pk)
    current.event = event
    if current.status == Status.HELD:
        current.status = Status.CONFIRMED
        current.confirmed_at = current.email_confirmed_at = now
        current.hold_expires_at = None
        current.save(
            update_fields=["status", "confirmed_at", "email_confirmed_at", "hold_expires_at"]
        )
        blocks = [choice.block for choice in _choices(current)]
        hooks.tell("registration.confirmed", current, event.project_id, blocks=blocks)
        emails.queue(
            "confirmation", current, event, blocks=blocks,
            attachments=[attachment or emails.calendar_attachment(current, event)],
        )
    elif current.status == Status.WAITING and current.email_confirmed_at is None:
        current.email_confirmed_at = now
        current.save(update_fields=["email_confirmed_at"])
        if options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
            _fill_free_places(event.pk, options, counter, now)
            current.refresh_from_db()
    return current


def confirm_email(token: str, *, now: datetime | None = None) -> Registration | None:
    """The registrant followed the link in the "please confirm" e-mail: a held place becomes
    theirs; on the waiting list their address now counts as confirmed. None for an unknown link.
    """
    now = now or timezone.now()
    registration = queries.registration_by_token(token)
    if registration is None:
        return None
    event = registration.event
    options = queries.options_for(event)
    attachment = (
        emails.calendar_attachment(registration, event)
        if registration.status == Status.HELD else None
    )
    return run_in_transaction(
        lambda: _confirm_locked(registration, event, options, attachment, now)
    )


def confirm_by_hand(
    registration: Registration, *, actor, via: str = "", now: datetime | None = None,
    over_capacity: bool = False,
) -> Registration:
    """The organiser confirms the registrant (who told them the address is right): a held place
    as if the registrant had followed the link; someone on the waiting list gets a confirmed
    place straight away, where there is room (``NoPlace``/``SessionFull`` otherwise) or
    knowingly over the capacity (``over_capacity``, recorded in the audit entry). Refused
    (``RegistrationError``) for anyone confirmed or cancelled already."""
    now = now or timezone.now()
    registration = Registration.objects.select_related("event", "event__project").get(
        pk=registration.pk
    )
    event = registration.event
    options = queries.options_for(event)
    attachment = emails.calendar_attachment(registration, event)

    def locked():
        counter = _lock_event(event.pk)
        status = Registration.objects.filter(pk=registration.pk).values_list(
            "status", flat=True
        ).first()
        exceeded = []
        if status == Status.HELD:
            confirmed = _confirm_locked(registration, event, options, attachment, now)
        elif status == Status.WAITING:
            if counter.event.is_past(now) or counter.event.status != Event.Status.PUBLISHED:
                raise RegistrationError(_("The event is over or not open."))
            confirmed, exceeded = _confirm_waiting(
                registration.pk, event, counter, attachment, now, over_capacity
            )
        else:
            raise RegistrationError(
                _("Only someone on the waiting list or holding a place until the address is "
                  "confirmed can be confirmed by hand.")
            )
        audit.record(actor, CONFIRMED_BY_HAND, confirmed, event=event, via=via,
                     changes={"status": [status, confirmed.status]},
                     data=_over_capacity_data(exceeded))
        return confirmed

    return run_in_transaction(locked)


def _confirm_waiting(registration_id, event, counter, attachment, now, over_capacity):
    """A place, confirmed, for someone on the waiting list (under the lock)."""
    current = Registration.objects.get(pk=registration_id)
    current.event = event
    choices = _choices(current)
    sessions = _session_counters(event.pk, [choice.block_id for choice in choices])
    exceeded = _room_or_refuse(counter, sessions.values(), over_capacity)
    current.status = Status.CONFIRMED
    current.confirmed_at = now
    current.email_confirmed_at = current.email_confirmed_at or now
    current.hold_expires_at = current.waiting_since = None
    current.save(update_fields=[
        "status", "confirmed_at", "email_confirmed_at", "hold_expires_at", "waiting_since"
    ])
    _adjust(counter, sessions.values(), +1)
    hooks.tell("registration.confirmed", current, event.project_id,
               blocks=[choice.block for choice in choices])
    emails.queue("promotion", current, event, blocks=[choice.block for choice in choices],
                 attachments=[attachment])
    return current, exceeded


def resend_confirmation(registration: Registration, *, actor, via: str = "") -> str:
    """Queue again the e-mail that says where the registrant stands: the confirmation (with the
    calendar file) for a place, the request to confirm the address for a held place, the
    waiting-list e-mail for the waiting list. Returns the e-mail's name. Raises
    ``RegistrationError`` for a cancelled or erased registration."""
    registration = Registration.objects.select_related("event", "event__project").get(
        pk=registration.pk
    )
    event = registration.event
    if registration.anonymised_at or registration.status == Status.CANCELLED:
        raise RegistrationError(_("A cancelled or erased registration gets no e-mail."))
    blocks = [choice.block for choice in queries.chosen_sessions(registration)]
    options = queries.options_for(event)
    if registration.status == Status.CONFIRMED:
        name, extra = "confirmation", {
            "attachments": [emails.calendar_attachment(registration, event)]
        }
    elif registration.status == Status.HELD:
        name, extra = "please_confirm", {"promoted": False}
    else:
        name, extra = "waiting", {"needs_confirmation": options.double_opt_in and
                                  registration.email_confirmed_at is None}

    def write():
        emails.queue(name, registration, event, blocks=blocks, **extra)
        audit.record(actor, EMAIL_RESENT, registration, event=event, via=via,
                     data={"email": name})

    run_in_transaction(write)
    return name


def release_expired_holds(now: datetime | None = None) -> int:
    """Held places whose confirmation did not come in time go back: their holders join the
    end of the waiting list and (automatic promotion) the next in line gets the place.
    Safe to run twice at once: each event's holds are released under its lock."""
    now = now or timezone.now()
    event_ids = set(
        Registration.objects.filter(status=Status.HELD, hold_expires_at__lte=now)
        .values_list("event_id", flat=True)
    )
    released = 0
    for event_id in sorted(event_ids):
        released += run_in_transaction(lambda event_id=event_id: _release_holds(event_id, now))
    return released


def _release_holds(event_id: int, now) -> int:
    counter = _lock_event(event_id)
    options = RegistrationOptions.for_event(counter.event)
    expired = list(
        Registration.objects.filter(
            event_id=event_id, status=Status.HELD, hold_expires_at__lte=now
        ).prefetch_related("session_choices")
    )
    for registration in expired:
        block_ids = [choice.block_id for choice in registration.session_choices.all()]
        sessions = _session_counters(event_id, block_ids)
        # hold_expires_at stays: with double opt-in it marks them as passed over until they
        # confirm (queries.promotable_filter).
        registration.status = Status.WAITING
        registration.waiting_since = now
        registration.save(update_fields=["status", "waiting_since"])
        _adjust(counter, sessions.values(), -1)
    if expired and options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
        _fill_free_places(event_id, options, counter, now)
    return len(expired)


