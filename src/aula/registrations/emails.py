"""The registrant's e-mails. Each is queued in the outbox inside the caller's transaction, in the
registrant's language, with times in the event's zone and (where it differs) their own.

``queue_later`` writes the row "to render" (the e-mail's name, the status it reports and its
few arguments): the delivery worker renders it from the registration as stored, with its
sessions and ``.ics``, just before sending (``render_for_outbox``, registered in apps.py). The
row still exists exactly when the registration's change committed; the request that made the
change renders nothing (bench/README.md, 2026-12-06)."""

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation

from aula.core import timefmt
from aula.events.calendar import calendar_filename, event_calendar
from aula.events.models import Event
from aula.messaging.models import OutboxMessage
from aula.messaging.services import (
    Attachment,
    OutgoingEmail,
    Rendered,
    RenderedEmail,
    new_outbox_message,
    queue_emails,
    queue_templated_email,
    render_email,
    render_later,
)
from aula.registrations import display, email_texts
from aula.registrations.models import Registration
from aula.registrations.placeholders import has_join_link

TEMPLATE_DIR = "registrations/email/"


def calendar_attachment(
    registration: Registration, event: Event, method: str = "PUBLISH"
) -> Attachment:
    """The event as a calendar file whose link is the registrant's own join link (never the
    meeting address)."""
    language = registration.language
    content = event_calendar(
        event, language, display.event_url(event, language), method=method,
        attendee_url=display.join_url(registration) if has_join_link(event) else None,
    )
    return Attachment(calendar_filename(event), content, "text/calendar")


def context(registration: Registration, event: Event, blocks=()) -> dict:
    language = registration.language
    own = display.own_zone(registration)
    with translation.override(language):
        sessions = [
            {
                "title": block.text("title", language).text,
                "when": timefmt.format_range(
                    block.starts_at, block.ends_at, event.time_zone, language
                ),
                "when_own": timefmt.format_range(block.starts_at, block.ends_at, own, language)
                if own else "",
            }
            for block in blocks
        ]
    return {
        "registration": registration,
        "first_name": registration.first_name,
        "event_title": event.text("title", language).text,
        "when_event": timefmt.format_range(
            event.starts_at, event.ends_at, event.time_zone, language
        ),
        "when_own": timefmt.format_range(event.starts_at, event.ends_at, own, language)
        if own else "",
        "own_zone": own,
        "sessions": sessions,
        "personal_url": display.personal_url(registration),
        "join_url": display.join_url(registration) if has_join_link(event) else "",
        "event_url": display.event_url(event, language),
        "confirm_url": display.confirm_url(registration),
        "register_url": display.register_url(event, language),
        "hold_until": timefmt.format_moment(
            registration.hold_expires_at, own or event.time_zone, language
        ) if registration.hold_expires_at else "",
        "contact_name": event.contact_name,
        "contact_email": event.contact_email,
        # Interreg visibility: the project's logo set heads the HTML part (not the text part).
        **display.logo_set(event.project, language),
        # Written by the organiser when cancelling (events.lifecycle.cancel).
        "cancellation_reason": event.cancellation_reason,
    }


def previous_times(registration: Registration, previous: dict | None) -> dict:
    """The event's time before it moved (``previous``: starts_at, ends_at, time_zone), in the
    zone it was in and in the registrant's own, for the "changed" e-mail."""
    if not previous:
        return {}
    language = registration.language
    own = display.own_zone(registration)
    starts_at, ends_at = previous["starts_at"], previous["ends_at"]
    return {
        "previous_when_event": timefmt.format_range(
            starts_at, ends_at, previous["time_zone"], language
        ),
        "previous_when_own": timefmt.format_range(starts_at, ends_at, own, language)
        if own else "",
    }


@dataclass(frozen=True)
class Prepared:
    """An e-mail rendered ahead of the transaction that sends it (see ``services.register``)."""

    name: str
    rendered: RenderedEmail
    attachments: tuple = ()


def prepare(
    name: str, registration: Registration, event: Event, *, blocks=(), attachments=(), **extra
) -> Prepared:
    rendered = render_email(
        TEMPLATE_DIR + name, {
            **context(registration, event, blocks),
            **email_texts.custom_context(name, registration, event), **extra,
        },
        registration.language,
    )
    return Prepared(name, rendered, tuple(attachments))


def send(prepared: Prepared, registration: Registration, event: Event) -> None:
    """Write a prepared e-mail into the outbox (inside the caller's transaction)."""
    send_many([(prepared, registration)], event)


def send_many(items: Iterable[tuple[Prepared, Registration]], event: Event) -> None:
    """Write prepared e-mails of one event into the outbox at once (inside the caller's
    transaction), a few statements however many there are."""
    queue_emails([
        OutgoingEmail(
            to=registration.email,
            subject=prepared.rendered.subject,
            text=prepared.rendered.text,
            html=prepared.rendered.html,
            attachments=prepared.attachments,
            kind=f"registration_{prepared.name}",
            language=registration.language,
            event=event,
            registration_id=registration.pk,
        )
        for prepared, registration in items
        if not registration.anonymised_at  # an erased registration has no address to write to
    ])


def queue(
    name: str, registration: Registration, event: Event, *, blocks=(), attachments=(), **extra
) -> None:
    if registration.anonymised_at:
        return
    queue_templated_email(
        template=TEMPLATE_DIR + name,
        context={
            **context(registration, event, blocks),
            **email_texts.custom_context(name, registration, event), **extra,
        },
        to=registration.email,
        language=registration.language,
        kind=f"registration_{name}",
        attachments=attachments,
        event=event,
        registration_id=registration.pk,
    )


# --- Rendered by the delivery worker ------------------------------------------------------------

RENDERER = "registration"
# The e-mails that carry the event's calendar file.
WITH_CALENDAR = frozenset({"confirmation", "promotion"})


def queue_later(name: str, registration: Registration, event: Event, *, blocks=(),
                **extra) -> None:
    """Queue e-mail ``name`` about ``registration`` (inside the caller's transaction) to be
    rendered by the delivery worker from the registration as stored then, reporting the status
    it has now. ``extra``: the template's few arguments, JSON values. ``blocks``: the chosen
    sessions, used only when rendering here (``AULA_RENDER_EMAILS_IN_WORKER`` off)."""
    if registration.anonymised_at:
        return
    if not render_later():
        attachments = [calendar_attachment(registration, event)] if name in WITH_CALENDAR else []
        queue(name, registration, event, blocks=blocks, attachments=attachments, **extra)
        return
    queue_emails([_to_render(name, registration, event, extra)])


def later_message(name: str, registration: Registration, event: Event,
                  **extra) -> OutboxMessage | None:
    """The outbox row ``queue_later`` would write, unsaved, for a caller that writes it in the
    statement of the registration itself (its ``registration_id`` then set by that statement;
    ``messaging.services.outbox_written`` after). None when ``queue_later`` writes no such row:
    an erased registration, or e-mails rendered in the request."""
    if registration.anonymised_at or not render_later():
        return None
    return new_outbox_message(_to_render(name, registration, event, extra))


def _to_render(name, registration, event, extra) -> OutgoingEmail:
    spec = {"renderer": RENDERER, "name": name, "status": registration.status, "extra": extra}
    return OutgoingEmail(
        to=registration.email, subject="", text="", kind=f"registration_{name}",
        language=registration.language, event=event, registration_id=registration.pk,
        to_render=spec,
    )


def render_for_outbox(message) -> Rendered:
    """Render a row ``queue_later`` wrote: the registration and its sessions as stored now,
    with the status the e-mail reports. ValueError when the registration is gone or erased."""
    from aula.registrations import queries

    spec = message.to_render
    registration = (
        Registration.objects.select_related("event__project")
        .filter(pk=message.registration_id).first()
    )
    if registration is None or registration.anonymised_at:
        raise ValueError("The registration this e-mail is about is gone.")
    event = registration.event
    registration = copy.copy(registration)
    registration.status = spec["status"]
    blocks = [choice.block for choice in queries.chosen_sessions(registration)]
    name = spec["name"]
    attachments = (calendar_attachment(registration, event),) if name in WITH_CALENDAR else ()
    rendered = prepare(name, registration, event, blocks=blocks, **spec.get("extra", {})).rendered
    return Rendered(rendered.subject, rendered.text, rendered.html, attachments)
