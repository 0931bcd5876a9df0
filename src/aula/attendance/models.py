"""Who attended an event: imported reports of video-meeting tools, join-link clicks (on the
registration itself) and marks the organiser sets by hand."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.attendance.parsers import to_minutes
from aula.events.models import Event
from aula.registrations.models import Registration


class Source(models.TextChoices):
    ZOOM = "zoom", _("Zoom")
    TEAMS = "teams", _("Microsoft Teams")
    WEBEX = "webex", _("Webex")
    MANUAL = "manual", _("Marked by hand")


IMPORT_SOURCES = frozenset({Source.ZOOM, Source.TEAMS, Source.WEBEX})
LAYOUTS = {
    "zoom-webinar": _("Zoom webinar attendee report"),
    "zoom-meeting": _("Zoom meeting participants"),
    "teams": _("Teams attendance report"),
    "teams-legacy": _("Teams attendance list (2020 layout)"),
    "webex": _("Webex attendees"),
    "other": _("Layout not recognised, read by its columns"),
}
DATE_ORDERS = {"mdy": _("month first"), "dmy": _("day first")}


class ImportBatch(models.Model):
    """One imported report file. A newer import of the same tool replaces the older one."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendance_imports", verbose_name=_("event")
    )
    source = models.CharField(_("tool"), max_length=16, choices=Source.choices)
    layout = models.CharField(_("layout"), max_length=40, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("imported by"),
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    people = models.PositiveIntegerField(_("people"), default=0)
    skipped = models.JSONField(_("rows skipped"), default=list, blank=True)
    # The span of the report's own times (None when it gives durations only), and whether the
    # organiser imported it knowing they do not match the event's (recorded, never silent).
    report_starts_at = models.DateTimeField(_("first time in the report"), null=True, blank=True)
    report_ends_at = models.DateTimeField(_("last time in the report"), null=True, blank=True)
    times_overridden = models.BooleanField(
        _("imported although its times do not match the event"), default=False
    )

    class Meta:
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["event", "source"], name="attendance_import_source")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.filename}"

    @property
    def layout_label(self):
        return LAYOUTS.get(self.layout, self.layout)


class AttendanceRecord(models.Model):
    """One person's presence at an event, from one source: an imported row group (every
    session of the same person merged) or a mark by hand."""

    class Match(models.TextChoices):
        EMAIL = "email", _("By e-mail")
        NAME = "name", _("By name (to check)")
        HAND = "hand", _("By hand")
        NONE = "none", _("Not matched")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendance_records", verbose_name=_("event")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True,
        related_name="attendance_records", verbose_name=_("registration"),
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="records",
        verbose_name=_("import"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    match = models.CharField(_("matched"), max_length=8, choices=Match.choices,
                             default=Match.NONE)
    name = models.CharField(_("name"), max_length=255, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    # Who the row group is (normalised e-mail, else name): carries a hand match over a re-import.
    person_key = models.CharField(max_length=300, blank=True)
    first_join = models.DateTimeField(_("first join"), null=True, blank=True)
    last_leave = models.DateTimeField(_("last leave"), null=True, blank=True)
    # Seconds present, overlaps of rejoins counted once; None when unknown (a mark by hand).
    seconds = models.PositiveIntegerField(_("seconds present"), null=True, blank=True)
    # [[join ISO, leave ISO], ...] in UTC: merged across records of the same person.
    intervals = models.JSONField(_("sessions"), default=list, blank=True)
    sessions = models.PositiveIntegerField(_("rows in the report"), default=0)
    details = models.JSONField(_("row data"), default=dict, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("marked by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "registration"], condition=models.Q(source="manual"),
                name="attendance_one_manual_mark",
            ),
            models.CheckConstraint(
                condition=models.Q(source="manual") | models.Q(batch__isnull=False),
                name="attendance_import_has_batch",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="manual") | models.Q(registration__isnull=False),
                name="attendance_manual_has_registration",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "registration"], name="attendance_event_reg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.name or self.email}"

    @property
    def report_rows(self) -> list[dict]:
        """The rows of the report this record merges, times as datetimes, for display."""
        rows = []
        for row in (self.details or {}).get("rows", []):
            rows.append({
                **row,
                "join": datetime.fromisoformat(row["join"]) if row.get("join") else None,
                "leave": datetime.fromisoformat(row["leave"]) if row.get("leave") else None,
                "minutes": to_minutes(row.get("seconds")),
            })
        return rows

    @property
    def minutes(self) -> int | None:
        return to_minutes(self.seconds)


class ImportJob(models.Model):
    """A report being imported in the background (``attendance.jobs``): the uploaded file,
    kept in private storage until the import ends, the organiser's options, and the progress
    that the console shows."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        NEEDS_CONFIRMATION = "confirm", _("Times do not match: waiting for your decision")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    WORKING = (State.QUEUED, State.RUNNING)
    # A job queued or running without a sign of life for this long has lost its worker (a
    # worker writes progress every few thousand rows, within seconds).
    LEASE = timedelta(minutes=5)
    # How far its transaction has saved, from the cache (``progress.attach``); not a column.
    saving = None

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendance_jobs", verbose_name=_("event")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.QUEUED)
    # Raised by each start or retry: a task of an earlier attempt does nothing.
    attempt = models.PositiveIntegerField(default=1)
    filename = models.CharField(_("file name"), max_length=255)
    # The uploaded file's name in the private storage; "" once deleted.
    stored_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    time_zone = models.CharField(_("time zone"), max_length=64)
    date_order = models.CharField(max_length=8, default="auto")
    source = models.CharField(max_length=16, default="auto")
    replace = models.BooleanField(default=True)
    override_times = models.BooleanField(
        _("imported although its times do not match the event"), default=False
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("started by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("imported knowingly by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # Written with every change of state or progress: a job queued or running whose
    # heartbeat is older than ``jobs.LEASE`` has lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"))
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    people = models.PositiveIntegerField(_("people"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("not matched"), default=0)
    skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    report_starts_at = models.DateTimeField(_("first time in the report"), null=True, blank=True)
    report_ends_at = models.DateTimeField(_("last time in the report"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("attendance import job")
        verbose_name_plural = _("attendance import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "state"], name="attendance_job_state")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def lost(self) -> bool:
        """Queued or running, but no worker has shown a sign of life within the lease."""
        return self.state in self.WORKING and self.heartbeat_at < timezone.now() - self.LEASE

    @property
    def can_confirm(self) -> bool:
        return self.state == self.State.NEEDS_CONFIRMATION and bool(self.stored_name)

    @property
    def can_retry(self) -> bool:
        """Failed (its file kept) or lost its worker: ``jobs.retry`` queues it again."""
        return bool(self.stored_name) and (self.state == self.State.FAILED or self.lost)

    @property
    def can_discard(self) -> bool:
        return self.can_confirm or self.can_retry

    @property
    def ended(self) -> bool:
        return not (self.working or self.lost or self.can_confirm or self.can_retry)

    @property
    def working(self) -> bool:
        return self.state in self.WORKING and not self.lost

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_read * 100 // self.rows_total)
