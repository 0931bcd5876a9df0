from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from aula.core.fields import TranslatedTextFormField, TranslatedTextWidget
from aula.core.translation import localize
from aula.feedback import services
from aula.feedback.models import COMMENT_MAX_LENGTH, RATINGS, TEXT_ANSWER_MAX_LENGTH, SurveyQuestion


def _answer_field(question: SurveyQuestion, language: str, fallback: str) -> forms.Field:
    label = localize(question.text, language, fallback).text
    common = {"label": label, "required": question.required}
    kind = SurveyQuestion.Kind
    if question.kind == kind.RATING:
        return forms.TypedChoiceField(
            choices=[(str(value), str(value)) for value in RATINGS], coerce=int,
            widget=forms.RadioSelect, help_text=_("1 = poor, 5 = excellent"), **common,
        )
    if question.kind == kind.TEXT:
        return forms.CharField(max_length=TEXT_ANSWER_MAX_LENGTH,
                               widget=forms.Textarea(attrs={"rows": 3}), **common)
    choices = [(option["key"], localize(option["label"], language, fallback).text)
               for option in question.options]
    if question.kind == kind.SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple,
                                     **common)


class AnswerForm(forms.Form):
    """A field per question (rating, choice or text), then a comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, questions=(), language="en", fallback="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        comment = self.fields.pop("comment")
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _answer_field(question, language, fallback)
        self.fields["comment"] = comment

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class SettingsForm(forms.Form):
    intro = TranslatedTextFormField(label=_("Introduction"), multiline=True, max_length=2000)
    is_open = forms.BooleanField(label=_("Open for answers"), required=False)
    closes_at = forms.DateTimeField(
        label=_("Closes at (the event's time zone)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to close it by hand."),
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_closes_at(self):
        """The time typed is in the event's zone, whatever zone the server is in."""
        closes_at = self.cleaned_data.get("closes_at")
        if closes_at is None or self.event is None:
            return closes_at
        return closes_at.replace(tzinfo=None).replace(tzinfo=ZoneInfo(self.event.time_zone))


class QuestionForm(forms.Form):
    text = TranslatedTextFormField(label=_("Question"), required=True, max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=SurveyQuestion.Kind.choices,
                             initial=SurveyQuestion.Kind.RATING)
    options = TranslatedTextFormField(
        label=_("Choices, one per line"), multiline=True, max_length=4000,
        widget=TranslatedTextWidget(multiline=True, markdown=False),
        help_text=_("Only for a choice question: line n is choice n in every language."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False,
                                  initial=True)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)

    def clean(self):
        data = super().clean()
        kind, lines = data.get("kind"), data.get("options") or {}
        if kind in (SurveyQuestion.Kind.SINGLE, SurveyQuestion.Kind.MULTIPLE):
            try:
                data["options"] = services.options_from_lines(lines)
            except forms.ValidationError as error:
                self.add_error("options", error)
        elif lines:
            self.add_error("options", _("Only a choice question has choices."))
        else:
            data["options"] = []
        return data
