"""Forms of the console's project pages: the project itself, its partners, its privacy notice.
The model's own checks (unique code and address name, one lead partner, dates in order) run as
the form is validated, so a mistake is shown beside its field and nothing is stored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aula.console.event_forms import https_urls
from aula.core import images
from aula.projects import origins
from aula.projects.models import Partner, Project
from aula.registrations.models import PrivacyNotice


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OriginsField(forms.Field):
    """The sites that may embed the project's forms: one per line (commas and spaces separate
    them too), each checked and normalised by ``projects.origins``; every problem is listed."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "none"})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return origins.normalise_all((value or "").replace(",", " ").split())


class ProjectForm(forms.ModelForm):
    embed_origins = OriginsField(
        label=_("Sites that may embed the registration forms"), required=False,
        help_text=_("One per line, e.g. https://www.example.org (the site only, no path; "
                    "https://*.example.org for all its subdomains). Leave empty and no other "
                    "site may show the forms."),
    )

    class Meta:
        formfield_callback = https_urls
        model = Project
        fields = ["name", "code", "slug", "programme", "full_title", "website", "description",
                  "primary_language", "starts_on", "ends_on", "embed_origins"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = _(
            "The project's part of every public address, e.g. ecoc-sme. Letters, digits and "
            "hyphens."
        )
        self.fields["description"].help_text = _("Markdown: *emphasis*, lists, links.")


class PartnerForm(forms.ModelForm):
    class Meta:
        formfield_callback = https_urls
        model = Partner
        fields = ["organisation", "local_names", "role", "city", "country", "website",
                  "ecoc_year", "ecoc_note"]

    logo = forms.FileField(
        label=_("Logo"), required=False,
        help_text=images.accepted_text,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            images.check(upload)
        return upload or None


class ProjectNoticeForm(forms.ModelForm):
    """The project's own notice (for every event without one of its own)."""

    class Meta:
        model = PrivacyNotice
        fields = ["controller", "text"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controller"].queryset = project.partners.all()
        self.fields["controller"].empty_label = _("— not named —")
