"""The feedback survey of an event: ratings from 1 to 5 on the organiser's questions and a
comment, one response per registration."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.core.fields import Translatable, TranslatedTextField
from aula.events.models import Event
from aula.registrations.models import Registration

COMMENT_MAX_LENGTH = 5000
RATINGS = range(1, 6)


class Survey(Translatable, models.Model):
    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="survey", verbose_name=_("event")
    )
    intro = TranslatedTextField(_("introduction"), multiline=True, max_length=2000)
    is_open = models.BooleanField(
        _("open for answers"), default=False,
        help_text=_("Registrants answer through their personal link while the survey is open."),
    )
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Leave empty to close it by hand.")
    )

    class Meta:
        verbose_name = _("feedback survey")
        verbose_name_plural = _("feedback surveys")

    def __str__(self) -> str:
        return str(self.event)

    def content_language(self) -> str:
        return self.event.primary_language

    def accepts_answers(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_open and (self.closes_at is None or now < self.closes_at)


class SurveyQuestion(Translatable, models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    text = TranslatedTextField(_("question"), max_length=300, blank=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text.get("en") or next(iter(self.text.values()), "")


class SurveyResponse(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="survey_responses",
        verbose_name=_("registration"),
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"], name="survey_one_response_per_registration",
                violation_error_message=_("This registrant has already answered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.registration_id}"


class Rating(models.Model):
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="ratings",
        verbose_name=_("response"),
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.CASCADE, related_name="ratings",
        verbose_name=_("question"),
    )
    value = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="rating_one_per_question",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5), name="rating_from_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return str(self.value)
