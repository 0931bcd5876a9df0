"""Writes about attendance: importing a report, matching its rows to registrations, marks by
hand. Each function is one transaction."""

import hashlib
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aula.attendance.models import IMPORT_SOURCES, AttendanceRecord, ImportBatch, Source
from aula.attendance.parsers import Person, ReportError, name_key, normalise_email, parse_report
from aula.events.models import Event
from aula.registrations.models import Registration

Match = AttendanceRecord.Match


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


def import_report(event, filename: str, data: bytes, user=None, time_zone: str = "",
                  date_order: str = "auto", replace: bool = True,
                  source: str = "auto") -> ImportBatch:
    """Import one report file. A newer import of the same tool replaces the older one (or,
    with ``replace=False``, adds a further session such as a second day, but the same file is
    never counted twice). The organiser's matches by hand and refused name matches on the
    replaced import carry over to the same people.
    Raises ReportError, importing nothing, when the file cannot be read."""
    zone = ZoneInfo(time_zone or event.time_zone)
    report = parse_report(data, zone, date_order, source)
    people = report.people()
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        # One import of an event at a time: two at once must not both keep their rows.
        Event.objects.select_for_update().filter(pk=event.pk).first()
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
        old.delete()
        batch = ImportBatch.objects.create(
            event=event, source=report.source, layout=report.layout,
            filename=(filename or "")[:255], sha256=sha256, imported_by=user,
            rows_read=len(report.sessions), people=len(people),
            skipped=report.skipped[:500],
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
        AttendanceRecord.objects.bulk_create(records)
    return batch


def delete_import(batch: ImportBatch) -> None:
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


def match_by_hand(record: AttendanceRecord, registration: Registration, user=None) -> None:
    if record.source not in IMPORT_SOURCES:
        raise ValidationError(_("Only imported rows can be matched."))
    registration = _registration_of(record.event, registration.pk)
    record.registration = registration
    record.match = Match.HAND
    record.marked_by = user
    record.save(update_fields=["registration", "match", "marked_by"])


def unmatch(record: AttendanceRecord) -> None:
    if record.source not in IMPORT_SOURCES:
        raise ValidationError(_("Only imported rows can be matched."))
    if record.match == Match.NAME and record.registration_id:
        # Remembered, so that a re-import does not match the same name to them again.
        refused = set(record.details.get("refused", [])) | {record.registration_id}
        record.details = {**record.details, "refused": sorted(refused)}
    record.registration = None
    record.match = Match.NONE
    record.save(update_fields=["registration", "match", "details"])


def mark_present(event, registration_id: int, user=None) -> AttendanceRecord:
    registration = _registration_of(event, registration_id)
    with transaction.atomic():
        record, _created = AttendanceRecord.objects.get_or_create(
            event=event, registration=registration, source=Source.MANUAL,
            defaults={"match": Match.HAND, "name": registration.full_name,
                      "email": registration.email, "marked_by": user},
        )
    return record


def unmark_present(event, registration_id: int) -> int:
    """Remove the mark by hand (imports and join-link clicks stay what they are)."""
    deleted, _by_model = AttendanceRecord.objects.filter(
        event=event, registration_id=registration_id, source=Source.MANUAL
    ).delete()
    return deleted


__all__ = [
    "ReportError", "delete_import", "import_report", "mark_present", "match_by_hand",
    "match_person", "registration_by_email", "unmark_present", "unmatch",
]


def forget_registration(registration) -> int:
    """On erasure: the imported rows' own copy of the person's name, e-mail and row data goes;
    the times stay on the (anonymised) registration, so attendance counts stay right."""
    return AttendanceRecord.objects.filter(registration=registration).update(
        name="", email="", person_key="", details={}
    )
