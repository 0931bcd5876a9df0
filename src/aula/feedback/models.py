"""The feedback survey of an event: the organiser's questions (a rating from 1 to 5, one
choice, several choices, or a text answer), written per language, and a comment; one response
per registration."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.core.fields import RenderedMarkdownField, Translatable, TranslatedTextField
from aula.events.models import Event
from aula.registrations.models import Registration

COMMENT_MAX_LENGTH = 5000
TEXT_ANSWER_MAX_LENGTH = 2000
RATINGS = range(1, 6)
MAX_OPTIONS = 20


class Survey(Translatable, models.Model):
    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="survey", verbose_name=_("event")
    )
    intro = TranslatedTextField(_("introduction"), multiline=True, max_length=2000)
    intro_html = RenderedMarkdownField(source="intro")
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
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Text answer")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    text = TranslatedTextField(_("question"), max_length=300, blank=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind of answer"), max_length=16, choices=Kind.choices,
                            default=Kind.RATING)
    # The choices of a choice question, as the registration form keeps its own:
    # [{"key": "online", "label": {"en": "Online", "ro": "Online"}}, …]; answers name keys.
    options = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["rating", "single", "multiple", "text"]),
                name="survey_question_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.text.get("en") or next(iter(self.text.values()), "")

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    def clean(self):
        if self.has_options:
            if not isinstance(self.options, list) or not 2 <= len(self.options) <= MAX_OPTIONS:
                raise ValidationError({"options": _(
                    "Give from 2 to %(max)d choices, one per line."
                ) % {"max": MAX_OPTIONS}})
        elif self.options:
            raise ValidationError({"options": _("Only a choice question has choices.")})


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


class Answer(models.Model):
    """The answer to a choice or text question (ratings are ``Rating`` rows)."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers",
        verbose_name=_("response"),
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.CASCADE, related_name="answers",
        verbose_name=_("question"),
    )
    # Keys of the question's options (one for a single choice).
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), max_length=TEXT_ANSWER_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question",
            ),
        ]

    def __str__(self) -> str:
        return self.text or ", ".join(str(choice) for choice in self.choices)
