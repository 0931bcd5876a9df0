"""Attendance follows the event's life cycle, refuses a report that belongs to another meeting
(unless imported knowingly) and records every organiser action."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from aula.attendance import services
from aula.attendance.models import AttendanceRecord, ImportBatch, Source
from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import Event
from tests.attendance.helpers import post_report, register, register_cast, sample
from tests.factories import make_event, organiser

pytestmark = pytest.mark.django_db
Match = AttendanceRecord.Match
JUNE_2021 = datetime(2021, 6, 15, 16, tzinfo=UTC)  # the samples' seminar: 18:00 in Berlin


@pytest.fixture
def event():
    return make_event(time_zone="Europe/Berlin", starts_at=JUNE_2021)


@pytest.fixture
def ana(event):
    return organiser("ana", event.project, Role.EDITOR)


def _import(event, actor=None, layout="zoom-meeting", **options):
    return services.import_report(event, f"{layout}.csv", sample(layout), actor=actor, **options)


def _entries(name):
    return list(AuditEntry.objects.filter(action=name))


# --- the report's times -------------------------------------------------------------------


def test_a_report_of_june_2021_is_refused_for_an_event_in_2027():
    event = make_event(time_zone="Europe/Berlin",
                       starts_at=datetime(2027, 1, 14, 9, tzinfo=UTC))
    # The 2027 event has not started: move the clock past it, as on the day of the import.
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    event.refresh_from_db()
    register_cast(event)
    with pytest.raises(ActionRefused, match="does not belong to this event") as refused:
        _import(event, layout="zoom-webinar")
    assert "15 June 2021" in str(refused.value) and "2027" in str(refused.value)
    assert not ImportBatch.objects.exists() and not AttendanceRecord.objects.exists()
    assert not _entries(services.IMPORTED)


@pytest.mark.parametrize("layout", ["zoom-webinar", "zoom-meeting", "teams", "teams-legacy",
                                    "webex"])
def test_every_sample_is_refused_for_another_day_and_accepted_for_its_own(layout):
    other_day = make_event(time_zone="Europe/Berlin", starts_at=JUNE_2021 + timedelta(days=1))
    with pytest.raises(ActionRefused):
        _import(other_day, layout=layout)
    own = make_event(time_zone="Europe/Berlin", starts_at=JUNE_2021)
    batch = _import(own, layout=layout)
    assert batch.times_overridden is False
    assert batch.report_starts_at.date() == batch.report_ends_at.date() == JUNE_2021.date()


def test_the_override_imports_knowingly_and_is_recorded(ana):
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2027, 1, 14, 9, tzinfo=UTC),
                       status=Event.Status.HELD)
    cast = register_cast(event)
    batch = _import(event, ana, layout="zoom-webinar", override_times=True)
    assert batch.times_overridden is True and batch.imported_by == ana
    assert batch.records.filter(registration=cast["ivana"]).exists()
    [entry] = _entries(services.IMPORTED)
    assert entry.actor == ana and entry.event_id == event.pk
    assert entry.data["override_times"] is True and entry.data["times_match"] is False
    assert entry.data["report_starts_at"].startswith("2021-06-15")


def test_the_override_changes_nothing_for_a_report_that_matches(event):
    batch = _import(event, override_times=True)
    assert batch.times_overridden is False
    assert _entries(services.IMPORTED)[0].data["override_times"] is False


@pytest.mark.parametrize(("hours_after_end", "accepted"), [(1.9, True), (2.1, False)])
def test_the_margin_is_two_hours(hours_after_end, accepted):
    assert timedelta(hours=2) == services.TIME_MARGIN
    # The samples end at 17:31 UTC; the event ends ``hours_after_end`` before they start.
    report_start = datetime(2021, 6, 15, 15, 58, tzinfo=UTC)
    ends = report_start - timedelta(hours=hours_after_end)
    event = make_event(time_zone="Europe/Berlin", starts_at=ends - timedelta(hours=3),
                       ends_at=ends)
    if accepted:
        assert _import(event).times_overridden is False
    else:
        with pytest.raises(ActionRefused):
            _import(event)


def test_a_report_with_durations_only_cannot_be_checked_and_passes(event):
    data = b"Name (Original Name),User Email,Duration (Minutes)\nAna,ana@example.org,60\n"
    batch = services.import_report(event, "d.csv", data, actor=None, source="zoom")
    assert batch.report_starts_at is None and batch.times_overridden is False


# --- the life cycle -------------------------------------------------------------------------


def _in_state(event, state):
    if state == "not started":
        event.starts_at = datetime.now(UTC) + timedelta(days=3)
        event.ends_at = event.starts_at + timedelta(hours=3)
        event.save()
    else:
        Event.objects.filter(pk=event.pk).update(status=state)
        event.refresh_from_db()
    return event


STATES = ["not started", Event.Status.DRAFT, Event.Status.CANCELLED, Event.Status.CLOSED]


@pytest.mark.parametrize("state", STATES)
def test_every_attendance_action_is_refused_outside_the_after_seminar(event, ana, state):
    cast = register_cast(event)
    batch = _import(event, ana)
    services.mark_present(event, cast["priya"].pk, actor=ana)
    kasia = batch.records.get(name="Kasia (iPad)")
    jonas = batch.records.get(registration=cast["jonas"])
    before = (ImportBatch.objects.count(), AttendanceRecord.objects.count(),
              AuditEntry.objects.count())
    event = _in_state(event, state)
    refusal = lifecycle.after_seminar_refusal(event)
    assert refusal
    actions = [
        lambda: _import(event, ana),
        lambda: services.delete_import(batch, actor=ana),
        lambda: services.match_by_hand(kasia, cast["mateo"], actor=ana),
        lambda: services.unmatch(jonas, actor=ana),
        lambda: services.mark_present(event, cast["mateo"].pk, actor=ana),
        lambda: services.unmark_present(event, cast["priya"].pk, actor=ana),
    ]
    for action in actions:
        with pytest.raises(ActionRefused) as refused:
            action()
        assert str(refused.value) == refusal
    assert (ImportBatch.objects.count(), AttendanceRecord.objects.count(),
            AuditEntry.objects.count()) == before
    kasia.refresh_from_db()
    assert kasia.registration_id is None


def test_a_held_event_takes_attendance(event, ana):
    _in_state(event, Event.Status.HELD)
    assert _import(event, ana).pk


# --- on the record ----------------------------------------------------------------------------


def test_every_action_is_recorded_with_its_actor_and_no_name(event, ana):
    cast = register_cast(event)
    batch = _import(event, ana)
    kasia = batch.records.get(name="Kasia (iPad)")
    services.match_by_hand(kasia, cast["mateo"], actor=ana)
    services.unmatch(kasia, actor=ana)
    services.mark_present(event, cast["priya"].pk, actor=ana)
    services.mark_present(event, cast["priya"].pk, actor=ana)  # twice is once, one entry
    services.unmark_present(event, cast["priya"].pk, actor=ana)
    services.delete_import(batch, actor=ana)
    names = [e.action for e in AuditEntry.objects.order_by("id")]
    assert names == [services.IMPORTED, services.MATCHED, services.UNMATCHED, services.MARKED,
                     services.UNMARKED, services.IMPORT_DELETED]
    entries = list(AuditEntry.objects.order_by("id"))
    assert all(e.actor == ana and e.event_id == event.pk for e in entries)
    matched = entries[1]
    assert matched.changes == {"match": ["none", "hand"],
                               "registration": [None, cast["mateo"].pk]}
    for entry in entries:
        text = f"{entry.target_label} {entry.data} {entry.changes}"
        assert "Kasia" not in text and "Priya" not in text and "@example.org" not in text
    assert not ImportBatch.objects.exists()


def test_the_console_refuses_a_foreign_report_and_imports_it_when_ticked(
        client, django_capture_on_commit_callbacks):
    event = make_event(time_zone="Europe/Berlin", starts_at=datetime(2027, 1, 14, 9, tzinfo=UTC),
                       status=Event.Status.HELD)
    client.force_login(organiser("ed", event.project, Role.EDITOR))

    def post(**extra):
        response = post_report(client, event, sample("zoom-meeting"),
                               django_capture_on_commit_callbacks, filename="zoom.csv", **extra)
        assert response.status_code == 302
        return client.get(response["Location"])

    page = post().content.decode()
    assert "does not belong to this event" in page and "Import anyway" in page
    assert not ImportBatch.objects.exists()
    post(override_times="on")
    batch = ImportBatch.objects.get()
    assert batch.times_overridden
    page = client.get(reverse("console:attendance", kwargs={"event_id": event.pk})).content
    assert "imported although its times do not match the event" in page.decode()


def test_the_console_shows_the_refusal_and_no_forms_for_a_cancelled_event(client, event):
    cast = register_cast(event)
    _import(event)
    lifecycle.cancel(event, actor=None)
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    page = client.get(reverse("console:attendance", kwargs={"event_id": event.pk})).content
    page = page.decode()
    assert "The event was cancelled" in page
    assert reverse("console:attendance_import", kwargs={"event_id": event.pk}) not in page
    mark = reverse("console:attendance_mark", kwargs={"event_id": event.pk,
                                                      "registration_id": cast["mateo"].pk})
    assert mark not in page
    response = client.post(mark, follow=True)
    assert "The event was cancelled" in response.content.decode()
    assert not AttendanceRecord.objects.filter(source=Source.MANUAL).exists()


def test_marks_by_hand_need_a_registrant_of_the_event(event):
    other = register(make_event(starts_at=JUNE_2021), "A", "B", "a@example.org")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.mark_present(event, other.pk, actor=None)
    assert not AuditEntry.objects.exists()
