from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from aula.core.fields import TranslatedTextFormField
from aula.core.translation import localize
from aula.feedback.models import COMMENT_MAX_LENGTH, RATINGS


class AnswerForm(forms.Form):
    """A rating from 1 to 5 per question, and a comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, questions=(), language="en", fallback="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        comment = self.fields.pop("comment")
        choices = [(str(value), str(value)) for value in RATINGS]
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=localize(question.text, language, fallback).text,
                choices=choices, coerce=int, widget=forms.RadioSelect,
                help_text=_("1 = poor, 5 = excellent"),
            )
        self.fields["comment"] = comment

    def ratings(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}


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
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
