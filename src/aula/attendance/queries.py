"""Reads about attendance. ``attendees`` is the contract other areas (follow-up e-mails,
certificates, reports) code against."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.attendance import progress
from aula.attendance.models import (
    DATE_ORDERS,
    AttendanceRecord,
    ImportBatch,
    ImportJob,
    Source,
)
from aula.attendance.parsers import merged_seconds, to_minutes
from aula.events.lifecycle import after_seminar_refusal
from aula.registrations.models import Registration

Match = AttendanceRecord.Match
JOIN_LINK = "join_link"


@dataclass
class Presence:
    seconds: int | None = None
    sources: set[str] = field(default_factory=set)

    @property
    def minutes(self) -> int | None:
        return to_minutes(self.seconds)


def _presence(records, joined_ids) -> dict[int, Presence]:
    """Merge a registration's records: imported sessions of every tool as one set of
    intervals (overlaps counted once), reported totals without times added on top."""
    presence: dict[int, Presence] = {}
    intervals: dict[int, list] = {}
    sums: dict[int, int] = {}
    for registration_id, source, seconds, record_intervals in records:
        entry = presence.setdefault(registration_id, Presence())
        entry.sources.add(source)
        if source == Source.MANUAL or seconds is None:
            continue
        if record_intervals:
            intervals.setdefault(registration_id, []).extend(record_intervals)
        else:
            sums[registration_id] = sums.get(registration_id, 0) + seconds
    for registration_id, entry in presence.items():
        if registration_id in intervals or registration_id in sums:
            entry.seconds = merged_seconds(intervals.get(registration_id, ())) + sums.get(
                registration_id, 0
            )
    for registration_id in joined_ids:
        presence.setdefault(registration_id, Presence()).sources.add(JOIN_LINK)
    return presence


def _records(event):
    return AttendanceRecord.objects.filter(event=event, registration__isnull=False).values_list(
        "registration_id", "source", "seconds", "intervals"
    )


def attendees(event, registration_ids=None) -> dict[int, int | None]:
    """Registration id → minutes attended, for everyone present at the event (or, given
    ``registration_ids``, for those of them present: one page of a list).

    Minutes come from imported reports (all sessions of a person merged, overlaps counted
    once, across tools); None when the person is present without a known duration: a click on
    the personal join link or a mark by hand. Two queries.
    """
    joined = Registration.objects.filter(
        event=event, first_joined_at__isnull=False
    ).order_by().values_list("id", flat=True)
    records = _records(event)
    if registration_ids is not None:
        joined = joined.filter(id__in=registration_ids)
        records = records.filter(registration_id__in=registration_ids)
    return {
        registration_id: entry.minutes
        for registration_id, entry in _presence(records, joined).items()
    }


@dataclass
class Row:
    registration: Registration
    presence: Presence | None

    @property
    def present(self) -> bool:
        return self.presence is not None

    @property
    def marked(self) -> bool:
        return self.presence is not None and Source.MANUAL in self.presence.sources

    @property
    def source_labels(self) -> list[str]:
        if self.presence is None:
            return []
        labels = dict(Source.choices) | {JOIN_LINK: _("Join link")}
        order = [Source.ZOOM, Source.TEAMS, Source.WEBEX, JOIN_LINK, Source.MANUAL]
        return [str(labels[s]) for s in order if s in self.presence.sources]


def overview(event) -> dict:
    """Every registrant with their presence, and the event's imports. Three queries."""
    registrations = list(
        Registration.objects.filter(event=event, anonymised_at__isnull=True)
        .order_by("family_name", "first_name", "id")
    )
    joined = [r.pk for r in registrations if r.first_joined_at]
    presence = _presence(_records(event), joined)
    rows = [Row(r, presence.get(r.pk)) for r in registrations]
    return {
        "rows": rows,
        "present": sum(1 for row in rows if row.present),
        "registered": sum(1 for r in registrations if r.status != Registration.Status.CANCELLED),
        "imports": imports(event),
        "jobs": unfinished_jobs(event),
    }


# Unfinished imports older than this no longer show on the overview (their files are gone).
SHOWN_JOBS_DAYS = 7


def unfinished_jobs(event) -> list[ImportJob]:
    """The event's background imports still running, waiting for a decision or failed."""
    since = timezone.now() - timedelta(days=SHOWN_JOBS_DAYS)
    jobs = list(
        ImportJob.objects.filter(event=event, created_at__gte=since)
        .exclude(state__in=[ImportJob.State.DONE, ImportJob.State.DISCARDED])
        .select_related("started_by")[:20]
    )
    progress.attach(jobs)
    return jobs


def import_job(event, job_id: int) -> ImportJob:
    """One background import of the event (404 for another event's)."""
    job = get_object_or_404(
        ImportJob.objects.select_related("started_by", "confirmed_by", "batch"), event=event,
        pk=job_id,
    )
    progress.attach([job])
    return job


def imports(event) -> list[ImportBatch]:
    return list(
        ImportBatch.objects.filter(event=event).select_related("imported_by").annotate(
            matched=Count("records", filter=Q(records__registration__isnull=False)),
            by_name=Count("records", filter=Q(records__match=Match.NAME)),
            unmatched=Count("records", filter=Q(records__registration__isnull=True)),
        )
    )


def import_report(event, batch_id: int) -> dict:
    """One import: its rows by how they were matched, and the registrants to match by hand."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("imported_by"), event=event, pk=batch_id
    )
    groups: dict[str, list[AttendanceRecord]] = {m.value: [] for m in Match}
    records = list(batch.records.select_related("registration").order_by("name", "id"))
    for record in records:
        groups[record.match].append(record)
    date_order = records[0].details.get("date_order") if records else None
    registrants = list(
        Registration.objects.filter(event=event, anonymised_at__isnull=True)
        .order_by("family_name", "first_name").values("id", "email", "first_name", "family_name")
    )
    return {
        "batch": batch, "matched": groups[Match.EMAIL], "by_name": groups[Match.NAME],
        "by_hand": groups[Match.HAND], "unmatched": groups[Match.NONE],
        "registrants": registrants, "date_order": DATE_ORDERS.get(date_order),
    }


def record_of(event, record_id: int) -> AttendanceRecord:
    return get_object_or_404(
        AttendanceRecord.objects.select_related("event"), event=event, pk=record_id
    )


def hub_summary(event) -> dict:
    """For the event's hub: who was present, how many imports, and why attendance cannot be
    changed now (None when it can). Three queries."""
    return {"present": len(attendees(event)),
            "imports": ImportBatch.objects.filter(event=event).count(),
            "refusal": after_seminar_refusal(event)}


@dataclass(frozen=True, slots=True)
class RegistrantAttendance:
    """One registrant's presence, for the API: ``minutes`` None when present without a known
    duration (a join-link click, a mark by hand) or absent."""

    registration_id: int
    status: str
    first_name: str
    family_name: str
    email: str
    organisation: str
    attended: bool
    minutes: int | None


@dataclass(frozen=True, slots=True)
class EventAttendance:
    registered: int  # not cancelled
    attended: int
    minutes: int  # the sum of the known durations
    rows: list[RegistrantAttendance]


def event_attendance(event) -> EventAttendance:
    """Every registrant not cancelled, and anyone cancelled who was present anyway, with their
    presence (``attendees``), in registration order; erased registrants are left out of the
    rows (and counted). Three queries."""
    present = attendees(event)
    registrations = (
        Registration.objects.filter(event=event)
        .filter(~Q(status=Registration.Status.CANCELLED) | Q(pk__in=list(present)))
        .order_by("id")
        .values_list("id", "status", "first_name", "family_name", "email", "organisation",
                     "anonymised_at")
    )
    rows, registered = [], 0
    for pk, status, first, family, email, organisation, erased in registrations:
        registered += status != Registration.Status.CANCELLED
        if erased is None:
            rows.append(RegistrantAttendance(
                pk, status, first, family, email, organisation, pk in present, present.get(pk)
            ))
    return EventAttendance(
        registered=registered, attended=len(present),
        minutes=sum(m for m in present.values() if m), rows=rows,
    )
