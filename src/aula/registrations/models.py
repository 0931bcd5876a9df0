"""Registration without an account: the event's settings, privacy notice and questions, one row
per registrant, their parallel-session choices and the capacity counters."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from aula.core.fields import (
    RenderedMarkdownField,
    RendersMarkdown,
    Translatable,
    TranslatedTextField,
)
from aula.core.text import single_line
from aula.events.models import AgendaBlock, Event, validate_time_zone
from aula.projects.models import Project

# 32 random bytes: 43 URL-safe characters, far beyond guessing.
TOKEN_BYTES = 32
NAME_MAX_LENGTH = 100
ORGANISATION_MAX_LENGTH = 200
JOB_TITLE_MAX_LENGTH = 200
SHORT_ANSWER_MAX_LENGTH = 500
LONG_ANSWER_MAX_LENGTH = 5000


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def reject_markup(value: str) -> None:
    """Names and organisations end up in e-mails, badges and exports: no markup at all."""
    if "<" in value or ">" in value:
        raise ValidationError(_("Remove the characters < and >."), code="markup")


class OrganisationType(models.TextChoices):
    """The organisation types of Jems, the programmes' monitoring system (keys stored)."""

    LOCAL_PUBLIC_AUTHORITY = "LocalPublicAuthority", _("Local public authority")
    REGIONAL_PUBLIC_AUTHORITY = "RegionalPublicAuthority", _("Regional public authority")
    NATIONAL_PUBLIC_AUTHORITY = "NationalPublicAuthority", _("National public authority")
    SECTORAL_AGENCY = "SectoralAgency", _("Sectoral agency")
    INFRASTRUCTURE_AND_SERVICE_PROVIDER = (
        "InfrastructureAndServiceProvider", _("Infrastructure and (public) service provider")
    )
    INTEREST_GROUPS = "InterestGroups", _("Interest groups including NGOs")
    HIGHER_EDUCATION = (
        "HigherEducationOrganisations", _("Higher education and research organisations")
    )
    EDUCATION_TRAINING = (
        "EducationTrainingCentreAndSchool", _("Education/training centre and school")
    )
    ENTERPRISE_EXCEPT_SME = "EnterpriseExceptSme", _("Enterprise, except SME")
    SME = "Sme", _("SME")
    BUSINESS_SUPPORT = "BusinessSupportOrganisation", _("Business support organisation")
    EGTC = "Egtc", _("European grouping of territorial cooperation (EGTC)")
    INTERNATIONAL_ORGANISATION = "InternationalOrganisationEeig", _(
        "International organisation, EEIG"
    )
    GENERAL_PUBLIC = "GeneralPublic", _("General public")
    HOSPITALS = "Hospitals", _("Hospitals and medical centres")
    OTHER = "Other", _("Other")


# The reminder horizon: a reminder goes out at most this many minutes (60 days) before the
# start. The one home of this rule: the options' check, the setup's parser and the scheduler's
# look-ahead (services.reminders) all read it.
REMINDER_MAX_MINUTES = 60 * 24 * 60


def default_reminder_offsets() -> list[int]:
    return [1440, 60]


class RegistrationOptions(models.Model):
    """How registration works for one event. Events without a row use the defaults below."""

    class Promotion(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic: the next in line gets a freed place")
        MANUAL = "manual", _("Manual: the organiser promotes from the waiting list")

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="registration_options",
        verbose_name=_("event"),
    )
    waiting_list = models.BooleanField(
        _("waiting list"), default=True,
        help_text=_("When the event is full, further registrants join a waiting list."),
    )
    promotion = models.CharField(
        _("promotion from the waiting list"), max_length=16, choices=Promotion.choices,
        default=Promotion.AUTOMATIC,
    )
    double_opt_in = models.BooleanField(
        _("confirm e-mail addresses"), default=True,
        help_text=_("Registrants confirm their address by a link; their place is held meanwhile."),
    )
    hold_hours = models.PositiveSmallIntegerField(
        _("hold a place for (hours)"), default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    join_opens_minutes_before = models.PositiveSmallIntegerField(
        _("join link opens (minutes before the start)"), default=30,
        validators=[MaxValueValidator(24 * 60)],
    )
    reminder_offsets_minutes = models.JSONField(
        _("reminders (minutes before the start)"), default=default_reminder_offsets, blank=True,
    )

    class Meta:
        verbose_name = _("registration options")
        verbose_name_plural = _("registration options")

    def __str__(self) -> str:
        return str(self.event)

    @classmethod
    def for_event(cls, event: Event) -> "RegistrationOptions":
        """The event's options; unsaved defaults when the organiser never changed them (reading
        a page must not write)."""
        try:
            return cls.objects.get(event=event)
        except cls.DoesNotExist:
            return cls(event=event)

    def clean(self):
        offsets = self.reminder_offsets_minutes
        if not isinstance(offsets, list) or not all(
            isinstance(n, int) and 0 < n <= REMINDER_MAX_MINUTES for n in offsets
        ):
            raise ValidationError(
                {"reminder_offsets_minutes": _("Give a list of minutes, e.g. [1440, 60].")}
            )


class PrivacyNotice(RendersMarkdown, models.Model):
    """The notice shown when data is collected (GDPR Art. 13). The event's newest notice
    applies, else the project's newest; registrations keep the version they accepted."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="privacy_notices",
        verbose_name=_("project"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="privacy_notices",
        verbose_name=_("event"), help_text=_("Empty: the notice of every event of the project."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    controller = models.ForeignKey(
        "projects.Partner", on_delete=models.PROTECT, null=True, blank=True,
        related_name="privacy_notices", verbose_name=_("controller"),
        help_text=_("The partner responsible for the personal data (the GDPR controller): "
                    "usually the event's host."),
    )
    text = TranslatedTextField(_("text"), multiline=True, max_length=20000, blank=False)
    text_html = RenderedMarkdownField(source="text")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"], condition=models.Q(event__isnull=True),
                name="privacy_notice_project_version_unique",
                violation_error_message=_("The project already has a notice with this version."),
            ),
            models.UniqueConstraint(
                fields=["event", "version"], condition=models.Q(event__isnull=False),
                name="privacy_notice_event_version_unique",
                violation_error_message=_("The event already has a notice with this version."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.event if self.event_id else self.project
        return _("Privacy notice %(version)s (%(scope)s)") % {
            "version": self.version, "scope": scope,
        }

    def clean(self):
        if self.event_id and self.project_id and self.event.project_id != self.project_id:
            raise ValidationError({"event": _("Choose an event of this project.")})
        if self.controller_id and self.project_id and self.controller.project_id != self.project_id:
            raise ValidationError({"controller": _("Choose a partner of this project.")})


class Question(Translatable, models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        SINGLE_CHOICE = "single_choice", _("One of several choices")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
        CHECKBOX = "checkbox", _("Checkbox")
        COUNTRY = "country", _("Country")

    CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE})

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = TranslatedTextField(_("question"), max_length=500, blank=False)
    help = TranslatedTextField(_("help text"), multiline=True, max_length=2000)
    choices = models.JSONField(
        _("choices"), default=list, blank=True,
        help_text=_('For choice questions: [{"key": "a", "label": {"en": "…"}}, …]'),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text("label", settings.LANGUAGE_CODE).text

    def content_language(self) -> str:
        return self.event.primary_language if self.event_id else settings.LANGUAGE_CODE

    def clean(self):
        if self.kind in self.CHOICE_KINDS:
            choices = self.choices
            valid = isinstance(choices, list) and choices and all(
                isinstance(c, dict) and isinstance(c.get("key"), str) and c["key"]
                and isinstance(c.get("label"), dict) and c["label"]
                for c in choices
            )
            if not valid:
                raise ValidationError(
                    {"choices": _("Give each choice a key and a label in at least one language.")}
                )
            keys = [c["key"] for c in choices]
            if len(keys) != len(set(keys)):
                raise ValidationError({"choices": _("Give every choice a different key.")})
        elif self.choices:
            raise ValidationError({"choices": _("Only choice questions have choices.")})

    def choice_keys(self) -> list[str]:
        return [choice["key"] for choice in self.choices or []]


class Registration(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Place held until the e-mail address is confirmed")
        # In a context: the word agrees with "registration" (feminine in ro, lt, it, hr).
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    # The statuses that occupy a place (and count against the capacity counters).
    PLACE_TAKING = frozenset({Status.HELD, Status.CONFIRMED})

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    token = models.CharField(_("personal link key"), max_length=64, unique=True, default=new_token,
                             editable=False)
    email = models.EmailField(_("e-mail"), max_length=254)
    first_name = models.CharField(
        _("first name"), max_length=NAME_MAX_LENGTH, validators=[single_line, reject_markup]
    )
    family_name = models.CharField(
        _("family name"), max_length=NAME_MAX_LENGTH, validators=[single_line, reject_markup]
    )
    organisation = models.CharField(
        _("organisation"), max_length=ORGANISATION_MAX_LENGTH,
        validators=[single_line, reject_markup],
    )
    organisation_type = models.CharField(
        _("type of organisation"), max_length=40, choices=OrganisationType.choices
    )
    country = CountryField(_("country"))
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    job_title = models.CharField(
        _("job title"), max_length=JOB_TITLE_MAX_LENGTH, blank=True,
        validators=[single_line, reject_markup],
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone],
        help_text=_("The registrant's own zone, as their browser reported it."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    hold_expires_at = models.DateTimeField(_("place held until"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    # Position on the waiting list: the oldest waits first. Set on entering the list, so someone
    # whose held place was released goes to the back of the line.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # Any change of the row (status, details, sessions…) moves it: what an API client syncing
    # registrations asks for (``updated_since``). ``save`` keeps it, see below.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    first_joined_at = models.DateTimeField(_("first joined at"), null=True, blank=True)
    last_joined_at = models.DateTimeField(_("last joined at"), null=True, blank=True)
    join_count = models.PositiveIntegerField(_("times joined"), default=0)
    privacy_notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, null=True, related_name="registrations",
        verbose_name=_("privacy notice accepted"),
    )
    privacy_accepted_at = models.DateTimeField(_("privacy notice accepted at"), null=True)
    consent_recording = models.BooleanField(_("agrees to photos and recordings"), default=False)
    consent_recording_at = models.DateTimeField(null=True, blank=True)
    consent_newsletter = models.BooleanField(_("wants the newsletter"), default=False)
    consent_newsletter_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], name="registration_email_unique_in_event",
                violation_error_message=_("This address is already registered for the event."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["held", "confirmed", "waiting", "cancelled"]),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(hold_expires_at__isnull=False),
                name="registration_held_has_expiry",
            ),
        ]
        indexes = [
            # The waiting list in order, and counts per status.
            models.Index(fields=["event", "status", "waiting_since"], name="registration_queue"),
            models.Index(fields=["status", "hold_expires_at"], name="registration_holds"),
            # The console's registrant table: newest first (its default) and by name.
            models.Index(fields=["event", "created_at", "id"], name="registration_by_date"),
            models.Index(
                fields=["event", "family_name", "first_name", "id"], name="registration_by_name"
            ),
            # The API's "changed since" reads.
            models.Index(fields=["event", "updated_at", "id"], name="registration_by_change"),
        ]

    def __str__(self) -> str:
        if self.anonymised_at:
            return _("Erased registration %(id)s") % {"id": self.pk}
        return f"{self.first_name} {self.family_name} <{self.email}>"

    def save(self, *args, update_fields=None, **kwargs):
        """Every save moves ``updated_at``, also a save of some fields only."""
        self.touch()
        if update_fields is not None:
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def touch(self) -> None:
        """``updated_at`` now: every write of the row (``save``, and the registration path's
        own insert, ``services.sql.insert_registration``)."""
        self.updated_at = timezone.now()

    @property
    def takes_place(self) -> bool:
        return self.status in self.PLACE_TAKING

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.family_name}".strip()


class SessionChoice(models.Model):
    """The parallel session a registrant chose in one slot."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="session_choices",
        verbose_name=_("registration"),
    )
    block = models.ForeignKey(
        AgendaBlock, on_delete=models.PROTECT, related_name="session_choices",
        verbose_name=_("session"),
    )
    # The slot is the block's start (parallel blocks of a slot share start and end); copied
    # here so the database can enforce one choice per slot.
    slot_starts_at = models.DateTimeField(_("slot"))

    class Meta:
        verbose_name = _("session choice")
        verbose_name_plural = _("session choices")
        ordering = ["slot_starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "block"], name="session_choice_unique"
            ),
            models.UniqueConstraint(
                fields=["registration", "slot_starts_at"], name="session_choice_one_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return str(self.block)


class ReminderSent(models.Model):
    """One reminder e-mail queued for one registration and one start of its event. The unique
    triple makes sending it twice impossible, even when two scheduler ticks overlap; the start
    is part of it so that an event that moves gets its reminders again, for the new time."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    offset_minutes = models.PositiveIntegerField()
    # The event's start the reminder was for (the time it was due is this minus the offset).
    event_starts_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "offset_minutes", "event_starts_at"],
                name="reminder_sent_once_per_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.offset_minutes} min before {self.event_starts_at}"


class CapacityCounter(models.Model):
    """Places taken (held or confirmed), one row per event and one per parallel session.

    Why a counter rather than locking the Event row and counting: the lock is held until commit,
    so its cost is everything between lock and commit. Reading one small row is constant time,
    where a count grows with the registrations; and locking the Event row would also queue the
    organiser's edits and every other write to the event behind registrations.
    Every capacity decision of an event takes the lock of the event's row here first; the
    session rows of that event are then only ever written under it, so they need no lock of
    their own (and there is no lock order between them that could deadlock).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    block = models.OneToOneField(
        AgendaBlock, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(block__isnull=True),
                name="capacity_counter_one_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block or self.event}: {self.taken}"


class EmailText(models.Model):
    """The organiser's own subject and opening of one automatic e-mail of an event, in one
    language (placeholders as in messages to registrants: ``registrations.placeholders``).
    No row: the registrant gets Aula's text, translated. The facts that follow the opening
    (time, sessions, links, calendar file, a reason given) are Aula's either way."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Place confirmed")
        WAITING = "waiting", _("On the waiting list")
        REMINDER = "reminder", _("Reminder before the start")
        EVENT_CHANGED = "event_changed", _("The event changed")
        EVENT_CANCELLED = "event_cancelled", _("The event is cancelled")
        CANCELLATION = "cancellation", _("Registration cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="email_texts")
    kind = models.CharField(_("e-mail"), max_length=32, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("opening"), max_length=5000)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("automatic e-mail text")
        verbose_name_plural = _("automatic e-mail texts")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "language"], name="email_text_once_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.kind} ({self.language})"


class FollowUp(models.TextChoices):
    """The e-mails after a held event that the organiser switches on per event."""

    SURVEY = "survey", _("Invitation to the feedback survey")
    CERTIFICATE = "certificate", _("Your certificate is ready")
    MATERIALS = "materials", _("The materials are online")


class FollowUpSwitch(models.Model):
    """Follow-up ``kind`` is switched on for ``event`` (no row: off)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=16, choices=FollowUp.choices)
    switched_on_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="follow_up_switch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.kind}"


class FollowUpSent(models.Model):
    """Follow-up ``kind`` was queued for ``registration``: the unique pair makes a second one
    impossible, whichever tick or action tries."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="follow_ups_sent"
    )
    kind = models.CharField(max_length=16, choices=FollowUp.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="follow_up_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.kind}"
