from django import forms
from django.utils.translation import gettext_lazy as _

from aula.announcements.models import Announcement


class AnnouncementForm(forms.Form):
    body = forms.CharField(
        label=_("text (Markdown)"),
        max_length=Announcement._meta.get_field("body").max_length,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 80, "spellcheck": "true"}),
    )
