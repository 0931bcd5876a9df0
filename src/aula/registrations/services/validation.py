"""Checking what a registrant gives: answers, sessions, the registration as a whole."""

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from aula.core.text import reject_control_characters
from aula.events.models import AgendaBlock, Event
from aula.registrations import queries
from aula.registrations.display import zone_or_none
from aula.registrations.models import (
    LONG_ANSWER_MAX_LENGTH,
    SHORT_ANSWER_MAX_LENGTH,
    PrivacyNotice,
    Question,
    Registration,
)

Status = Registration.Status

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


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
            exclude=["event", "token", "privacy_notice", "status", "country"],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    country = _country_error(registration.country)
    if country is not None:
        errors["country"] = [country]
    if errors:
        raise ValidationError(errors)
    return registration


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in Registration._meta.get_field("country").choices)


def _country_error(code: str) -> ValidationError | None:
    """The country field's own check (blank, not a country), against the codes read once:
    the field's validation rebuilds its 250 choices on every call (a fifth of a registration's
    Python time, bench/README.md 2026-12-06)."""
    messages = Registration._meta.get_field("country").error_messages
    if not code:
        return ValidationError(messages["blank"], code="blank")
    if code not in _country_codes():
        return ValidationError(messages["invalid_choice"], code="invalid_choice",
                               params={"value": code})
    return None


