"""Forms of the console's attendance pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aula.attendance.parsers import MAX_BYTES
from aula.events.models import validate_time_zone


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance report"),
        help_text=_("The CSV file exported by Zoom (webinar or meeting), Microsoft Teams or "
                    "Webex."),
    )
    source = forms.ChoiceField(
        label=_("Tool"), initial="auto", required=False,
        choices=[("auto", _("Recognised from the file")), ("zoom", _("Zoom")),
                 ("teams", _("Microsoft Teams")), ("webex", _("Webex"))],
        help_text=_("Needed only for a file whose layout is not recognised."),
    )
    time_zone = forms.CharField(
        label=_("Time zone of the report's times"), max_length=64,
        validators=[validate_time_zone],
        help_text=_("The zone of the account that exported the report; usually the event's."),
    )
    date_order = forms.ChoiceField(
        label=_("Dates such as 06/07/2021 are"),
        choices=[("auto", _("Recognised from the file")), ("mdy", _("Month first (06/07 is "
                 "7 June)")), ("dmy", _("Day first (06/07 is 6 July)"))],
        initial="auto", required=False,
    )
    replace = forms.BooleanField(
        label=_("Replace the previous import of the same tool"), required=False, initial=True,
        help_text=_("Untick to add another session, e.g. the second day. The same file is "
                    "never counted twice."),
    )

    override_times = forms.BooleanField(
        label=_("Import anyway: I know the times do not match"), required=False,
        help_text=_("Only for a report whose times lie outside the event's (say, a clock set "
                    "wrong). The import is recorded as such."),
    )

    def clean_source(self):
        return self.cleaned_data.get("source") or "auto"

    def clean_date_order(self):
        return self.cleaned_data.get("date_order") or "auto"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        return upload


class MatchForm(forms.Form):
    email = forms.EmailField(label=_("Registrant's e-mail"))
