"""Registration's writes: take a place, wait for one, give it back, confirm, erase.

The one rule everything here keeps: an event never has more places taken (held or confirmed)
than its capacity, nor a parallel session more than its own, whatever runs at the same time.
Every write that changes who holds a place first locks the event's ``CapacityCounter`` row
(``select_for_update``: PostgreSQL queues the others on that row; SQLite needs no row lock because
settings open every transaction IMMEDIATE, which already lets one writer in at a time). The lock
is held until commit, so the work done while holding it is kept small: validation, the calendar
file and everything else that does not depend on the decision happen before it.

E-mails are written into the outbox inside the same transaction, so one exists exactly when the
change it reports committed.
"""

import copy
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from aula.core.text import reject_control_characters
from aula.events.models import AgendaBlock, Event
from aula.messaging.services import forget_registration
from aula.registrations import emails, queries
from aula.registrations.display import zone_or_none
from aula.registrations.models import (
    LONG_ANSWER_MAX_LENGTH,
    SHORT_ANSWER_MAX_LENGTH,
    CapacityCounter,
    OrganisationType,
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
    ReminderSent,
    SessionChoice,
    new_token,
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
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


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


class RegistrationError(Exception):
    """A change the rules do not allow; ``message`` is for the person who asked."""

    def __init__(self, message=None):
        self.message = message or _("This change is not possible.")
        super().__init__(str(self.message))


class NoPlace(RegistrationError):
    def __init__(self, message=None):
        super().__init__(message or _("There is no free place."))


class SessionFull(RegistrationError):
    def __init__(self, blocks: Iterable[int], message=None):
        self.blocks = tuple(blocks)
        super().__init__(message or _("This session is full."))


@dataclass
class RegistrationData:
    """What a registrant gives. Keys of validation errors are these names, ``q_<question id>``
    for answers, the slot key (``queries.Slot.key``) for sessions and ``privacy``."""

    email: str
    first_name: str
    family_name: str
    organisation: str
    organisation_type: str
    country: str
    language: str = settings.LANGUAGE_CODE
    job_title: str = ""
    time_zone: str = ""
    sessions: Iterable[int] = ()
    answers: Mapping[str, Any] = field(default_factory=dict)
    privacy_accepted: bool = False
    privacy_notice_id: int | None = None
    consent_recording: bool = False
    consent_newsletter: bool = False

    @classmethod
    def of(cls, data) -> "RegistrationData":
        if isinstance(data, cls):
            return data
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


class _Refused(Exception):
    def __init__(self, outcome: RegistrationOutcome):
        self.outcome = outcome


class _AlreadyRegistered(Exception):
    pass


class _Unprepared(Exception):
    """The locked decision needs an e-mail that was not rendered beforehand."""

    def __init__(self, result: Result):
        self.result = result


# --- Transactions and counters --------------------------------------------------------------


def _retryable(exc: OperationalError) -> bool:
    text = str(exc).lower()
    return any(
        words in text
        for words in ("database is locked", "deadlock detected", "could not serialize")
    )


def run_in_transaction(func: Callable[[], T]) -> T:
    """``func()`` in one transaction, tried again after lock contention that the database gave
    up on. Inside an outer transaction there is nothing to retry: the error goes up."""
    for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return func()
        except OperationalError as exc:
            if (
                attempt == TRANSACTION_ATTEMPTS
                or not _retryable(exc)
                or transaction.get_connection().in_atomic_block
            ):
                raise
            logger.warning("Registration transaction retried (%s): %s", attempt, exc)
            time.sleep(random.uniform(0.02, 0.1) * attempt)
    raise AssertionError("unreachable")


def _count_taken(event_id: int, block_id: int | None = None) -> int:
    if block_id is None:
        return Registration.objects.filter(
            event_id=event_id, status__in=Registration.PLACE_TAKING
        ).count()
    return SessionChoice.objects.filter(
        block_id=block_id, registration__status__in=Registration.PLACE_TAKING
    ).count()


def _lock_event(event_id: int) -> CapacityCounter:
    """Lock the event's counter row and return it, with the event as it is now.

    ``of=("self",)``: the event row itself stays unlocked, so organisers and pages are never
    queued behind registrations. A missing counter is created from a count of the rows (the
    unique constraint settles two creating at once).
    """
    query = (
        CapacityCounter.objects.select_for_update(of=("self",))
        .select_related("event")
        .filter(event_id=event_id, block__isnull=True)
    )
    counter = query.first()
    if counter is None:
        CapacityCounter.objects.bulk_create(
            [CapacityCounter(event_id=event_id, taken=_count_taken(event_id))],
            ignore_conflicts=True,
        )
        counter = query.first()
    return counter


def _session_counters(event_id: int, block_ids: Iterable[int]) -> dict[int, CapacityCounter]:
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
                CapacityCounter(event_id=event_id, block_id=pk, taken=_count_taken(event_id, pk))
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


def _decide(
    event: Event, options: RegistrationOptions, taken: int, full_sessions: tuple[int, ...]
) -> tuple[Result, tuple[int, ...]]:
    """What a registrant gets, given the places taken and the chosen sessions that are full."""
    if event.capacity is None or taken < event.capacity:
        if full_sessions:
            return Result.SESSION_FULL, full_sessions
        return (Result.HELD if options.double_opt_in else Result.CONFIRMED), ()
    if options.waiting_list:
        return Result.WAITING, ()
    return Result.FULL, ()


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


# --- Validation -----------------------------------------------------------------------------


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


def clean_answers(questions: list[Question], answers: Mapping) -> dict[str, Any]:
    """The answers to ``questions``, checked; keyed by the question's id as text."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    for question in questions:
        key = str(question.pk)
        value = answers.get(key, answers.get(question.pk))
        try:
            value = _clean_answer(question, value)
        except ValidationError as error:
            errors[f"q_{question.pk}"] = error
            continue
        if value in ("", [], None, False):
            if question.required:
                errors[f"q_{question.pk}"] = ValidationError(
                    _("Answer this question."), code="required"
                )
            continue
        cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_answer(question: Question, value):
    Kind = Question.Kind
    if value is None:
        return None
    if question.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        value = str(value).strip()
        multiline = question.kind == Kind.LONG_TEXT
        limit = LONG_ANSWER_MAX_LENGTH if multiline else SHORT_ANSWER_MAX_LENGTH
        if len(value) > limit:
            raise ValidationError(
                _("Keep this answer to %(max)d characters."), params={"max": limit},
                code="max_length",
            )
        reject_control_characters(value, multiline=multiline)
        return value
    if question.kind == Kind.SINGLE_CHOICE:
        if value and value not in question.choice_keys():
            raise ValidationError(_("Choose one of the answers given."), code="invalid_choice")
        return value or None
    if question.kind == Kind.MULTIPLE_CHOICE:
        values = [value] if isinstance(value, str) else list(value)
        keys = question.choice_keys()
        if any(item not in keys for item in values):
            raise ValidationError(_("Choose among the answers given."), code="invalid_choice")
        return [key for key in keys if key in values]  # the organiser's order, no repeats
    if question.kind == Kind.CHECKBOX:
        return bool(value)
    if question.kind == Kind.COUNTRY:
        code = str(value).upper()
        if code and code not in countries:
            raise ValidationError(_("Choose a country from the list."), code="invalid_choice")
        return code or None
    raise ValidationError(_("Unknown question."), code="invalid")


def clean_sessions(
    slots: list[queries.Slot], block_ids: Iterable
) -> list[AgendaBlock]:
    """One parallel session of this event per slot; errors keyed by the slot's key."""
    by_id = {block.pk: (slot, block) for slot in slots for block in slot.blocks}
    try:
        ids = {int(pk) for pk in block_ids if pk not in ("", None)}
    except (TypeError, ValueError):
        ids = {-1}
    if ids - by_id.keys():
        raise ValidationError(_("Choose among this event's sessions."), code="invalid_choice")
    chosen, errors = [], {}
    for slot in slots:
        in_slot = [block for block in slot.blocks if block.pk in ids]
        if len(in_slot) == 1:
            chosen.append(in_slot[0])
        elif not in_slot:
            errors[slot.key] = ValidationError(_("Choose one of these sessions."), code="required")
        else:
            errors[slot.key] = ValidationError(
                _("Choose only one session at this time."), code="invalid"
            )
    if errors:
        raise ValidationError(errors)
    return chosen


def _new_registration(
    event: Event, data: RegistrationData, notice: PrivacyNotice, questions: list[Question],
    now: datetime,
) -> Registration:
    """The registration as given, validated; not saved."""
    errors = {}
    if not data.privacy_accepted:
        errors["privacy"] = ValidationError(
            _("Please confirm that you have read the privacy notice."), code="required"
        )
    elif data.privacy_notice_id is not None and int(data.privacy_notice_id) != notice.pk:
        errors["privacy"] = ValidationError(
            _("The privacy notice has just changed. Please read it again and confirm."),
            code="changed",
        )
    try:
        answers = clean_answers(questions, data.answers or {})
    except ValidationError as error:
        errors.update(error.error_dict)
        answers = {}
    registration = Registration(
        event=event,
        email=normalise_email(data.email),
        first_name=(data.first_name or "").strip(),
        family_name=(data.family_name or "").strip(),
        organisation=(data.organisation or "").strip(),
        organisation_type=data.organisation_type or "",
        country=(data.country or "").upper(),
        language=data.language if data.language in LANGUAGE_CODES else settings.LANGUAGE_CODE,
        job_title=(data.job_title or "").strip(),
        # Reported by the browser and only used to show times: an unknown zone is dropped.
        time_zone=data.time_zone if zone_or_none(data.time_zone or "") else "",
        status=Status.WAITING,
        created_at=now,
        privacy_notice=notice,
        privacy_accepted_at=now,
        consent_recording=bool(data.consent_recording),
        consent_recording_at=now if data.consent_recording else None,
        consent_newsletter=bool(data.consent_newsletter),
        consent_newsletter_at=now if data.consent_newsletter else None,
        answers=answers,
    )
    try:
        registration.full_clean(
            exclude=["event", "token", "privacy_notice", "status"],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    return registration


# --- Registering ----------------------------------------------------------------------------


def register(
    event: Event, data, *, now: datetime | None = None,
    setup: queries.RegistrationSetup | None = None, taken: int | None = None,
) -> RegistrationOutcome:
    """Register someone for ``event``: a place if there is one (held until the address is
    confirmed when the event asks for that), else the waiting list, else a refusal.

    ``data``: a ``RegistrationData`` or a mapping of its fields. Raises ``ValidationError`` for
    invalid data (nothing stored). An address already registered takes no second place: its
    owner is e-mailed their personal link and the outcome looks like a new registration's.
    ``setup``: the event's notice, options, sessions and questions when the caller has read
    them already (the form has); ``taken``: likewise the places taken (a snapshot: it only
    picks which e-mail to render before the lock).
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

    previous = (
        Registration.objects.filter(event=event, email=registration.email)
        .only("id", "status").first()
    )
    if previous is not None and previous.status != Status.CANCELLED:
        return _already_registered(event, _full(previous), options, blocks)

    # Rendered before the lock: the lock is held until commit and every registration of the
    # event queues behind it (see performance.md). Only the e-mail of the outcome the places
    # left now point to; should the locked decision differ, the lock is let go, that e-mail is
    # rendered and the registration tried again.
    taken = queries.places_taken(event) if taken is None else taken
    expected, _sessions = _decide(event, options, taken, ())
    prepared = _prepare_emails(event, registration, blocks, options, now, {expected})
    previous_id = previous.pk if previous else None
    for _attempt in range(3):
        try:
            return run_in_transaction(
                lambda: _register_locked(event, registration, blocks, options, prepared, now,
                                         previous_id=previous_id)
            )
        except _Unprepared as missing:
            prepared.update(
                _prepare_emails(event, registration, blocks, options, now, {missing.result})
            )
        except _Refused as refused:
            return refused.outcome
        except (_AlreadyRegistered, IntegrityError):
            # Registered meanwhile: under the lock, or (IntegrityError) by a write that
            # bypassed it.
            existing = (
                Registration.objects.filter(event=event, email=registration.email)
                .exclude(status=Status.CANCELLED).first()
            )
            if existing is None:
                raise
            return _already_registered(event, existing, options, blocks)
    raise AssertionError("the outcome changed three times while its e-mail was rendered")


def _full(registration: Registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def _prepare_emails(event, registration, blocks, options, now, results) -> dict:
    """The e-mail of each outcome in ``results``, rendered (refusals have none)."""
    prepared = {}

    def placed(status):
        candidate = copy.copy(registration)
        _place(candidate, status, options, now)
        return candidate

    if Result.HELD in results:
        prepared[Result.HELD] = emails.prepare(
            "please_confirm", placed(Status.HELD), event, blocks=blocks, promoted=False
        )
    if Result.CONFIRMED in results:
        prepared[Result.CONFIRMED] = emails.prepare(
            "confirmation", placed(Status.CONFIRMED), event, blocks=blocks,
            attachments=[emails.calendar_attachment(registration, event)],
        )
    if Result.WAITING in results:
        prepared[Result.WAITING] = emails.prepare(
            "waiting", placed(Status.WAITING), event, blocks=blocks,
            needs_confirmation=options.double_opt_in,
        )
    return prepared


def _register_locked(
    event, unsaved, blocks, options, prepared, now, *, previous_id=None
) -> RegistrationOutcome:
    """The locked section: decide, write, queue the prepared e-mail. Keep it short."""
    # A fresh copy per attempt: a retried transaction must not inherit the id or timestamps
    # of the attempt that was rolled back.
    registration = copy.copy(unsaved)
    counter = _lock_event(event.pk)
    current = counter.event
    refusal = why_closed(current, now)
    if refusal is not None:
        raise _Refused(RegistrationOutcome(refusal))
    if previous_id is not None:
        # Re-read under the lock: every status change of the event's registrations holds it.
        status = Registration.objects.filter(pk=previous_id).values_list("status", flat=True)
        if status.first() != Status.CANCELLED:
            raise _AlreadyRegistered
    sessions = _session_counters(event.pk, [block.pk for block in blocks])
    result, full = _decide(current, options, counter.taken, _full_sessions(sessions))
    if result not in ACCEPTED:
        raise _Refused(RegistrationOutcome(result, full_sessions=full))
    if result not in prepared:
        raise _Unprepared(result)  # before any write: nothing to undo

    _place(registration, result.value, options, now)
    if previous_id is not None:
        # Registering again after cancelling: the same row (one per address), all data fresh.
        registration.pk = previous_id
        SessionChoice.objects.filter(registration_id=previous_id).delete()
        registration.save(force_update=True)
    else:
        # No check for the address first: the unique constraint is the check (IntegrityError,
        # handled by the caller), which saves a query while holding the lock.
        registration.save(force_insert=True)
    if blocks:
        SessionChoice.objects.bulk_create(
            SessionChoice(registration=registration, block=block, slot_starts_at=block.starts_at)
            for block in blocks
        )
    if registration.takes_place:
        _adjust(counter, sessions.values(), +1)
    emails.send(prepared[result], registration, event)
    return RegistrationOutcome(result, registration)


def _already_registered(event, existing, options, blocks) -> RegistrationOutcome:
    """The outcome a new registrant would get now (read without the lock: it only picks the
    words of the page), and their personal link to the address's owner."""
    taken = queries.places_taken(event)
    left = queries.session_places_left(event)
    full = tuple(sorted(block.pk for block in blocks if left.get(block.pk) == 0))
    result, full = _decide(event, options, taken, full)
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
    registration.event = event
    if status == Status.CONFIRMED:
        emails.queue(
            "promotion", registration, event, blocks=blocks,
            attachments=[emails.calendar_attachment(registration, event)],
        )
    else:
        emails.queue("please_confirm", registration, event, blocks=blocks, promoted=True)


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


def cancel(registration: Registration, *, now: datetime | None = None) -> list[Registration]:
    """Cancel a registration; its place (if it had one) goes to the next in line when promotion
    is automatic. Returns the registrants promoted. Cancelling twice changes nothing."""
    now = now or timezone.now()
    options = queries.options_for(registration.event)

    def locked():
        counter = _lock_event(registration.event_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == Status.CANCELLED:
            return []
        if counter.event.is_past(now):
            raise RegistrationError(_("The event is over: there is nothing left to cancel."))
        _withdraw(current, counter, now)
        promoted = []
        event = _event_for_mail(current.event_id)
        current.event = event
        emails.queue("cancellation", current, event)
        if options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
            promoted = _fill_free_places(current.event_id, options, counter, now)
        return promoted

    promoted = run_in_transaction(locked)
    registration.refresh_from_db()
    return promoted


def _withdraw(registration: Registration, counter: CapacityCounter, now) -> None:
    """Mark cancelled and give back the places it held (the caller holds the lock)."""
    had_place = registration.takes_place
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.hold_expires_at = None
    registration.waiting_since = None
    registration.save(update_fields=["status", "cancelled_at", "hold_expires_at", "waiting_since"])
    if had_place:
        block_ids = registration.session_choices.values_list("block_id", flat=True)
        sessions = _session_counters(registration.event_id, block_ids)
        _adjust(counter, sessions.values(), -1)


def promote(registration: Registration, *, now: datetime | None = None) -> Registration:
    """Give a waiting registrant a place by hand. Raises ``NoPlace`` or ``SessionFull`` when
    that would overbook, ``RegistrationError`` when they are not waiting."""
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
        if event.capacity is not None and counter.taken >= event.capacity:
            raise NoPlace
        block_ids = [choice.block_id for choice in _choices(current)]
        sessions = _session_counters(current.event_id, block_ids)
        full = _full_sessions(sessions)
        if full:
            raise SessionFull(full)
        _promote(current, _event_for_mail(current.event_id), options, counter, sessions, now)
        return current

    promoted = run_in_transaction(locked)
    registration.refresh_from_db()
    return promoted


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

    def locked():
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

    return run_in_transaction(locked)


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


def switch_session(
    registration: Registration, block: AgendaBlock, *, now: datetime | None = None
) -> Registration:
    """Move the registrant to another parallel session of the same slot. With a place, only
    where the new session has room (``SessionFull`` otherwise)."""
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
        if current.takes_place:
            sessions = _session_counters(
                current.event_id, [target.pk] + ([old.block_id] if old else [])
            )
            new = sessions[target.pk]
            if target.capacity is not None and new.taken >= target.capacity:
                raise SessionFull([target.pk])
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
        if (
            old is not None and current.takes_place
            and options.promotion == RegistrationOptions.Promotion.AUTOMATIC
        ):
            # Someone waiting only for the session just left may now fit.
            _fill_free_places(current.event_id, options, counter, now)
        return current

    return run_in_transaction(locked)


def _adjust_sessions(counter: CapacityCounter, delta: int) -> None:
    CapacityCounter.objects.filter(pk=counter.pk).update(taken=F("taken") + delta)
    counter.taken += delta


# --- Reminders ------------------------------------------------------------------------------

# The longest reminder offset an organiser may set (RegistrationOptions.clean): 60 days.
MAX_REMINDER_MINUTES = 60 * 24 * 60
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
        starts_at__lte=now + timedelta(minutes=MAX_REMINDER_MINUTES),
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


# --- The event changed or was cancelled ------------------------------------------------------


def _notify_all(event: Event, name: str, method: str) -> int:
    """One e-mail to everyone registered (not cancelled, not erased); a calendar file for those
    with a place. Rendered first, then written in one transaction: all or none."""
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
        ), registration))
    run_in_transaction(lambda: emails.send_many(prepared, event))
    return len(prepared)


def notify_event_changed(event: Event) -> int:
    """Tell the registrants that the event's time or details changed, with the updated calendar
    file (the same UID, a higher SEQUENCE: calendars update the entry). Call it once, after the
    change is saved."""
    return _notify_all(event, "event_changed", "PUBLISH")


def notify_event_cancelled(event: Event) -> int:
    """Tell the registrants that the event is cancelled; those with a place get a METHOD:CANCEL
    calendar file, which removes the entry from their calendar. Call it once."""
    return _notify_all(event, "event_cancelled", "CANCEL")


# Receivers of aula.events.services' signals (connected in apps.py): events decides when an
# event moved or was cancelled, and sends the signal inside the transaction of that change.


def on_event_rescheduled(sender, event: Event, **kwargs) -> None:
    notify_event_changed(event)


def on_event_cancelled(sender, event: Event, **kwargs) -> None:
    notify_event_cancelled(event)


# --- The registrant's own changes -----------------------------------------------------------

EDITABLE_FIELDS = (
    "first_name", "family_name", "organisation", "organisation_type", "country", "language",
    "job_title",
)


def update_details(
    registration: Registration, data: Mapping, *, now: datetime | None = None
) -> Registration:
    """The registrant corrects their details, answers and consents (not the address: it is the
    key of the registration). Raises ``ValidationError``; nothing is stored then."""
    now = now or timezone.now()
    if registration.anonymised_at:
        raise RegistrationError(_("This registration has been erased."))
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            setattr(registration, name, value.strip() if isinstance(value, str) else value)
    if registration.country:
        registration.country = str(registration.country).upper()
    if "time_zone" in data and zone_or_none(data["time_zone"] or ""):
        registration.time_zone = data["time_zone"]
    errors = {}
    if "answers" in data:
        try:
            registration.answers = clean_answers(
                queries.questions(registration.event), data["answers"] or {}
            )
        except ValidationError as error:
            errors.update(error.error_dict)
    for consent in ("consent_recording", "consent_newsletter"):
        if consent in data and bool(data[consent]) != getattr(registration, consent):
            setattr(registration, consent, bool(data[consent]))
            setattr(registration, f"{consent}_at", now if data[consent] else None)
    try:
        registration.full_clean(
            exclude=["event", "token", "privacy_notice", "status", "email"],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        registration.refresh_from_db()
        raise ValidationError(errors)
    run_in_transaction(lambda: registration.save(update_fields=[
        *EDITABLE_FIELDS, "time_zone", "answers", "consent_recording", "consent_recording_at",
        "consent_newsletter", "consent_newsletter_at",
    ]))
    return registration


def record_join(registration: Registration, *, now: datetime | None = None) -> None:
    """Count one use of the join link, in one statement (many join in the same minute)."""
    now = now or timezone.now()
    Registration.objects.filter(pk=registration.pk).update(
        first_joined_at=Coalesce(F("first_joined_at"), now),
        last_joined_at=now,
        join_count=F("join_count") + 1,
    )


def erasure_placeholder(registration: Registration) -> str:
    # Unique (one per registration id) and undeliverable by definition (RFC 2606 .invalid).
    return f"erased-{registration.pk}@erased.invalid"


# Sent inside the erasure's transaction with ``registration``; receivers erase what their app
# keeps about the person, so an erasure is all or nothing.
registration_erased = Signal()


def erase(registration: Registration, *, now: datetime | None = None) -> Registration:
    """Erase the registrant's personal data (GDPR Art. 17). What counts need stays: status,
    sessions, organisation type, country, language and the timestamps. Before the event, the
    registration is cancelled first (silently: there is nobody left to tell), so the place goes
    to the next in line. The personal link stops working, and the registrant's e-mails in the
    outbox go too (unsent ones entirely, sent ones but for what counts need)."""
    now = now or timezone.now()
    options = queries.options_for(registration.event)

    def locked():
        counter = _lock_event(registration.event_id)
        current = Registration.objects.get(pk=registration.pk)
        # Also when erased already: the outbox of an erasure from before it was cleaned too.
        forget_registration(current.pk)
        if current.anonymised_at:
            return current
        if current.status != Status.CANCELLED and not counter.event.is_past(now):
            _withdraw(current, counter, now)
            if options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
                _fill_free_places(current.event_id, options, counter, now)
        current.email = erasure_placeholder(current)
        current.first_name = current.family_name = ""
        current.organisation = current.job_title = current.time_zone = ""
        current.answers = {}
        current.consent_recording = current.consent_newsletter = False
        current.consent_recording_at = current.consent_newsletter_at = None
        current.token = new_token()
        current.anonymised_at = now
        current.save()
        # Apps that keep their own data on a registrant (feedback, attendance) erase it too.
        registration_erased.send(sender=Registration, registration=current)
        return current

    erased = run_in_transaction(locked)
    registration.refresh_from_db()
    return erased


def export_data(registration: Registration) -> dict:
    """Everything stored about the registrant, for a JSON download (GDPR Art. 15 and 20)."""
    event = registration.event
    language = registration.language

    def moment(value):
        return value.isoformat() if value else None

    questions = {str(q.pk): q for q in queries.questions(event)}
    answers = []
    for key, value in (registration.answers or {}).items():
        question = questions.get(key)
        label = question.text("label", language).text if question else key
        if question is not None and question.kind in Question.CHOICE_KINDS:
            labels = {
                c["key"]: queries.choice_label(c, language, event.primary_language)
                for c in question.choices
            }
            value = [labels.get(v, v) for v in value] if isinstance(value, list) else labels.get(
                value, value
            )
        answers.append({"question": label, "answer": value})
    return {
        "event": {
            "title": event.text("title", language).text,
            "starts_at": moment(event.starts_at),
            "ends_at": moment(event.ends_at),
            "time_zone": event.time_zone,
        },
        "registration": {
            "email": registration.email,
            "first_name": registration.first_name,
            "family_name": registration.family_name,
            "organisation": registration.organisation,
            "organisation_type": registration.organisation_type,
            "organisation_type_label": str(
                OrganisationType(registration.organisation_type).label
            ) if registration.organisation_type in OrganisationType.values else "",
            "country": str(registration.country),
            "job_title": registration.job_title,
            "language": registration.language,
            "time_zone": registration.time_zone,
            "status": registration.status,
            "registered_at": moment(registration.created_at),
            "email_confirmed_at": moment(registration.email_confirmed_at),
            "confirmed_at": moment(registration.confirmed_at),
            "place_held_until": moment(registration.hold_expires_at),
            "waiting_since": moment(registration.waiting_since),
            "cancelled_at": moment(registration.cancelled_at),
            "first_joined_at": moment(registration.first_joined_at),
            "last_joined_at": moment(registration.last_joined_at),
            "times_joined": registration.join_count,
        },
        "sessions": [
            {
                "title": choice.block.text("title", language).text,
                "starts_at": moment(choice.block.starts_at),
                "ends_at": moment(choice.block.ends_at),
            }
            for choice in queries.chosen_sessions(registration)
        ],
        "answers": answers,
        "privacy_notice": {
            "version": registration.privacy_notice.version if registration.privacy_notice else None,
            "accepted_at": moment(registration.privacy_accepted_at),
        },
        "consents": {
            "photos_and_recordings": registration.consent_recording,
            "photos_and_recordings_at": moment(registration.consent_recording_at),
            "newsletter": registration.consent_newsletter,
            "newsletter_at": moment(registration.consent_newsletter_at),
        },
    }
