"""Forms of the console's registrant pages. They check input; the services decide."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from aula.registrations.forms import RegistrationForm

IMPORT_SALT = "aula.console.registrant-import"
# The checked file travels from the preview to the confirmation signed, for this long.
IMPORT_MAX_AGE_SECONDS = 3600


class CancelRegistrationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Told to the registrant in the cancellation e-mail."),
    )


class AddRegistrantForm(RegistrationForm):
    """The public registration form as the organiser fills it in for someone: the same fields
    and checks, without the checks against bots, and the organiser confirms that the person
    was given the privacy notice."""

    privacy = forms.BooleanField(
        label=_("The registrant has been given the privacy notice."),
        error_messages={"required": _("Confirm that the registrant has been given the privacy "
                                      "notice.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs["disable_full"] = False
        super().__init__(*args, **kwargs)
        for name in ("started", "website", "time_zone"):
            del self.fields[name]
        self.fields["email"].help_text = _("The confirmation e-mail goes to this address.")

    def is_bot(self) -> bool:
        return False


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without a byte-order mark), columns separated by ; or ,."),
    )


class ImportConfirmForm(forms.Form):
    """The previewed file, signed, so the confirmation imports exactly what was previewed."""

    payload = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def sign(event_id: int, content: bytes) -> str:
        return signing.dumps(
            {"event": event_id, "content": content.decode("utf-8-sig")},
            salt=IMPORT_SALT, compress=True,
        )

    def content_for(self, event_id: int) -> bytes | None:
        """The file's bytes when the payload is ours, recent and for this event; else None."""
        try:
            value = signing.loads(
                self.cleaned_data["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE_SECONDS
            )
        except signing.BadSignature:
            return None
        if value.get("event") != event_id:
            return None
        return value["content"].encode("utf-8")
