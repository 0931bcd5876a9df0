"""Writes about attendance: importing a report, matching its rows to registrations, marks by
hand. Each organiser action is one function taking the acting person (``actor``), run in one
transaction with its audit entry, and refused (``ActionRefused``) unless the event's life cycle
allows attendance now (``events.lifecycle.after_seminar_refusal``).

A report whose times do not overlap the event (with ``TIME_MARGIN`` either side) is refused: it
belongs to another meeting. The organiser may import it anyway, knowingly
(``override_times=True``); the import and its audit entry say so."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.attendance.models import IMPORT_SOURCES, AttendanceRecord, ImportBatch, Source
from aula.attendance.parsers import (
    Person,
    Report,
    ReportError,
    name_key,
    normalise_email,
    parse_report,
)
from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.core.timefmt import format_range
from aula.events.lifecycle import require_after_seminar
from aula.events.models import Event
from aula.registrations.models import Registration
from aula.webhooks import services as webhooks

Match = AttendanceRecord.Match

# How far a report's times may lie outside the event's start and end and still belong to it
# (people join early, the host stays late, a clock is off).
TIME_MARGIN = timedelta(hours=2)
# People saved per INSERT (and between two reports of progress).
SAVE_BATCH = 1000

IMPORTED = audit.action("attendance.imported", gettext_lazy("Imported an attendance report"))
IMPORT_DELETED = audit.action("attendance.import_deleted",
                              gettext_lazy("Deleted an attendance import"))
MATCHED = audit.action("attendance.matched", gettext_lazy("Matched an attendance row by hand"))
UNMATCHED = audit.action("attendance.unmatched",
                         gettext_lazy("Removed the match of an attendance row"))
MARKED = audit.action("attendance.marked", gettext_lazy("Marked a registrant present"))
UNMARKED = audit.action("attendance.unmarked",
                        gettext_lazy("Removed a registrant's mark of presence"))


def _registration_maps(event):
    """E-mail → id and name key → ids of the event's registrations (erased ones excluded)."""
    by_email: dict[str, int] = {}
    by_name: dict[str, set[int]] = {}
    rows = Registration.objects.filter(event=event, anonymised_at__isnull=True).values_list(
        "id", "email", "first_name", "family_name"
    )
    for registration_id, email, first_name, family_name in rows:
        by_email[normalise_email(email)] = registration_id
        key = name_key(f"{first_name} {family_name}")
        if key:
            by_name.setdefault(key, set()).add(registration_id)
    return by_email, by_name


def match_person(person: Person, by_email, by_name) -> tuple[int | None, str]:
    """By e-mail first; else by name when exactly one registration answers to the names the
    person used (display name, Zoom's original name, first and last name columns)."""
    email = normalise_email(person.email)
    if email and email in by_email:
        return by_email[email], Match.EMAIL
    found: set[int] = set()
    for key in person.names:
        found |= by_name.get(key, set())
    if len(found) == 1:
        return next(iter(found)), Match.NAME
    return None, Match.NONE


def report_span(report: Report) -> tuple[datetime | None, datetime | None]:
    """The first and last time the report gives (joins and leaves); None when it has none."""
    times = [t for session in report.sessions for t in (session.join, session.leave) if t]
    return (min(times), max(times)) if times else (None, None)


def times_match(event: Event, starts_at: datetime | None, ends_at: datetime | None) -> bool:
    """Whether a report spanning ``starts_at``–``ends_at`` overlaps the event, give or take
    ``TIME_MARGIN``. A report without times (durations only) cannot be checked: it passes."""
    if starts_at is None or ends_at is None:
        return True
    return starts_at <= event.ends_at + TIME_MARGIN and ends_at >= event.starts_at - TIME_MARGIN


def times_mismatch_message(event: Event, starts_at: datetime, ends_at: datetime) -> str:
    return _(
        "This report does not belong to this event: its times (%(report)s) do not overlap the "
        "event's (%(event)s), even with %(hours)d hours either side. Nothing was imported. "
        "Check the file and the event; if the report is the right one, tick “Import anyway: I "
        "know the times do not match”."
    ) % {
        "report": format_range(starts_at, ends_at, event.time_zone),
        "event": format_range(event.starts_at, event.ends_at, event.time_zone),
        "hours": int(TIME_MARGIN.total_seconds() // 3600),
    }


def _locked_event(event) -> Event:
    """The event, locked for this transaction, once its life cycle allows attendance."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    require_after_seminar(locked)
    return locked


class TimesMismatch(ActionRefused):
    """The report's times do not overlap the event's (the message says so); importing it
    needs the organiser's knowing ``override_times``. Carries the report's span."""

    def __init__(self, message: str, starts_at: datetime, ends_at: datetime):
        super().__init__(message)
        self.starts_at, self.ends_at = starts_at, ends_at


def read_report(event, data: bytes, *, time_zone: str = "", date_order: str = "auto",
                source: str = "auto", progress=None) -> Report:
    """The parsed report (``parsers.parse_report`` in the zone the organiser chose)."""
    zone = ZoneInfo(time_zone or event.time_zone)
    return parse_report(data, zone, date_order, source, progress=progress)


def import_report(event, filename: str, data: bytes, *, actor, time_zone: str = "",
                  date_order: str = "auto", replace: bool = True, source: str = "auto",
                  override_times: bool = False) -> ImportBatch:
    """Import one report file. A newer import of the same tool replaces the older one (or,
    with ``replace=False``, adds a further session such as a second day, but the same file is
    never counted twice). The organiser's matches by hand and refused name matches on the
    replaced import carry over to the same people.
    Raises ReportError, importing nothing, when the file cannot be read; ActionRefused when
    the event takes no attendance now, or (``TimesMismatch``) when the report's times do not
    match the event's and ``override_times`` is not set."""
    report = read_report(event, data, time_zone=time_zone, date_order=date_order,
                         source=source)
    return import_read_report(event, filename, report, hashlib.sha256(data).hexdigest(),
                              actor=actor, replace=replace, override_times=override_times)


def import_read_report(event, filename: str, report: Report, sha256: str, *, actor,
                       replace: bool = True, override_times: bool = False,
                       progress=None) -> ImportBatch:
    """``import_report`` of a report already read (the background import reads it first,
    showing its progress). The same rules, in one transaction with its audit entry.
    ``progress(people_saved, people_total)`` is called after each ``SAVE_BATCH`` saved."""
    people = report.people()
    first, last = report_span(report)
    with transaction.atomic():
        # One import of an event at a time: two at once must not both keep their rows.
        event = _locked_event(event)
        outside = not times_match(event, first, last)
        if outside and not override_times:
            raise TimesMismatch(times_mismatch_message(event, first, last), first, last)
        old = ImportBatch.objects.filter(event=event, source=report.source)
        if not replace:
            old = old.filter(sha256=sha256)
        # The organiser's decisions on the replaced import carry over to the same people:
        # matches by hand, and name matches they refused.
        carried, refused = {}, {}
        decided = AttendanceRecord.objects.filter(batch__in=old).filter(
            Q(match=Match.HAND) | Q(details__has_key="refused")
        ).values_list("person_key", "match", "registration_id", "details")
        for key, match, registration_id, details in decided:
            if match == Match.HAND and registration_id:
                carried[key] = registration_id
            refused.setdefault(key, set()).update(details.get("refused", []))
        replaced = list(old.values_list("pk", flat=True))
        old.delete()
        batch = ImportBatch.objects.create(
            event=event, source=report.source, layout=report.layout,
            filename=(filename or "")[:255], sha256=sha256, imported_by=actor,
            rows_read=len(report.sessions), people=len(people),
            skipped=report.skipped[:500], report_starts_at=first, report_ends_at=last,
            times_overridden=outside,
        )
        by_email, by_name = _registration_maps(event)
        valid_ids = set(by_email.values())
        records = []
        for person in people:
            registration_id, match = match_person(person, by_email, by_name)
            if match == Match.NAME and registration_id in refused.get(person.key, ()):
                registration_id, match = None, Match.NONE
            if match != Match.EMAIL and carried.get(person.key) in valid_ids:
                registration_id, match = carried[person.key], Match.HAND
            records.append(AttendanceRecord(
                event=event, batch=batch, source=report.source, registration_id=registration_id,
                match=match, name=person.name[:255], email=person.email[:254],
                person_key=person.key[:300], first_join=person.first_join,
                last_leave=person.last_leave, seconds=person.seconds,
                intervals=[[a.isoformat(), b.isoformat()] for a, b in person.intervals],
                sessions=len(person.sessions),
                details={
                    **({"refused": sorted(refused[person.key])} if refused.get(person.key)
                       else {}),
                    "date_order": report.date_order,
                    "roles": sorted({s.role for s in person.sessions if s.role}),
                    "rows": [s.as_dict() for s in person.sessions][:100],
                },
            ))
        for start in range(0, len(records), SAVE_BATCH):
            AttendanceRecord.objects.bulk_create(records[start:start + SAVE_BATCH])
            if progress:
                progress(min(start + SAVE_BATCH, len(records)), len(records))
        audit.record(actor, IMPORTED, batch, event=event, data={
            "source": report.source, "layout": report.layout, "rows": len(report.sessions),
            "people": len(people), "matched": sum(1 for r in records if r.registration_id),
            "replace": replace, "replaced": replaced, "sha256": sha256,
            "report_starts_at": first, "report_ends_at": last,
            "times_match": not outside, "override_times": outside,
        })
        # The project's webhooks: counts only, never the people.
        webhooks.emit(event.project_id, "attendance.imported", {
            "event_id": event.pk, "import_id": batch.pk, "source": report.source,
            "people": len(people), "matched": sum(1 for r in records if r.registration_id),
            "rows": len(report.sessions), "replaced": len(replaced),
        })
    return batch


def delete_import(batch: ImportBatch, *, actor) -> None:
    with transaction.atomic():
        event = _locked_event(batch.event)
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk, event=event)
        audit.record(actor, IMPORT_DELETED, batch, event=event, data={
            "source": batch.source, "people": batch.people,
            "times_overridden": batch.times_overridden,
        })
        batch.delete()


def _registration_of(event, registration_id) -> Registration:
    registration = Registration.objects.filter(
        event=event, pk=registration_id, anonymised_at__isnull=True
    ).first()
    if registration is None:
        raise ValidationError(_("Choose a registrant of this event."))
    return registration


def registration_by_email(event, email: str) -> Registration:
    """The event's registrant with this address (as typed by the organiser)."""
    email = normalise_email(email)
    registration = Registration.objects.filter(
        event=event, email__iexact=email, anonymised_at__isnull=True
    ).first() if email else None
    if registration is None:
        raise ValidationError(_("No registrant of this event has this e-mail address."))
    return registration


MATCH_FIELDS = ("registration", "match")


def _record_match(actor, name, record, event, before) -> None:
    # The row's name and e-mail are personal data: the log names the row by its id only.
    audit.record(actor, name, record, event=event, label=f"#{record.pk}",
                 changes=audit.changes_between(before, audit.snapshot(record, MATCH_FIELDS)))


@transaction.atomic
def match_by_hand(record: AttendanceRecord, registration: Registration, *,
                  actor) -> AttendanceRecord:
    event = _locked_event(record.event)
    record = AttendanceRecord.objects.select_for_update().get(pk=record.pk, event=event)
    if record.source not in IMPORT_SOURCES:
        raise ValidationError(_("Only imported rows can be matched."))
    registration = _registration_of(event, registration.pk)
    before = audit.snapshot(record, MATCH_FIELDS)
    record.registration = registration
    record.match = Match.HAND
    record.marked_by = actor
    record.save(update_fields=["registration", "match", "marked_by"])
    _record_match(actor, MATCHED, record, event, before)
    return record


@transaction.atomic
def unmatch(record: AttendanceRecord, *, actor) -> AttendanceRecord:
    event = _locked_event(record.event)
    record = AttendanceRecord.objects.select_for_update().get(pk=record.pk, event=event)
    if record.source not in IMPORT_SOURCES:
        raise ValidationError(_("Only imported rows can be matched."))
    before = audit.snapshot(record, MATCH_FIELDS)
    if record.match == Match.NAME and record.registration_id:
        # Remembered, so that a re-import does not match the same name to them again.
        refused = set(record.details.get("refused", [])) | {record.registration_id}
        record.details = {**record.details, "refused": sorted(refused)}
    record.registration = None
    record.match = Match.NONE
    record.save(update_fields=["registration", "match", "details"])
    _record_match(actor, UNMATCHED, record, event, before)
    return record


@transaction.atomic
def mark_present(event, registration_id: int, *, actor) -> AttendanceRecord:
    event = _locked_event(event)
    registration = _registration_of(event, registration_id)
    record, created = AttendanceRecord.objects.get_or_create(
        event=event, registration=registration, source=Source.MANUAL,
        defaults={"match": Match.HAND, "name": registration.full_name,
                  "email": registration.email, "marked_by": actor},
    )
    if created:
        audit.record(actor, MARKED, registration, event=event)
    return record


@transaction.atomic
def unmark_present(event, registration_id: int, *, actor) -> int:
    """Remove the mark by hand (imports and join-link clicks stay what they are)."""
    event = _locked_event(event)
    registration = Registration.objects.filter(event=event, pk=registration_id).first()
    deleted, _by_model = AttendanceRecord.objects.filter(
        event=event, registration_id=registration_id, source=Source.MANUAL
    ).delete()
    if deleted and registration is not None:
        audit.record(actor, UNMARKED, registration, event=event)
    return deleted


__all__ = [
    "TIME_MARGIN", "ActionRefused", "ReportError", "TimesMismatch", "delete_import",
    "import_read_report", "import_report", "read_report",
    "mark_present", "match_by_hand", "match_person", "registration_by_email", "report_span",
    "times_match", "unmark_present", "unmatch",
]


def forget_registration(registration) -> int:
    """On erasure: the imported rows' own copy of the person's name, e-mail and row data goes;
    the times stay on the (anonymised) registration, so attendance counts stay right."""
    return AttendanceRecord.objects.filter(registration=registration).update(
        name="", email="", person_key="", details={}
    )
