"""Forms of the console's registrant pages. They check input; the services decide."""

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aula.core import timefmt
from aula.registrations import queries as registration_queries
from aula.registrations.forms import DetailsForm, RegistrationForm, session_label

IMPORT_SALT = "aula.console.registrant-import"
# The checked file travels from the preview to the confirmation signed, for this long.
IMPORT_MAX_AGE_SECONDS = 3600


def over_capacity_field():
    return forms.BooleanField(
        label=_("Go over the capacity knowingly (recorded in the audit log)"), required=False,
        help_text=_("Without it, a full event or session refuses the change."),
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
    over_capacity = over_capacity_field()

    def __init__(self, *args, **kwargs):
        kwargs["disable_full"] = False
        super().__init__(*args, **kwargs)
        for name in ("started", "website", "time_zone"):
            del self.fields[name]
        self.fields["email"].help_text = _("The confirmation e-mail goes to this address.")

    def is_bot(self) -> bool:
        return False


class RegistrantDetailsForm(DetailsForm):
    """The registrant's own details form, with the address, which only the organiser corrects
    (one registration per address: the service checks it)."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, registration=registration, **kwargs)
        self.fields["email"].initial = registration.email
        self.order_fields(["email", *self.fields])


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


def session_groups(event) -> list[tuple[str, list]]:
    """The parallel sessions to move people to, by time slot: ``(slot label, [(block, label)])``,
    a full session marked so (it can still be chosen: the organiser may knowingly go over)."""
    slots = registration_queries.parallel_slots(event)
    left = registration_queries.session_places_left(event, slots)
    language = get_language() or settings.LANGUAGE_CODE
    return [
        (
            timefmt.format_range(slot.starts_at, slot.ends_at, event.time_zone, language),
            [(block, session_label(block, left.get(block.pk), language, event.primary_language))
             for block in slot.blocks],
        )
        for slot in slots
    ]
