from django import forms
from django.utils.translation import gettext_lazy as _

from aula.core.fields import TranslatedTextFormField
from aula.materials import filetypes, services


class _MaterialForm(forms.Form):
    title = TranslatedTextFormField(label=_("Title"), required=True, max_length=300)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    published = forms.BooleanField(
        label=_("Published on the event's page"), required=False
    )


class DocumentForm(_MaterialForm):
    file = forms.FileField(
        label=_("File"), help_text=filetypes.ACCEPTED_TEXT,
        widget=forms.ClearableFileInput(attrs={"accept": filetypes.ACCEPT}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        services.check_document(upload)
        return upload


class LinkForm(_MaterialForm):
    url = forms.URLField(
        label=_("Address of the recording"), max_length=500, assume_scheme="https",
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give an address starting with https://."))
        return url


class EditForm(_MaterialForm):
    """Title, order and publication; the address too for a link."""

    url = LinkForm.base_fields["url"]

    def __init__(self, *args, is_link=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_link:
            del self.fields["url"]

    clean_url = LinkForm.clean_url
