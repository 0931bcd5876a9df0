"""The form of a webhook endpoint (the rules are in ``aula.webhooks.services``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aula.webhooks import services as webhooks


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address (URL)"), max_length=500,
        help_text=_("Where Aula sends each event, as an HTTPS POST request signed with the "
                    "secret shown after saving."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False,
        help_text=_("For you: whose system this is and what it does with the events."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events to send"), widget=forms.CheckboxSelectMultiple,
        choices=list(webhooks.EVENT_TYPES.items()),
    )
    personal_data = forms.BooleanField(
        label=_("Include personal data (names, e-mail addresses, organisations)"),
        required=False,
        help_text=_("Only if the receiving system needs them and the privacy notice covers "
                    "passing them on: they then leave Aula and its erasure rules. Without it "
                    "events carry ids, status and sessions only."),
    )

    def clean_url(self):
        try:
            return webhooks.check_url(self.cleaned_data["url"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
