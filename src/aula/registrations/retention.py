"""How long registrants' personal data is kept, and its erasure when due.

The rule (one function decides it: ``due_at``):

* By default an event's personal data is kept for the programme's **audit period**: in
  2021-2027, five years from 31 December of the year of the last payment to the project
  (Regulation (EU) 2021/1060 Art. 82). Attendance lists are the evidence behind the
  participation indicators, so erasing them before the period ends is as wrong as keeping them
  for ever. The owner states what they know (``Project.audit_period_ends_on``, else
  ``Project.last_payment_year``); when they have stated neither, the last payment is
  **estimated** as the year after the project's end or its last event, whichever is later
  (payments follow the final report), and the console says it is an estimate. A project with
  neither an end date nor events, and nothing stated, has no date.
* The owner may choose a **shorter** period, N months after each event's end
  (``Project.retention_months``, set on the record by ``projects.services.set_retention``):
  the earlier of the two dates applies.
* Never before the event has ended.

The erasure is the registrant erasure's own rule (``services.personal.anonymise``): what
reports and indicators count stays (status, sessions, organisation type, country, attendance
times, feedback ratings), names, addresses, answers and comments go, from certificates and
attendance rows too. The scheduler's tick runs ``erase_due_personal_data``: batch by batch,
each under the event's counter lock in its own transaction with one audit entry by Aula naming
how many and which registrations (by id), so two overlapping ticks erase each person once.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Max, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aula.audit import services as audit
from aula.events.models import Event
from aula.projects.models import Project
from aula.registrations.models import Registration
from aula.registrations.services.capacity import _lock_event, run_in_transaction
from aula.registrations.services.personal import anonymise

AUDIT_PERIOD_YEARS = 5
BATCH_SIZE = 200
# A tick erases at most this many registrations; the rest waits for the next tick, so a
# backlog (the first run on years of data) never holds the scheduler for long.
MAX_PER_TICK = 2000

RETENTION_ERASED = audit.action(
    "registration.retention_erased",
    gettext_lazy("Erased registrants' personal data at the end of its retention period"),
)


# Sent with ``event`` in the transaction of each batch, before its registrations are
# anonymised: apps above that count what erasure takes away (the reports: distinct
# organisations) keep their counts first.
personal_data_expiring = Signal()


class Basis:
    DATE = "date"          # the owner entered the audit period's end
    PAYMENT = "payment"    # the owner entered the year of the last payment
    ESTIMATE = "estimate"  # estimated from the project's end or its last event
    UNKNOWN = "unknown"    # no end date, no events: kept until the owner says


@dataclass(frozen=True, slots=True)
class AuditPeriod:
    ends_on: date | None
    basis: str

    @property
    def estimated(self) -> bool:
        return self.basis == Basis.ESTIMATE


_QUERY = object()  # audit_period: look the project's last event up when it is needed


def last_event_end(project: Project) -> datetime | None:
    return Event.objects.filter(project=project).aggregate(last=Max("ends_at"))["last"]


def audit_period(project: Project, last_event_ends_at=_QUERY) -> AuditPeriod:
    """The last day of the programme's audit period, and what it is based on.
    ``last_event_ends_at``: the end of the project's last event when the caller has it (else
    one query, only for an estimate)."""
    if project.audit_period_ends_on:
        return AuditPeriod(project.audit_period_ends_on, Basis.DATE)
    if project.last_payment_year:
        return AuditPeriod(date(project.last_payment_year + AUDIT_PERIOD_YEARS, 12, 31),
                           Basis.PAYMENT)
    if last_event_ends_at is _QUERY:
        last_event_ends_at = last_event_end(project)
    years = [moment.year for moment in (project.ends_on, last_event_ends_at) if moment]
    if years:
        # Estimated last payment: the year after the project's end, or after its last event
        # if that is later (conservative: the final payment follows the final report, which
        # follows the last activity).
        return AuditPeriod(date(max(years) + 1 + AUDIT_PERIOD_YEARS, 12, 31), Basis.ESTIMATE)
    return AuditPeriod(None, Basis.UNKNOWN)


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` ``months`` later, the day clipped to the month's length (31 Jan + 1 month:
    28 or 29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _day_after(day: date) -> datetime:
    # Midnight UTC after the last day: for Europe's zones that is the next day locally already.
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def due_at(event: Event, project: Project, period: AuditPeriod | None = None) -> datetime | None:
    """When ``event``'s personal data is due for erasure (None: no date known, kept).
    ``period``: the project's ``audit_period`` when the caller has it."""
    dates = []
    period = period or audit_period(project)
    if period.ends_on:
        dates.append(_day_after(period.ends_on))
    if project.retention_months:
        dates.append(add_months(event.ends_at.astimezone(UTC), project.retention_months))
    if not dates:
        return None
    return max(min(dates), event.ends_at)


def shorter_applies(event: Event, project: Project, period: AuditPeriod | None = None) -> bool:
    """Is the owner's shorter period what sets this event's date?"""
    if not project.retention_months:
        return False
    ends_on = (period or audit_period(project)).ends_on
    shorter = add_months(event.ends_at.astimezone(UTC), project.retention_months)
    return ends_on is None or shorter < _day_after(ends_on)


# --- the console's view of it ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventRetention:
    event: Event
    due: datetime | None
    shorter: bool
    people: int   # registrations whose personal data is still kept
    erased: int   # registrations erased already (by request or by this rule)


@dataclass(frozen=True, slots=True)
class Schedule:
    period: AuditPeriod
    events: list[EventRetention]


def schedule(project: Project) -> Schedule:
    """The project's audit period and each of its events, oldest first, with the date its
    personal data is erased and how many people that concerns (one query)."""
    events = list(
        Event.objects.filter(project=project)
        .annotate(
            n_kept=Count("registrations", filter=Q(registrations__anonymised_at__isnull=True)),
            n_erased=Count("registrations", filter=Q(registrations__anonymised_at__isnull=False)),
        )
        .order_by("ends_at", "id")
    )
    period = audit_period(project, max((e.ends_at for e in events), default=None))
    return Schedule(period, [
        EventRetention(event, due_at(event, project, period),
                       shorter_applies(event, project, period), event.n_kept, event.n_erased)
        for event in events
    ])


# --- the periodic job --------------------------------------------------------------------------


def _events_with_kept_data(now: datetime):
    """Ended events that still keep someone's personal data, with their project."""
    return (
        Event.objects.filter(ends_at__lte=now, registrations__anonymised_at__isnull=True)
        .select_related("project").distinct().order_by("ends_at", "id")
    )


def erase_due_personal_data(now: datetime | None = None, *, batch_size: int = BATCH_SIZE,
                            limit: int = MAX_PER_TICK) -> int:
    """The scheduler's tick: erase the personal data of every event whose retention period is
    over, at most ``limit`` registrations per run. Returns how many were erased."""
    now = now or timezone.now()
    erased = 0
    periods: dict[int, AuditPeriod] = {}
    for event in _events_with_kept_data(now):
        if event.project_id not in periods:
            periods[event.project_id] = audit_period(event.project)
        due = due_at(event, event.project, periods[event.project_id])
        if due is None or due > now:
            continue
        while erased < limit:
            done = _erase_batch(event.pk, now, min(batch_size, limit - erased))
            erased += done
            if done == 0:
                break
        if erased >= limit:
            break
    return erased


def _erase_batch(event_id: int, now: datetime, size: int) -> int:
    """One batch of an event, under its counter lock: the due date checked again on the rows
    as they are now (an owner may just have changed the period; another tick may have erased
    them), each registration anonymised, one audit entry."""

    def locked() -> int:
        counter = _lock_event(event_id)
        event = counter.event
        project = Project.objects.get(pk=event.project_id)
        period = audit_period(project)
        due = due_at(event, project, period)
        if due is None or due > now:
            return 0
        batch = list(
            Registration.objects.filter(event_id=event_id, anonymised_at__isnull=True)
            .order_by("pk")[:size]
        )
        if batch:
            personal_data_expiring.send(sender=Event, event=event)
        for registration in batch:
            anonymise(registration, now)
        if batch:
            audit.record(None, RETENTION_ERASED, event, data={
                "registrations": len(batch),
                "ids": [registration.pk for registration in batch],
                "due": due,
                "rule": "shorter" if shorter_applies(event, project, period) else period.basis,
            })
        return len(batch)

    return run_in_transaction(locked)
