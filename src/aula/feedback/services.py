"""Writes for the feedback survey: the organiser's settings and questions, and a registrant's
answer (one per registration, changed in place until the survey closes)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aula.events.models import Event
from aula.feedback.models import (
    COMMENT_MAX_LENGTH,
    RATINGS,
    Rating,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from aula.registrations.models import Registration


class SurveyClosed(Exception):
    """The survey takes no answers (not open, closed, or the registrant may not answer)."""


@transaction.atomic
def save_settings(event: Event, *, intro: dict, is_open: bool,
                  closes_at: datetime | None) -> Survey:
    survey, _created = Survey.objects.get_or_create(event=event)
    survey.intro, survey.is_open, survey.closes_at = intro, is_open, closes_at
    survey.event = event
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def add_question(event: Event, *, text: dict, order: int = 0) -> SurveyQuestion:
    survey, _created = Survey.objects.get_or_create(event=event)
    question = SurveyQuestion(survey=survey, text=text, order=order)
    question.full_clean()
    question.save()
    return question


def delete_question(question: SurveyQuestion) -> None:
    """Remove a question and the ratings given to it."""
    question.delete()


def may_answer(registration: Registration) -> bool:
    return registration.is_confirmed and registration.anonymised_at is None


def clean_ratings(questions, ratings) -> dict[int, int]:
    """question id → rating for every question, each a whole number from 1 to 5."""
    cleaned, errors = {}, []
    for question in questions:
        value = ratings.get(question.pk)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in RATINGS:
            errors.append(ValidationError(
                _("Rate “%(question)s” from 1 to 5.") % {"question": question}, code="rating",
            ))
        else:
            cleaned[question.pk] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def answer(registration: Registration, ratings: dict, comment: str = "", *,
           now: datetime | None = None) -> SurveyResponse:
    """Store the registrant's answer, or replace their earlier one. Raises ``SurveyClosed``
    when the survey takes no answers from them, ``ValidationError`` for a bad answer."""
    now = now or timezone.now()
    survey = Survey.objects.filter(event_id=registration.event_id).first()
    if survey is None or not survey.accepts_answers(now) or not may_answer(registration):
        raise SurveyClosed
    questions = list(survey.questions.all())
    cleaned = clean_ratings(questions, ratings)
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
        Rating.objects.bulk_create(
            Rating(response=response, question_id=question_id, value=value)
            for question_id, value in cleaned.items()
        )
    return response


def forget_registration(registration: Registration) -> int:
    """On erasure: comments are free text about and by the person, so they go; ratings stay
    (the registration they hang on is anonymised) so the survey's results stay right."""
    return SurveyResponse.objects.filter(registration=registration).exclude(comment="").update(
        comment=""
    )
