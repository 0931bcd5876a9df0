"""Forms of the console's event pages. Date-and-time fields are read and shown in the time zone
active while the form is used: the views activate the event's zone (as the admin does)."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from aula.core.fields import TranslatedTextFormField
from aula.core.translation import CONTENT_LANGUAGES
from aula.events import agenda
from aula.events.forms import UnshownFieldErrors
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person
from aula.projects.models import Partner
from aula.registrations import setup as registration_setup
from aula.registrations.models import PrivacyNotice, Question, RegistrationOptions


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TimeZoneInput(forms.TextInput):
    """Suggests IANA zone names (the datalist is rendered once by the page)."""

    def __init__(self, attrs=None):
        super().__init__({"list": "aula-time-zones", "autocomplete": "off", "size": 30,
                          **(attrs or {})})


DATETIME_WIDGETS = {
    name: DateTimeInput()
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
}


def zone_help(form):
    """Every date-and-time field says which zone it is read in."""
    zone = timezone.get_current_timezone_name()
    for field in form.fields.values():
        if isinstance(field, forms.DateTimeField):
            note = _("In %(zone)s time.") % {"zone": zone}
            field.help_text = f"{field.help_text} {note}" if field.help_text else note


def https_urls(db_field, **kwargs):
    """Addresses typed without a scheme are read as https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class EventCreateForm(UnshownFieldErrors, forms.ModelForm):
    class Meta:
        model = Event
        fields = ["title", "slug", "primary_language", "time_zone", "starts_at", "ends_at",
                  "format"]
        widgets = {"time_zone": TimeZoneInput(), **DATETIME_WIDGETS}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "The event's part of its web address. Leave empty to make one from the title."
        )
        self.fields["primary_language"].initial = project.primary_language
        zone_help(self)

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug and Event.objects.filter(project=self.instance.project, slug=slug).exclude(
            pk=self.instance.pk
        ).exists():
            raise ValidationError(_("Another event of this project has this address."))
        return slug


class EventEditForm(EventCreateForm):
    move_agenda = forms.BooleanField(
        label=_("Move the agenda with the start"), required=False, initial=True,
        help_text=_("When the start moves, every block and item moves by as much."),
    )

    class Meta:
        model = Event
        fields = [
            "title", "summary", "description", "location", "primary_language", "slug",
            "time_zone", "starts_at", "ends_at", "format", "meeting_url", "host_partner",
            "contact_name", "contact_role", "contact_organisation", "contact_phone",
            "contact_email",
        ]
        widgets = {"time_zone": TimeZoneInput(), **DATETIME_WIDGETS}
        formfield_callback = https_urls

    def __init__(self, *args, **kwargs):
        super().__init__(*args, project=kwargs["instance"].project, **kwargs)
        self.fields["slug"].required = True
        self.fields["slug"].help_text = _("The event's part of its web address.")
        partners = Partner.objects.filter(project_id=self.instance.project_id)
        self.fields["host_partner"].queryset = partners
        self.fields["contact_organisation"].queryset = partners


class CloneForm(forms.Form):
    starts_on = forms.DateField(
        label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The new event starts on this day at the same clock time; the agenda and "
                    "the registration window move by as many days."),
    )
    slug = forms.SlugField(
        label=_("Address name"), max_length=80, required=False,
        help_text=_("Leave empty to make one from the old address and the new date."),
    )

    def __init__(self, *args, source: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug and Event.objects.filter(project_id=self.source.project_id, slug=slug).exists():
            raise ValidationError(_("Another event of this project has this address."))
        return slug


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Told to the registrants in the e-mail and shown on the event's page."),
    )


class EventWindowForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["capacity", "registration_opens_at", "registration_closes_at"]
        widgets = DATETIME_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone_help(self)


class RegistrationOptionsForm(forms.ModelForm):
    reminders = forms.CharField(
        label=_("Reminders before the start"), required=False, max_length=200,
        help_text=_("Comma-separated, e.g. “1 day, 1 hour”, or minutes such as “1440, 60”. "
                    "Leave empty for no reminders."),
    )

    class Meta:
        model = RegistrationOptions
        fields = ["waiting_list", "promotion", "double_opt_in", "hold_hours",
                  "join_opens_minutes_before"]
        widgets = {"promotion": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminders"].initial = registration_setup.format_reminders(
            self.instance.reminder_offsets_minutes
        )

    def clean_reminders(self):
        offsets = registration_setup.parse_reminders(self.cleaned_data.get("reminders", ""))
        self.instance.reminder_offsets_minutes = offsets
        return offsets


TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class BlockForm(forms.ModelForm):
    """A block's times are clock times in the event's zone; its day is the event's (a day
    select appears only when the event spans several days). An end at or before the start
    is on the next day (a block across midnight)."""

    day = forms.ChoiceField(label=_("Day"))
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_INPUT)

    class Meta:
        model = AgendaBlock
        # No order: the agenda page's up/down buttons set it.
        fields = ["kind", "day", "start_time", "end_time", "title", "description", "capacity"]

    def __init__(self, *args, event: Event, chosen: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        # ``chosen`` given by a page that counted it already (no query per block).
        self.chosen = agenda.chosen_by(self.instance) if chosen is None else chosen
        days = agenda.event_days(event)
        self.fields["day"].choices = [(d.isoformat(), formats.date_format(d, "l j F Y"))
                                      for d in days]
        if len(days) == 1:
            self.fields["day"].widget = forms.HiddenInput()
        self.fields["day"].initial = days[0].isoformat()
        note = _("In %(zone)s time.") % {"zone": event.time_zone}
        self.fields["start_time"].help_text = note
        self.fields["end_time"].help_text = _(
            "In %(zone)s time; an end before the start is on the next day."
        ) % {"zone": event.time_zone}
        if self.instance.starts_at and self.instance.ends_at:
            start = timezone.localtime(self.instance.starts_at, event.tz)
            self.fields["day"].initial = start.date().isoformat()
            self.fields["start_time"].initial = start.time()
            self.fields["end_time"].initial = timezone.localtime(
                self.instance.ends_at, event.tz).time()

    def clean(self):
        cleaned = super().clean()
        day, start_time, end_time = (cleaned.get(name) for name in
                                     ("day", "start_time", "end_time"))
        kind = cleaned.get("kind")
        if day is None or start_time is None or end_time is None:
            return cleaned
        try:
            start, end = agenda.block_times(self.event, date.fromisoformat(day), start_time,
                                            end_time)
        except ValidationError as error:
            raise ValidationError(error.messages, code="time") from None
        old = (self.instance.starts_at, self.instance.ends_at, self.instance.kind)
        if self.chosen and old != (start, end, kind):
            raise ValidationError(
                _("Registrants chose this session: its time and kind stay as they are. Move "
                  "the whole event instead, or ask them to choose again."), code="chosen",
            )
        self.instance.starts_at, self.instance.ends_at = start, end
        if not kind:
            return cleaned
        block = AgendaBlock(
            pk=self.instance.pk, event=self.event, kind=kind, starts_at=start, ends_at=end,
            title=cleaned.get("title") or {},
        )
        problems = agenda.block_problems(self.event, block)
        if problems:
            raise ValidationError(problems, code="agenda")
        return cleaned


class ItemForm(forms.ModelForm):
    start_time = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"},
                                                                    format="%H:%M"),
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "start_time", "presenters", "description"]  # order: up/down

    def __init__(self, *args, block: AgendaBlock, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.block = block
        self.block = block
        zone = timezone.get_current_timezone_name()
        self.fields["start_time"].help_text = _(
            "In %(zone)s time, within the block; leave empty for none."
        ) % {"zone": zone}
        if self.instance.starts_at:
            self.fields["start_time"].initial = timezone.localtime(self.instance.starts_at).time()

    def clean_start_time(self):
        value: time | None = self.cleaned_data.get("start_time")
        if value is None:
            self.instance.starts_at = None
            return None
        block_start = timezone.localtime(self.block.starts_at)
        moment = timezone.make_aware(datetime.combine(block_start.date(), value))
        if moment < self.block.starts_at:  # a block across midnight
            moment = timezone.make_aware(
                datetime.combine(block_start.date() + timedelta(days=1), value)
            )
        self.instance.starts_at = moment
        return value

    def _update_errors(self, errors):
        # The model speaks of starts_at; on this form that is the start time.
        if hasattr(errors, "error_dict") and "starts_at" in errors.error_dict:
            errors.error_dict["start_time"] = errors.error_dict.pop("starts_at")
        super()._update_errors(errors)


class QuickItemForm(ItemForm):
    """The agenda page's own form for a new item of a block: title, time, presenters."""

    class Meta(ItemForm.Meta):
        fields = ["title", "start_time", "presenters"]


class RoleForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=ItemRole.Role.choices)

    def __init__(self, *args, project, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        # People belong to a project: only the event's project's people are offered.
        self.fields["person"].queryset = Person.objects.filter(project=project).order_by(
            "name", "id")
        if people is not None:
            self.fields["person"].choices = [("", "---------")] + [
                (person.pk, str(person)) for person in people
            ]


class PersonForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("Role"), choices=ItemRole.Role.choices)

    class Meta:
        model = Person
        fields = ["name", "organisation", "job_title", "role"]


class QuestionForm(forms.ModelForm):
    choices = TranslatedTextFormField(
        multiline=True, max_length=5000, required=False, label=_("Choices"),
        help_text=_("For choice questions: one choice per line, the same line in every "
                    "language."),
    )

    class Meta:
        model = Question
        fields = ["kind", "label", "help", "required", "choices"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.event = event
        self.initial["choices"] = registration_setup.lines_from_choices(
            self.instance.choices, CONTENT_LANGUAGES
        )

    def clean_kind(self):
        kind = self.cleaned_data.get("kind")
        registration_setup.check_kind_change(self.instance, kind)
        return kind

    def clean_choices(self):
        return registration_setup.choices_from_lines(
            self.cleaned_data.get("choices") or {}, self.instance.choices
        )


class PrivacyNoticeForm(forms.ModelForm):
    class Meta:
        model = PrivacyNotice
        fields = ["controller", "text"]

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controller"].queryset = event.project.partners.all()
        self.fields["controller"].empty_label = _("— not named —")
