"""A seminar, its agenda (blocks in time order, parallel sessions sharing a slot) and people."""

import uuid
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.core.fields import RenderedMarkdownField, Translatable, TranslatedTextField
from aula.core.images import event_image_path
from aula.core.text import single_line
from aula.projects.models import Partner, Project


def validate_time_zone(name: str) -> None:
    if name not in available_time_zones():
        raise ValidationError(
            _("%(name)s is not a time zone name such as Europe/Vilnius."),
            params={"name": name}, code="time_zone",
        )


def available_time_zones() -> set[str]:
    if not hasattr(available_time_zones, "cache"):
        available_time_zones.cache = zoneinfo.available_timezones()
    return available_time_zones.cache


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_time_zones()) if "/" in name or name == "UTC"]


class Person(Translatable, models.Model):
    """Someone on the agenda: a speaker, a moderator, whoever closes the seminar. A person
    belongs to one project: only that project's events list them and may put them on their
    agenda (``ItemRole.clean``), so one project's draft speaker is nobody else's to see.

    ``project`` is empty only for people the migration found on no event when no project existed
    (they can be attached nowhere until the admin gives them one); a new person needs one."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="people", null=True,
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    job_title = TranslatedTextField(_("job title"), max_length=300)
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[single_line]
    )
    bio = TranslatedTextField(_("biography"), multiline=True, max_length=5000)
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class EventQuerySet(models.QuerySet):
    def published(self):
        """Events the public may see: every state but draft (a held, closed or cancelled
        event keeps its page)."""
        return self.exclude(status=Event.Status.DRAFT)

    def counting(self):
        """Events whose participation counts in reports: not cancelled, not drafts."""
        return self.filter(status__in=Event.COUNTING)


class Event(Translatable, models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        # The moves between them are written once, in aula.events.lifecycle.
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    COUNTING = (Status.PUBLISHED, Status.HELD, Status.CLOSED)

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="events", verbose_name=_("project")
    )
    host_partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="hosted_events",
        verbose_name=_("hosting partner"),
    )
    slug = models.SlugField(_("address name"), max_length=80)
    uid = models.UUIDField(
        _("calendar identifier"), default=uuid.uuid4, unique=True, editable=False,
        help_text=_("Stable iCalendar UID, so calendars update the event instead of adding it."),
    )
    primary_language = models.CharField(
        _("primary language"), max_length=8, choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Shown where a text has no translation in the visitor's language."),
    )
    title = TranslatedTextField(_("title"), max_length=300, blank=False)
    summary = TranslatedTextField(_("summary"), multiline=True, max_length=1000)
    description = TranslatedTextField(_("description"), multiline=True, max_length=20000)
    summary_html = RenderedMarkdownField(source="summary")
    description_html = RenderedMarkdownField(source="description")
    # An optional illustration shown under the title (``core.images``: raster only, random name).
    image = models.ImageField(
        _("image"), upload_to=event_image_path, blank=True, max_length=200, editable=False
    )
    image_alt = TranslatedTextField(_("image description (alt text)"), max_length=300)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.ONLINE
    )
    location = TranslatedTextField(
        _("location"), max_length=300, help_text=_("e.g. online, from Kaunas")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_time_zone],
        help_text=_("IANA name of the zone the event is held in, e.g. Europe/Vilnius. "
                    "Times on this form are entered in this zone."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    meeting_url = models.URLField(
        _("meeting address"), max_length=500, blank=True,
        help_text=_("Never shown publicly: registrants reach it through their personal link."),
    )
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[single_line]
    )
    contact_role = TranslatedTextField(_("contact person's role"), max_length=200)
    contact_organisation = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("contact person's organisation"),
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=[single_line]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(
        _("reason for the cancellation"), blank=True, max_length=2000,
        help_text=_("Told to the registrants and shown on the event's page."),
    )
    sequence = models.PositiveIntegerField(
        _("calendar revision"), default=0, editable=False,
        help_text=_("iCalendar SEQUENCE, raised whenever the time or status changes."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "slug"], name="event_slug_unique_in_project",
                violation_error_message=_("Another event of this project has this address."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="event_registration_closes_after_opening",
                violation_error_message=_("Registration must close after it opens."),
            ),
        ]
        indexes = [models.Index(fields=["project", "status", "starts_at"])]

    def __str__(self) -> str:
        return self.text("title", self.primary_language).text or self.slug

    def content_language(self) -> str:
        return self.primary_language

    def clean(self):
        errors = {}
        if not (self.title or {}).get(self.primary_language):
            errors["title"] = _("Give the title in the primary language (%(lang)s).") % {
                "lang": self.get_primary_language_display()
            }
        if self.project_id:
            for field in ("host_partner", "contact_organisation"):
                partner = getattr(self, field)
                if partner is not None and partner.project_id != self.project_id:
                    errors[field] = _("Choose a partner of this event's project.")
        closes, ends = self.registration_closes_at, self.ends_at
        if closes and ends and closes > ends:
            errors["registration_closes_at"] = _("Registration cannot close after the event ends.")
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        # Not cached on the instance: time_zone may change (a form, a re-import) after first use.
        # ZoneInfo keeps its own cache, so this is cheap.
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.tz)

    @property
    def local_start(self) -> datetime:
        return self.local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return self.local(self.ends_at)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def is_past(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or timezone.now())


class AgendaBlock(Translatable, models.Model):
    """A part of the agenda. Parallel blocks with the same start and end form one slot, each a
    session of its own that a registrant chooses between."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        PARALLEL = "parallel", _("Parallel session")
        BREAK = "break", _("Break")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PLENARY)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    title = TranslatedTextField(_("title"), max_length=300)
    description = TranslatedTextField(_("description"), multiline=True, max_length=5000)
    description_html = RenderedMarkdownField(source="description")
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True,
        help_text=_("Parallel sessions only; leave empty for no limit of its own."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Left-to-right order of parallel sessions in a slot.")
    )

    class Meta:
        verbose_name = _("agenda block")
        verbose_name_plural = _("agenda blocks")
        ordering = ["starts_at", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="block_ends_after_start",
                violation_error_message=_("A block must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="parallel") | models.Q(capacity__isnull=True),
                name="block_capacity_only_for_parallel",
                violation_error_message=_("Only parallel sessions have a capacity of their own."),
            ),
        ]

    def __str__(self) -> str:
        # Times in the event's zone, the one organisers enter them in (agenda problems quote
        # blocks by this); UTC when the block has no event (yet) or the event's zone is invalid.
        title = self.text("title", settings.LANGUAGE_CODE).text or self.get_kind_display()
        if self.starts_at is None or self.ends_at is None:
            return title
        if timezone.is_naive(self.starts_at) or timezone.is_naive(self.ends_at):
            return f"{title} ({self.starts_at:%H:%M}–{self.ends_at:%H:%M})"
        event = self.event if self.event_id or AgendaBlock.event.is_cached(self) else None
        zone = event.time_zone if event and event.time_zone in available_time_zones() else "UTC"
        tz = zoneinfo.ZoneInfo(zone)
        start, end = timezone.localtime(self.starts_at, tz), timezone.localtime(self.ends_at, tz)
        return f"{title} ({start:%H:%M}–{end:%H:%M} {zone})"

    @property
    def is_parallel(self) -> bool:
        return self.kind == self.Kind.PARALLEL


def check_agenda(event: Event, blocks: list[AgendaBlock]) -> list[str]:
    """Problems with an agenda as a whole, in words for the organiser; empty when it is sound.

    Blocks lie within the event; two blocks may overlap only when both are parallel sessions
    of one slot, which means the same start and end.
    """
    problems = []
    ordered = sorted(blocks, key=lambda b: (b.starts_at, b.ends_at))
    for block in ordered:
        if block.starts_at < event.starts_at or block.ends_at > event.ends_at:
            problems.append(
                _("“%(block)s” lies outside the event's start and end.") % {"block": block}
            )
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:]:
            if second.starts_at >= first.ends_at:
                break
            same_slot = (first.starts_at, first.ends_at) == (second.starts_at, second.ends_at)
            if not (first.is_parallel and second.is_parallel and same_slot):
                problems.append(
                    _("“%(a)s” and “%(b)s” overlap. Only parallel sessions may share a time "
                      "slot, and then they start and end together.") % {"a": first, "b": second}
                )
    return problems


class AgendaItem(Translatable, models.Model):
    block = models.ForeignKey(
        AgendaBlock, on_delete=models.CASCADE, related_name="items", verbose_name=_("block")
    )
    title = TranslatedTextField(_("title"), max_length=400, blank=False)
    description = TranslatedTextField(_("description"), multiline=True, max_length=5000)
    description_html = RenderedMarkdownField(source="description")
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    presenters = TranslatedTextField(
        _("presenters not listed by name"), max_length=400,
        help_text=_("e.g. the five project partners; for people not named on the programme."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    people = models.ManyToManyField(
        Person, through="ItemRole", related_name="agenda_items", verbose_name=_("people")
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        # Timed items by time, then the untimed ones; ``order`` among items of one time (the
        # console's up/down). As ``events.agenda.item_place`` sorts them.
        ordering = [models.F("starts_at").asc(nulls_last=True), "order", "id"]

    def __str__(self) -> str:
        return self.text("title", settings.LANGUAGE_CODE).text

    def clean(self):
        block = getattr(self, "block", None)
        if (
            block is not None
            and None not in (self.starts_at, block.starts_at, block.ends_at)
            and not (block.starts_at <= self.starts_at < block.ends_at)
        ):
            raise ValidationError({"starts_at": _("The item's time lies outside its block.")})


class ItemRole(models.Model):
    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        CLOSING_REMARKS = "closing", _("Closing remarks")
        PANELLIST = "panellist", _("Panellist")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("person on the agenda")
        verbose_name_plural = _("people on the agenda")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "person", "role"], name="item_person_role_unique",
                violation_error_message=_("This person already has this role in this item."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name}: {self.get_role_display()}"

    def clean(self):
        # People belong to a project: an agenda names only people of its event's project.
        if self.item_id is None or self.person_id is None:
            return
        project_id = (
            AgendaItem.objects.filter(pk=self.item_id)
            .values_list("block__event__project_id", flat=True).first()
        )
        if self.person.project_id != project_id:
            raise ValidationError(
                {"person": _("This person belongs to another project: add them to this "
                             "project's people first.")},
                code="other_project",
            )
