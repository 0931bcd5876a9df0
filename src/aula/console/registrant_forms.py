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
# The kept file's token travels between the steps signed, for this long (the file is deleted
# after as long: ``import_uploads.MAX_AGE_SECONDS``).
IMPORT_MAX_AGE_SECONDS = 3600


def over_capacity_field():
    return forms.BooleanField(
        label=_("Go over the capacity knowingly (recorded in the audit log)"), required=False,
        help_text=_("Without it, a full event or session refuses the change."),
    )


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
    over_capacity = over_capacity_field()

    def __init__(self, *args, **kwargs):
        kwargs["disable_full"] = False
        # The organiser may pick a full session; the form says "full", not "waiting list".
        kwargs.setdefault("waiting_list", False)
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
        label=_("CSV or Excel file"),
        help_text=_("A CSV file (any encoding; columns separated by , ; or a tab) or an Excel "
                    "workbook (.xlsx, its first sheet). The first line names the columns."),
    )


def sign_upload(event_id: int, user_id: int, token: str, mapping: list[str] | None = None) -> str:
    """The kept file's token for the next step, signed with the event and the organiser (and,
    for the import itself, the column mapping that was previewed)."""
    return signing.dumps(
        {"event": event_id, "user": user_id, "token": token, "mapping": mapping},
        salt=IMPORT_SALT, compress=True,
    )


def load_upload(value: str, event_id: int, user_id: int) -> dict | None:
    """The signed token (and mapping) when ours, recent, for this event and organiser."""
    try:
        found = signing.loads(value, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(found, dict) or found.get("event") != event_id \
            or found.get("user") != user_id or not isinstance(found.get("token"), str):
        return None
    return found


class ImportMappingForm(forms.Form):
    """Which of Aula's fields each column of the file holds (a choice per column)."""

    upload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, columns: list[tuple[str, str]], fields: list[tuple[str, str]],
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.width = len(columns)
        choices = [("", _("— leave out —")), *fields]
        for index, (name, _example) in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=name or _("Column %(number)s") % {"number": index + 1},
                choices=choices, required=False,
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data[f"column_{index}"] for index in range(self.width)]

    def columns(self, examples: list[str]):
        """(the column's choice, an example value from the file) per column."""
        return [(self[f"column_{index}"], examples[index]) for index in range(self.width)]


class ImportConfirmForm(forms.Form):
    """The previewed file and mapping, signed, so the import is exactly what was previewed."""

    payload = forms.CharField(widget=forms.HiddenInput)


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
