"""Writes for the feedback survey: the organiser's settings and questions, and a registrant's
answer (one per registration, changed in place until the survey closes).

Opening the survey and answering it are allowed only while the event's life cycle allows the
survey (``events.lifecycle.after_seminar_refusal``): once the event has started, never for a
draft, a cancelled or a closed event. Preparing the questions, and closing the survey, are
allowed at any time. Each organiser action takes ``actor`` and is audited."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.events.lifecycle import after_seminar_refusal, require_after_seminar
from aula.events.models import Event
from aula.feedback.models import (
    COMMENT_MAX_LENGTH,
    MAX_OPTIONS,
    RATINGS,
    TEXT_ANSWER_MAX_LENGTH,
    Answer,
    Rating,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from aula.registrations import display
from aula.registrations.models import FollowUp, Registration
from aula.registrations.services import followups
from aula.registrations.setup import choices_from_lines

SETTINGS_SAVED = audit.action("feedback.settings_saved",
                              gettext_lazy("Saved the feedback survey's settings"))
QUESTION_ADDED = audit.action("feedback.question_added",
                              gettext_lazy("Added a question to the feedback survey"))
QUESTION_DELETED = audit.action("feedback.question_deleted",
                                gettext_lazy("Removed a question of the feedback survey"))

SETTINGS_FIELDS = ("intro", "is_open", "closes_at")


class SurveyClosed(ActionRefused):
    """The survey takes no answers (not open, closed, the event's life cycle does not allow it
    now, or the registrant may not answer)."""

    def __init__(self, message=None):
        super().__init__(message or _("This feedback survey is not open."))


def _locked_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def save_settings(event: Event, *, actor, intro: dict, is_open: bool,
                  closes_at: datetime | None) -> Survey:
    """Save the survey's introduction and whether (and until when) it is open. Opening it is
    refused while the event's life cycle does not allow the survey."""
    event = _locked_event(event)
    if is_open:
        require_after_seminar(event)
    survey, _created = Survey.objects.select_for_update().get_or_create(event=event)
    before = audit.snapshot(survey, SETTINGS_FIELDS)
    survey.intro, survey.is_open, survey.closes_at = intro, is_open, closes_at
    survey.event = event
    survey.full_clean()
    survey.save()
    audit.record(actor, SETTINGS_SAVED, survey, event=event,
                 changes=audit.changes_between(before, audit.snapshot(survey, SETTINGS_FIELDS)))
    return survey


def options_from_lines(lines: dict[str, str]) -> list[dict]:
    """The choices of a question as typed, one per line in each language (line n of every
    language is choice n): the registration form's rule, ``registrations.setup``, so a choice
    has a key and a label per language the same way in both."""
    options = choices_from_lines(lines, [])
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ValidationError(
            _("Give from 2 to %(max)d choices, one per line.") % {"max": MAX_OPTIONS},
            code="options_count",
        )
    return options


@transaction.atomic
def add_question(event: Event, *, actor, text: dict, order: int = 0,
                 kind: str = SurveyQuestion.Kind.RATING, options: list | None = None,
                 required: bool = True) -> SurveyQuestion:
    """Add a question: a rating from 1 to 5, one or several of ``options``, or a text."""
    survey, _created = Survey.objects.get_or_create(event=event)
    question = SurveyQuestion(survey=survey, text=text, order=order, kind=kind,
                              options=options or [], required=required)
    question.full_clean()
    question.save()
    audit.record(actor, QUESTION_ADDED, question, event=event, data={
        "text": question.text, "order": question.order, "kind": question.kind,
        "options": question.options, "required": question.required,
    })
    return question


@transaction.atomic
def delete_question(question: SurveyQuestion, *, actor) -> None:
    """Remove a question and the answers given to it."""
    survey = question.survey
    answers = question.ratings.count() + question.answers.count()
    audit.record(actor, QUESTION_DELETED, question, event=survey.event,
                 data={"text": question.text, "kind": question.kind, "answers": answers})
    question.delete()


def takes_answers(survey: Survey | None, now: datetime | None = None) -> bool:
    """Whether the survey takes answers now: open, not past its closing time, and the event's
    life cycle allows the survey."""
    if survey is None or not survey.accepts_answers(now):
        return False
    return after_seminar_refusal(survey.event, now) is None


def may_answer(registration: Registration) -> bool:
    return registration.is_confirmed and registration.anonymised_at is None


def _whole_number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _clean_answer(question: SurveyQuestion, value):
    """The stored form of one answer (an int, a list of choice keys or a text), or raise."""
    kind = SurveyQuestion.Kind
    if question.kind == kind.RATING:
        value = _whole_number(value)
        if value not in RATINGS:
            raise ValidationError(
                _("Rate “%(question)s” from 1 to 5.") % {"question": question}, code="rating"
            )
        return value
    if question.kind == kind.TEXT:
        value = str(value).strip()
        if len(value) > TEXT_ANSWER_MAX_LENGTH:
            raise ValidationError(
                _("Keep the answer to “%(question)s” to %(max)d characters.")
                % {"question": question, "max": TEXT_ANSWER_MAX_LENGTH}, code="max_length",
            )
        return value
    values = value if isinstance(value, list | tuple) else [value]
    offered = [option["key"] for option in question.options]
    keys = [key for key in offered if key in {str(item) for item in values}]
    if (
        not keys or len(keys) != len(set(map(str, values)))
        or (question.kind == kind.SINGLE and len(keys) != 1)
    ):
        raise ValidationError(
            _("Choose among the answers offered to “%(question)s”.") % {"question": question},
            code="choice",
        )
    return keys


def clean_answers(questions, values) -> dict[int, object]:
    """question id → the answer to keep, for every question answered; raises for a required
    question left unanswered or an answer that does not fit its question."""
    cleaned, errors = {}, []
    for question in questions:
        value = values.get(question.pk)
        if _is_empty(value) or (question.kind == SurveyQuestion.Kind.TEXT
                                and not str(value).strip()):
            if question.required:
                errors.append(ValidationError(
                    _("Answer “%(question)s”.") % {"question": question}, code="required",
                ))
            continue
        try:
            cleaned[question.pk] = _clean_answer(question, value)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def answer(registration: Registration, answers: dict, comment: str = "", *,
           now: datetime | None = None) -> SurveyResponse:
    """Store the registrant's answers (question id → a rating, a choice's key or a list of
    them, or a text), or replace their earlier ones. Raises ``SurveyClosed`` when the survey
    takes no answers from them, ``ValidationError`` for a bad answer."""
    now = now or timezone.now()
    survey = Survey.objects.select_related("event").filter(
        event_id=registration.event_id
    ).first()
    if not takes_answers(survey, now) or not may_answer(registration):
        raise SurveyClosed
    questions = {question.pk: question for question in survey.questions.all()}
    cleaned = clean_answers(questions.values(), answers)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("Keep the comment to %(max)d characters.") % {"max": COMMENT_MAX_LENGTH},
            code="max_length",
        )
    with transaction.atomic():
        response, created = SurveyResponse.objects.get_or_create(
            survey=survey, registration=registration,
            defaults={"comment": comment, "created_at": now, "updated_at": now},
        )
        if not created:
            response.comment, response.updated_at = comment, now
            response.save(update_fields=["comment", "updated_at"])
            response.ratings.all().delete()
            response.answers.all().delete()
        rated = {pk: value for pk, value in cleaned.items()
                 if questions[pk].kind == SurveyQuestion.Kind.RATING}
        Rating.objects.bulk_create(
            Rating(response=response, question_id=question_id, value=value)
            for question_id, value in rated.items()
        )
        Answer.objects.bulk_create(
            Answer(response=response, question_id=question_id,
                   **({"text": value} if isinstance(value, str) else {"choices": value}))
            for question_id, value in cleaned.items() if question_id not in rated
        )
    return response


def forget_registration(registration: Registration) -> int:
    """On erasure: comments and text answers are free text about and by the person, so they
    go; ratings and choices stay (the registration they hang on is anonymised) so the survey's
    results stay right."""
    Answer.objects.filter(response__registration=registration).exclude(text="").update(text="")
    return SurveyResponse.objects.filter(registration=registration).exclude(comment="").update(
        comment=""
    )


def _survey_link(registration: Registration) -> str:
    with translation.override(registration.language):
        return display.absolute(reverse("feedback:answer", kwargs={"token": registration.token}))


def send_survey_invitations(now: datetime | None = None) -> int:
    """The scheduler's tick: invite those who may answer (confirmed registrants) to the survey
    of each held event whose organiser switched the invitation on, once the survey takes
    answers; once each (``registrations.services.followups``)."""
    sent = 0
    for event in followups.events_due(FollowUp.SURVEY):
        survey = Survey.objects.filter(event=event).select_related("event").first()
        if not takes_answers(survey, now):
            continue
        registrations = Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, anonymised_at__isnull=True
        ).order_by("id")
        sent += followups.send_follow_up(event, FollowUp.SURVEY, registrations, _survey_link)
    return sent
