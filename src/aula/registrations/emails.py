"""The registrant's e-mails. Each is queued in the outbox inside the caller's transaction, in the
registrant's language, with times in the event's zone and (where it differs) their own."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation

from aula.core import timefmt
from aula.events.calendar import calendar_filename, event_calendar
from aula.events.models import Event
from aula.messaging.services import (
    Attachment,
    OutgoingEmail,
    RenderedEmail,
    queue_emails,
    queue_templated_email,
    render_email,
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
