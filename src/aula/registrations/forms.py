"""Forms of the registration pages. They check what people type and hand it to ``services``,
which decides; nothing here writes."""

import time
import zoneinfo
from functools import cache

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from aula.core import timefmt
from aula.core.forms import apply_errors
from aula.core.text import reject_control_characters, single_line
from aula.core.translation import localize
from aula.core.widgets import FastSelect
from aula.registrations import queries
from aula.registrations.display import session_places
from aula.registrations.models import (
    JOB_TITLE_MAX_LENGTH,
    LONG_ANSWER_MAX_LENGTH,
    NAME_MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    SHORT_ANSWER_MAX_LENGTH,
    OrganisationType,
    Question,
    reject_markup,
)
from aula.registrations.services import RegistrationData

FIELD_TEMPLATE = "registrations/forms/field.html"
STARTED_SALT = "aula.registrations.form-started"
DEFAULT_MIN_FILL_SECONDS = 3
HONEYPOT = "website"
# The second step ("check and send") that a form sent back too fast gets: its own signed time,
# so a first step's token cannot pass for it. A person reads the page for more than a second;
# after two hours the page is stale (the places and the details may have changed).
CHECKED_SALT = "aula.registrations.form-checked"
CHECKED_FIELD = "checked"
CHECK_MIN_SECONDS = 1
CHECK_MAX_AGE = 2 * 3600
# The embedded form (``views.embed``) is sent from a partner's page, where the browser sends no
# SameSite cookie and so no CSRF cookie: instead each of its pages carries this token, signed
# and timestamped like the start time, naming the event it was handed out for. It stands for
# "this form came from Aula's page for this event, lately" and is checked before anything else.
EMBED_SALT = "aula.registrations.embed-form"
EMBED_FIELD = "embed_token"
EMBED_MAX_AGE = 12 * 3600
# Not carried from the first step into the second one.
STEP_FIELDS = ("started", HONEYPOT, CHECKED_FIELD)


def min_fill_seconds() -> float:
    return getattr(settings, "AULA_REGISTRATION_MIN_FILL_SECONDS", DEFAULT_MIN_FILL_SECONDS)


@cache
def _country_choices(language: str) -> tuple:
    with translation.override(language):
        return (("", str(_("Choose a country"))), *((code, str(name)) for code, name in countries))


def country_choices() -> list:
    """Every country, named and sorted in the active language (sorting 250 translated names
    per request was a measurable part of the registration form's time)."""
    return list(_country_choices(get_language() or settings.LANGUAGE_CODE))


@cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


class CountryChoiceField(forms.ChoiceField):
    """A country of the list, checked by its code: walking 250 choices per check was a tenth
    of a registration's time."""

    def valid_value(self, value):
        return str(value) in country_codes()


def language_choices():
    # Each language in its own name: someone looking for their language reads it best so.
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones people live in ("Europe/Vilnius", "America/New_York", "UTC"), without
    the legacy aliases ("US/Eastern") and fixed offsets ("Etc/GMT+3") of the database."""
    legacy = ("Etc/", "SystemV/", "US/", "posix", "right/", "Factory")
    return tuple(sorted(
        name for name in zoneinfo.available_timezones()
        if ("/" in name and not name.startswith(legacy)) or name == "UTC"
    ))


def started_token() -> str:
    """When the form was handed out, signed: judged by ``RegistrationForm.is_bot``."""
    return signing.dumps(time.time(), salt=STARTED_SALT)


def checked_token() -> str:
    """When the "check and send" page was handed out, signed: judged by
    ``RegistrationForm.passes_check``."""
    return signing.dumps(time.time(), salt=CHECKED_SALT)


def embed_token(event) -> str:
    """The embedded form's token for ``event``: judged by ``embed_token_valid``."""
    return signing.dumps(event.pk, salt=EMBED_SALT)


def embed_token_valid(value, event) -> bool:
    """Whether ``value`` is a token this site signed for ``event`` less than
    ``EMBED_MAX_AGE`` seconds ago."""
    try:
        signed = signing.loads(value or "", salt=EMBED_SALT, max_age=EMBED_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):  # SignatureExpired included
        return False
    return signed == event.pk


def _signed_age(value, salt: str) -> float | None:
    """Seconds since the signed moment ``value``; None when it is missing or forged."""
    try:
        moment = float(signing.loads(value or "", salt=salt))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - moment


def optional(label):
    return format_lazy("{} {}", label, _("(optional)"))


def multiline_text(value: str) -> None:
    reject_control_characters(value, multiline=True)


class PersonForm(forms.Form):
    """Who the registrant is: shared by the registration form and the registrant's page."""

    first_name = forms.CharField(
        label=_("First name"), max_length=NAME_MAX_LENGTH,
        validators=[single_line, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Family name"), max_length=NAME_MAX_LENGTH,
        validators=[single_line, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=ORGANISATION_MAX_LENGTH,
        validators=[single_line, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=(), widget=FastSelect,
        help_text=_("As in the Interreg programmes' reports."),
    )
    country = CountryChoiceField(
        label=_("Country"), choices=(), widget=FastSelect(attrs={"autocomplete": "country"}),
        help_text=_("Of your organisation."),
    )
    job_title = forms.CharField(
        label=optional(_("Job title")), max_length=JOB_TITLE_MAX_LENGTH, required=False,
        validators=[single_line, reject_markup],
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    language = forms.ChoiceField(
        label=_("Language for our e-mails"), choices=(),
        widget=FastSelect(attrs={"autocomplete": "language"}),
    )

    def __init__(self, *args, event, questions=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["organisation_type"].choices = [
            ("", _("Choose a type")), *OrganisationType.choices
        ]
        self.fields["country"].choices = country_choices  # a callable: evaluated when used
        self.fields["language"].choices = language_choices()
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = question_field(question, event)

    def use_template(self):
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE

    def answers(self) -> dict:
        return {
            str(question.pk): self.cleaned_data.get(f"q_{question.pk}")
            for question in self.questions
        }

    def question_fields(self):
        return [self[f"q_{question.pk}"] for question in self.questions]

    def apply_errors(self, error: ValidationError) -> None:
        """Errors from ``services`` beside the field they concern, else at the top."""
        apply_errors(self, error)

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page."""
        links = []
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS or name not in self.fields:
                continue
            bound = self[name]
            anchor = bound.auto_id + ("_0" if bound.field.widget.use_fieldset else "")
            for message in errors:
                links.append((anchor, format_lazy("{}: {}", bound.label, message)))
        return links


def question_field(question: Question, event) -> forms.Field:
    language = get_language() or settings.LANGUAGE_CODE
    fallback = event.primary_language
    label = localize(question.label, language, fallback).text
    if not question.required and question.kind != Question.Kind.CHECKBOX:
        label = optional(label)
    common = {
        "label": label,
        "required": question.required,
        "help_text": localize(question.help, language, fallback).text,
        "error_messages": {"required": _("Answer this question.")},
    }
    Kind = Question.Kind
    if question.kind == Kind.SHORT_TEXT:
        return forms.CharField(
            max_length=SHORT_ANSWER_MAX_LENGTH, validators=[single_line], **common
        )
    if question.kind == Kind.LONG_TEXT:
        return forms.CharField(
            max_length=LONG_ANSWER_MAX_LENGTH, validators=[multiline_text],
            widget=forms.Textarea(attrs={"rows": 4}), **common,
        )
    choices = [
        (choice["key"], queries.choice_label(choice, language, fallback))
        for choice in question.choices or []
    ]
    if question.kind == Kind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == Kind.CHECKBOX:
        return forms.BooleanField(**common)
    return CountryChoiceField(choices=country_choices, widget=FastSelect, **common)


class SessionSelect(forms.RadioSelect):
    """Radio buttons for the sessions of one slot; full sessions are shown but disabled."""

    def __init__(self, *args, full=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.full = {str(pk) for pk in full}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.full:
            option["attrs"]["disabled"] = True
        return option


def session_label(block, places_left, language, fallback, waiting_list=False):
    title = localize(block.title, language, fallback).text or block.get_kind_display()
    places = session_places(places_left, waiting_list)
    return format_lazy("{} — {}", title, places) if places else title


# Where a session's places go in a cached blank form (``places_mark``); the view fills them in
# for each visitor (``fill_session_places``), so the cached form never shows old counts.
_PLACES_MARK = "@@aula-session-places-{}@@"


def places_mark(block_id: int) -> str:
    return _PLACES_MARK.format(block_id)


def fill_session_places(html: str, texts: dict[int, str]) -> str:
    """The form's HTML with each session's places (``texts``: block id → text) where its mark
    is; the texts are escaped here."""
    for block_id, text in texts.items():
        html = html.replace(places_mark(block_id), escape(f" — {text}") if text else "")
    return html


def session_place_texts(slots, session_left, waiting_list) -> dict[int, str]:
    """Each session's places as the form shows them (block id → text), for
    ``fill_session_places``."""
    return {
        block.pk: session_places(session_left.get(block.pk), waiting_list)
        for slot in slots for block in slot.blocks
    }


def _slot_time(starts_at, ends_at, time_zone, language) -> str:
    return capfirst(timefmt.format_range(starts_at, ends_at, time_zone, language))


_slot_label = lazy(_slot_time, str)


def add_slot_fields(form, slots, session_left, *, current=None, disable_full=True,
                    live_places=False, waiting_list=None):
    """One radio group per slot, each session with its places left. ``current``: block ids the
    registrant holds (never disabled). ``live_places``: a mark instead of the places, filled in
    by ``fill_session_places`` (the public form is cached). Without ``disable_full`` a full
    session can still be chosen: as a wish on the waiting list, which its label says unless
    ``waiting_list`` is False."""
    waiting_list = not disable_full if waiting_list is None else waiting_list
    language = get_language() or settings.LANGUAGE_CODE
    event = form.event
    current = set(current or ())
    form.slots = slots
    for slot in slots:
        full = [
            block.pk for block in slot.blocks
            if session_left.get(block.pk) == 0 and block.pk not in current
        ] if disable_full else []
        form.fields[slot.key] = forms.ChoiceField(
            # Formatted only when shown: a sent form that is valid never shows it.
            label=_slot_label(slot.starts_at, slot.ends_at, event.time_zone, language),
            choices=[
                (str(block.pk), format_lazy("{}{}", localize(
                    block.title, language, event.primary_language
                ).text or block.get_kind_display(), places_mark(block.pk)) if live_places
                 else session_label(block, session_left.get(block.pk), language,
                                    event.primary_language, waiting_list=waiting_list))
                for block in slot.blocks
            ],
            widget=SessionSelect(full=full),
            error_messages={"required": _("Choose one of these sessions.")},
        )


class RegistrationForm(PersonForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send your confirmation and your personal link here."),
    )
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice above."),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )
    consent_recording = forms.BooleanField(
        label=optional(_("I agree to appear in photos and recordings of the event that the "
                         "project publishes.")),
        required=False,
    )
    consent_newsletter = forms.BooleanField(
        label=optional(_("Send me the project's newsletter.")), required=False,
    )
    privacy_notice = forms.IntegerField(widget=forms.HiddenInput)
    time_zone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = [
        "first_name", "family_name", "email", "organisation", "organisation_type", "country",
        "job_title", "language",
    ]

    def __init__(self, *args, event, notice, slots=(), session_left=None, disable_full=True,
                 live_places=False, waiting_list=None, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        self.notice = notice
        self.fields["privacy_notice"].initial = notice.pk if notice else None
        if not self.is_bound:  # a sent form carries its own (signing one costs a HMAC)
            self.fields["started"].initial = started_token()
        waiting_list = not disable_full if waiting_list is None else waiting_list
        add_slot_fields(self, list(slots), session_left or {}, disable_full=disable_full,
                        live_places=live_places, waiting_list=waiting_list)
        self.session_places = session_place_texts(self.slots, session_left or {}, waiting_list)
        # The page's order, so the error summary lists problems as they appear.
        self.order_fields([
            *self.field_order, *(slot.key for slot in self.slots),
            *(f"q_{question.pk}" for question in self.questions),
            "privacy", "consent_recording", "consent_newsletter",
        ])
        self.use_template()

    def person_fields(self):
        return [self[name] for name in self.field_order]

    def slot_fields(self):
        return [self[slot.key] for slot in self.slots]

    def _honeypot_filled(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    def is_bot(self) -> bool:
        """The honeypot is filled, or the form came back faster than a person fills it in (or
        without our signed start time). Judged on the raw data, before any validation."""
        if self._honeypot_filled():
            return True
        age = _signed_age(self.data.get("started"), STARTED_SALT)
        return age is None or age < min_fill_seconds()

    def is_second_step(self) -> bool:
        """Sent from the "check and send" page rather than from the form."""
        return CHECKED_FIELD in self.data

    def passes_check(self) -> bool:
        """The "check and send" page came back from a person: its honeypot empty, its signed
        time genuine, fresh and at least a moment old."""
        if self._honeypot_filled():
            return False
        age = _signed_age(self.data.get(CHECKED_FIELD), CHECKED_SALT)
        return age is not None and CHECK_MIN_SECONDS <= age <= CHECK_MAX_AGE

    def needs_check(self) -> bool:
        """Whether the submission must go (again) through the "check and send" page before
        anything is stored: the form came back as a bot would send it (autofill does too), or
        the check page came back so. Never a reason to tell anybody "thank you"."""
        return not self.passes_check() if self.is_second_step() else self.is_bot()

    def carried_fields(self):
        """What the "check and send" page sends again, as hidden fields."""
        return [self[name] for name in self.fields if name not in STEP_FIELDS]

    def summary(self) -> list[tuple[str, str]]:
        """(label, value in words) of what the person entered, in the page's order; after
        ``is_valid()``."""
        rows = []
        for name, field in self.fields.items():
            if name in STEP_FIELDS or isinstance(field.widget, forms.HiddenInput):
                continue
            rows.append((self[name].label, _in_words(field, self.cleaned_data.get(name))))
        return rows

    def registration_data(self) -> RegistrationData:
        data = self.cleaned_data
        return RegistrationData.of({
            **data,
            "sessions": [int(data[slot.key]) for slot in self.slots if data.get(slot.key)],
            "answers": self.answers(),
            "privacy_accepted": data["privacy"],
            "privacy_notice_id": data.get("privacy_notice"),
        })

    def mark_full(self, block_ids) -> None:
        """The chosen session filled up meanwhile: say so beside it, and disable it."""
        block_ids = {str(pk) for pk in block_ids}
        for slot in self.slots:
            field = self.fields[slot.key]
            if str(self.cleaned_data.get(slot.key)) in block_ids:
                field.widget.full |= block_ids
                self.session_places.update({int(pk): session_places(0, False) for pk in block_ids})
                self.add_error(slot.key, _("This session has just filled up. Choose another."))


def _in_words(field, value) -> str:
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ChoiceField):
        names = {str(key): name for key, name in field.choices}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(names.get(str(v), v)) for v in values if v not in (None, ""))
    return str(value or "")


class DetailsForm(PersonForm):
    """The registrant corrects their details, their time zone (first taken from their browser
    when they registered), answers and consents on their own page."""

    # A list to choose from, so only a real zone can come back (checked again by ``services``).
    time_zone = forms.ChoiceField(
        label=_("Time zone"), required=False, choices=(), widget=FastSelect
    )
    consent_recording = RegistrationForm.base_fields["consent_recording"]
    consent_newsletter = RegistrationForm.base_fields["consent_newsletter"]

    def __init__(self, *args, registration, **kwargs):
        event = registration.event
        initial = {
            name: getattr(registration, name)
            for name in (
                "first_name", "family_name", "organisation", "organisation_type", "job_title",
                "language", "time_zone", "consent_recording", "consent_newsletter",
            )
        }
        initial["country"] = str(registration.country)
        for key, value in (registration.answers or {}).items():
            initial[f"q_{key}"] = value
        super().__init__(
            *args, event=event, questions=queries.questions(event), initial=initial, **kwargs
        )
        zones = time_zone_names()
        if registration.time_zone and registration.time_zone not in zones:
            zones = (registration.time_zone, *zones)  # an alias an older browser sent
        # Blank (never stored: see ``services.update_details``) while the browser gave none.
        self.fields["time_zone"].choices = [
            ("", "—"), *((name, name.replace("_", " ")) for name in zones)
        ]
        self.use_template()

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        answers = self.answers()
        for question in self.questions:
            data.pop(f"q_{question.pk}", None)
        data["answers"] = answers
        return data


class SessionsForm(forms.Form):
    """Change parallel sessions; a full session stays visible but cannot be chosen."""

    def __init__(self, *args, registration, slots, session_left, disable_full=True, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.event = registration.event
        current = {choice.block_id: choice for choice in queries.chosen_sessions(registration)}
        initial = {}
        for slot in slots:
            for block in slot.blocks:
                if block.pk in current:
                    initial[slot.key] = str(block.pk)
        super().__init__(*args, initial=initial, **kwargs)
        add_slot_fields(
            self, slots, session_left, current=current.keys(), disable_full=disable_full
        )
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE

    def changed_blocks(self) -> list[int]:
        return [
            int(self.cleaned_data[slot.key]) for slot in self.slots
            if slot.key in self.changed_data and self.cleaned_data.get(slot.key)
        ]
