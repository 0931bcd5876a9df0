"""An event's life: the states it passes through, the moves allowed between them, and what each
state allows after the seminar. The one place these rules are written.

    draft ──publish──▶ published ──mark held──▶ held ──close──▶ closed
      ▲                   │  │                    ▲               │
      └────back to draft──┘  │                    └────reopen─────┘
    draft / published ──cancel──▶ cancelled (final)

* A published event becomes held when the organiser says so once it has started, or by itself
  (the scheduler's tick) once it has ended.
* Attendance, certificates and the feedback survey open once the event has started (published
  and started, or held); a closed event is finished business, reopened to change them; drafts
  and cancelled events never have them.
* The funder's report is final only for a held or closed event.
* Cancelling sends ``events.services.event_cancelled``: registrants are told, certificates are
  revoked (each app listens); a cancelled event counts no participation anywhere.

Every move is one function taking the acting person (``actor``, None for Aula itself), run in
one transaction with its audit entry.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.core.fields import LANGUAGE_NAMES
from aula.events.models import AgendaBlock, Event, check_agenda
from aula.events.services import record_event_change
from aula.projects.queries import audience_languages

Status = Event.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.CANCELLED}),
    Status.PUBLISHED: frozenset({Status.DRAFT, Status.HELD, Status.CANCELLED}),
    Status.HELD: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.HELD}),
    Status.CANCELLED: frozenset(),
}

PUBLISHED = audit.action("event.published", gettext_lazy("Published the event"))
UNPUBLISHED = audit.action("event.unpublished", gettext_lazy("Took the event back to draft"))
CANCELLED = audit.action("event.cancelled", gettext_lazy("Cancelled the event"))
HELD = audit.action("event.held", gettext_lazy("Marked the event as held"))
CLOSED = audit.action("event.closed", gettext_lazy("Closed the event"))
REOPENED = audit.action("event.reopened", gettext_lazy("Reopened the event"))

# Checks other apps add, each returning its findings: blocking ones (registrations: a privacy
# notice exists) refuse publishing; the others are warnings the organiser reads first.
_publish_checks: dict[str, Callable[[Event], list[str]]] = {}
_publish_warnings: dict[str, Callable[[Event], list[str]]] = {}


def register_publish_check(func: Callable[[Event], list[str]], *, blocking: bool = True) -> None:
    registry = _publish_checks if blocking else _publish_warnings
    registry[f"{func.__module__}.{func.__qualname__}"] = func


def can_move(event: Event, to: str) -> bool:
    return to in TRANSITIONS[event.status]


def agenda_problems(event: Event) -> list[str]:
    blocks = list(AgendaBlock.objects.filter(event=event))
    for block in blocks:
        block.event = event
    return [str(problem) for problem in check_agenda(event, blocks)]


# Interreg visibility: the logo set on every page and document of the project.
NO_LOGO_SET = gettext_lazy("No logo set: Interreg visibility rules require it.")

TRANSLATED_FIELDS = (
    ("title", gettext_lazy("title")),
    ("summary", gettext_lazy("summary")),
    ("description", gettext_lazy("description")),
)


def content_warnings(event: Event) -> list[str]:
    """What a public page would miss: a contact, an agenda, translations into the languages of
    the project's audience (``projects.queries.audience_languages``)."""
    warnings = []
    if not (event.contact_name and (event.contact_email or event.contact_phone)):
        warnings.append(_("Nobody is named as the contact person, with an e-mail or a phone."))
    if not AgendaBlock.objects.filter(event=event).exists():
        warnings.append(_("The agenda is empty."))
    if not event.project.logo_set:
        warnings.append(str(NO_LOGO_SET))
    written = [(name, label) for name, label in TRANSLATED_FIELDS
               if (getattr(event, name) or {}).get(event.primary_language)]
    for language in audience_languages(event.project):
        missing = [str(label) for name, label in written
                   if not (getattr(event, name) or {}).get(language)]
        if missing:
            warnings.append(_("Not translated into %(language)s: %(fields)s.") % {
                "language": LANGUAGE_NAMES[language], "fields": ", ".join(missing),
            })
    return warnings


def publish_warnings(event: Event) -> list[str]:
    """What the organiser should know before publishing; none of it refuses publishing."""
    warnings = content_warnings(event)
    for check in _publish_warnings.values():
        warnings.extend(str(warning) for warning in check(event))
    return warnings


def publish_problems(event: Event) -> list[str]:
    """Why the event cannot be published yet; empty when it can."""
    problems = []
    if not (event.title or {}).get(event.primary_language):
        problems.append(_("Give the title in the primary language (%(lang)s).") % {
            "lang": event.get_primary_language_display()
        })
    for check in _publish_checks.values():
        problems.extend(str(problem) for problem in check(event))
    problems.extend(agenda_problems(event))
    return problems


def moves(event: Event, now: datetime | None = None) -> list[str]:
    """The moves ``event`` allows now, by the name of their function here ("publish",
    "unpublish", "mark_held", "close", "reopen", "cancel"), as the console offers them: marking
    it held only once it has started; publishing may still be refused for its problems."""
    allowed = TRANSITIONS[event.status]
    names = []
    if Status.PUBLISHED in allowed:
        names.append("publish")
    if Status.DRAFT in allowed:
        names.append("unpublish")
    if Status.HELD in allowed and event.status == Status.PUBLISHED and event.has_started(now):
        names.append("mark_held")
    if Status.CLOSED in allowed:
        names.append("close")
    if Status.HELD in allowed and event.status == Status.CLOSED:
        names.append("reopen")
    if Status.CANCELLED in allowed:
        names.append("cancel")
    return names


# --- What each state allows --------------------------------------------------------------------


def after_seminar_refusal(event: Event, now: datetime | None = None) -> str | None:
    """Why attendance, certificates or the survey cannot be changed now; None when they can."""
    if event.status == Status.CANCELLED:
        return _("The event was cancelled: it has no attendance, certificates or survey.")
    if event.status == Status.DRAFT:
        return _("The event is a draft: attendance, certificates and the survey come after "
                 "it has taken place.")
    if event.status == Status.CLOSED:
        return _("The event is closed. Reopen it to change attendance, certificates or the "
                 "survey.")
    if event.status == Status.PUBLISHED and not event.has_started(now):
        return _("The event has not started yet: attendance, certificates and the survey open "
                 "once it has.")
    return None


def require_after_seminar(event: Event, now: datetime | None = None) -> None:
    refusal = after_seminar_refusal(event, now)
    if refusal:
        raise ActionRefused(refusal)


def report_is_final(event: Event) -> bool:
    return event.status in (Status.HELD, Status.CLOSED)


def counts_participation(event: Event) -> bool:
    return event.status in Event.COUNTING


# --- Moves -------------------------------------------------------------------------------------


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("project").get(pk=event.pk)


def _move(event: Event, to: str, *, actor, name: str, data: dict | None = None,
          also: tuple[str, ...] = ()) -> Event:
    old = event.status
    event.status = to
    event.save(update_fields=["status", "updated_at", *also])
    record_event_change(event, ["status"])
    audit.record(actor, name, event, changes={"status": [old, to]}, data=data)
    return event


def _refuse_unless(event: Event, to: str, message: str) -> None:
    if not can_move(event, to):
        raise ActionRefused(message)


@transaction.atomic
def publish(event: Event, *, actor) -> Event:
    event = _locked(event)
    _refuse_unless(event, Status.PUBLISHED, _("Only a draft can be published."))
    problems = publish_problems(event)
    if problems:
        raise ActionRefused(" ".join(problems))
    # What the organiser published despite (the checklist they saw), in the log's language.
    with translation.override(settings.LANGUAGE_CODE):
        warnings = publish_warnings(event)
    return _move(event, Status.PUBLISHED, actor=actor, name=PUBLISHED,
                 data={"warnings": warnings} if warnings else None)


@transaction.atomic
def unpublish(event: Event, *, actor, active_registrations: Callable[[Event], int]) -> Event:
    """Back to draft, only while nobody registered (``active_registrations`` counts them:
    registrations sits above events and hands its count in)."""
    from django.utils.translation import ngettext

    event = _locked(event)
    if event.status != Status.PUBLISHED:
        raise ActionRefused(_("Only a published event can be taken back to draft."))
    count = active_registrations(event)
    if count:
        raise ActionRefused(ngettext(
            "%(count)d person registered already: cancel the event instead, so they are told.",
            "%(count)d people registered already: cancel the event instead, so they are told.",
            count,
        ) % {"count": count})
    return _move(event, Status.DRAFT, actor=actor, name=UNPUBLISHED)


@transaction.atomic
def cancel(event: Event, *, actor, reason: str = "") -> Event:
    """Cancel a draft or a published event. Registrants are told (with ``reason``),
    certificates are revoked, participation stops counting: each by its app, on the signal."""
    event = _locked(event)
    _refuse_unless(event, Status.CANCELLED, _(
        "Only a draft or a published event can be cancelled; a seminar that took place stays "
        "on the record."
    ))
    event.cancellation_reason = reason.strip()
    event.cancelled_at = timezone.now()
    return _move(event, Status.CANCELLED, actor=actor, name=CANCELLED,
                 data={"reason": event.cancellation_reason} if event.cancellation_reason else None,
                 also=("cancellation_reason", "cancelled_at"))


@transaction.atomic
def mark_held(event: Event, *, actor, now: datetime | None = None) -> Event:
    event = _locked(event)
    # Not _refuse_unless: closed → held is reopening, a move of its own (``reopen``).
    if event.status != Status.PUBLISHED:
        raise ActionRefused(_("Only a published event can be marked as held."))
    if not event.has_started(now):
        raise ActionRefused(_("The event has not started yet: it can be marked as held once "
                              "it has."))
    return _move(event, Status.HELD, actor=actor, name=HELD)


@transaction.atomic
def close(event: Event, *, actor) -> Event:
    event = _locked(event)
    _refuse_unless(event, Status.CLOSED, _("Only a held event can be closed."))
    return _move(event, Status.CLOSED, actor=actor, name=CLOSED)


@transaction.atomic
def reopen(event: Event, *, actor) -> Event:
    event = _locked(event)
    if event.status != Status.CLOSED:
        raise ActionRefused(_("Only a closed event can be reopened."))
    return _move(event, Status.HELD, actor=actor, name=REOPENED)


def mark_ended_events_held(now: datetime | None = None) -> int:
    """The scheduler's tick: published events that have ended become held (by Aula)."""
    now = now or timezone.now()
    moved = 0
    ended = Event.objects.filter(status=Status.PUBLISHED, ends_at__lte=now)
    for pk in ended.values_list("pk", flat=True):
        with transaction.atomic():
            event = Event.objects.select_for_update().filter(
                pk=pk, status=Status.PUBLISHED, ends_at__lte=now
            ).first()
            if event is not None:  # another tick may have moved it
                _move(event, Status.HELD, actor=None, name=HELD, data={"automatic": True})
                moved += 1
    return moved
