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
    RATINGS,
    Rating,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from aula.registrations import display
from aula.registrations.models import FollowUp, Registration
from aula.registrations.services import followups

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


@transaction.atomic
def add_question(event: Event, *, actor, text: dict, order: int = 0) -> SurveyQuestion:
    survey, _created = Survey.objects.get_or_create(event=event)
    question = SurveyQuestion(survey=survey, text=text, order=order)
    question.full_clean()
    question.save()
    audit.record(actor, QUESTION_ADDED, question, event=event,
                 data={"text": question.text, "order": question.order})
    return question


@transaction.atomic
def delete_question(question: SurveyQuestion, *, actor) -> None:
    """Remove a question and the ratings given to it."""
    survey = question.survey
    ratings = question.ratings.count()
    audit.record(actor, QUESTION_DELETED, question, event=survey.event,
                 data={"text": question.text, "ratings": ratings})
    question.delete()


def takes_answers(survey: Survey | None, now: datetime | None = None) -> bool:
    """Whether the survey takes answers now: open, not past its closing time, and the event's
    life cycle allows the survey."""
    if survey is None or not survey.accepts_answers(now):
        return False
    return after_seminar_refusal(survey.event, now) is None


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
    survey = Survey.objects.select_related("event").filter(
        event_id=registration.event_id
    ).first()
    if not takes_answers(survey, now) or not may_answer(registration):
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
