from django import forms
from django.utils.translation import gettext_lazy as _


class RuleForm(forms.Form):
    minimum_minutes = forms.IntegerField(
        label=_("Minimum minutes attended"), min_value=0, max_value=60 * 24 * 14
    )
    allow_unknown_duration = forms.BooleanField(
        label=_("Count presence without a known duration"), required=False,
        help_text=_("A join-link click or a mark by hand, without minutes."),
    )
