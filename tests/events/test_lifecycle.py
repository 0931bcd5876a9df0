"""The event's life cycle (events.lifecycle): every move allowed and every refusal, each move
writing exactly one audit entry (who, what, the status before and after) in its own
transaction, and none when refused."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aula.audit.models import AuditEntry
from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import Event
from tests.factories import make_block, make_event

pytestmark = pytest.mark.django_db

S = Event.Status


@pytest.fixture
def user():
    return get_user_model().objects.create_user("ana", password="pw-long-enough-1")


def at(status, *, started=False, ended=False, notice=True):
    now = timezone.now()
    if ended:
        starts = now - timedelta(hours=5)
    elif started:
        starts = now - timedelta(hours=1)
    else:
        starts = now + timedelta(days=10)
    return make_event(status=status, starts_at=starts, ends_at=starts + timedelta(hours=3),
                      notice=notice)


def only_entry(event, action, actor, before, after):
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, entries
    entry = entries[0]
    assert entry.action == action and entry.event_id == event.pk
    assert entry.project_id == event.project_id
    assert entry.actor_id == (actor.pk if actor else None)
    assert entry.actor_name == (actor.username if actor else "")
    assert entry.changes == {"status": [before, after]}
    return entry


def refused(move, event, *args, **kwargs):
    before = Event.objects.values().get(pk=event.pk)
    with pytest.raises(ActionRefused) as error:
        move(event, *args, **kwargs)
    assert Event.objects.values().get(pk=event.pk) == before  # nothing stored
    assert not AuditEntry.objects.exists()
    return error.value.message


def nobody(event):
    return 0


# --- Publishing --------------------------------------------------------------------------------


def test_a_draft_without_problems_is_published(user):
    event = at(S.DRAFT)
    lifecycle.publish(event, actor=user)
    event.refresh_from_db()
    assert event.status == S.PUBLISHED and event.sequence == 1
    only_entry(event, "event.published", user, "draft", "published")


def test_a_draft_without_a_privacy_notice_is_not_published(user):
    event = at(S.DRAFT, notice=False)
    assert "privacy notice" in refused(lifecycle.publish, event, actor=user)


def test_a_draft_whose_agenda_does_not_fit_is_not_published(user):
    event = at(S.DRAFT)
    make_block(event, starts_at=event.starts_at - timedelta(hours=2),
               ends_at=event.starts_at - timedelta(hours=1))
    assert refused(lifecycle.publish, event, actor=user)


@pytest.mark.parametrize("status", [S.PUBLISHED, S.HELD, S.CLOSED, S.CANCELLED])
def test_only_a_draft_is_published(user, status):
    assert "Only a draft" in refused(lifecycle.publish, at(status), actor=user)


# --- Back to draft -----------------------------------------------------------------------------


def test_a_published_event_nobody_registered_for_goes_back_to_draft(user):
    event = at(S.PUBLISHED)
    lifecycle.unpublish(event, actor=user, active_registrations=nobody)
    event.refresh_from_db()
    assert event.status == S.DRAFT
    only_entry(event, "event.unpublished", user, "published", "draft")


def test_a_published_event_with_registrants_stays_published(user):
    message = refused(lifecycle.unpublish, at(S.PUBLISHED), actor=user,
                      active_registrations=lambda event: 2)
    assert "2 people registered already" in message


@pytest.mark.parametrize("status", [S.DRAFT, S.HELD, S.CLOSED, S.CANCELLED])
def test_only_a_published_event_goes_back_to_draft(user, status):
    refused(lifecycle.unpublish, at(status), actor=user, active_registrations=nobody)


# --- Cancelling --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.PUBLISHED])
def test_a_draft_or_published_event_is_cancelled_with_its_reason(user, status):
    event = at(status)
    lifecycle.cancel(event, actor=user, reason="  The venue flooded.  ")
    event.refresh_from_db()
    assert event.status == S.CANCELLED and event.cancelled_at is not None
    assert event.cancellation_reason == "The venue flooded."
    entry = only_entry(event, "event.cancelled", user, status, "cancelled")
    assert entry.data == {"reason": "The venue flooded."}


def test_a_cancellation_without_a_reason_has_no_reason_in_the_record(user):
    event = at(S.PUBLISHED)
    lifecycle.cancel(event, actor=user)
    assert only_entry(event, "event.cancelled", user, "published", "cancelled").data == {}


@pytest.mark.parametrize("status", [S.HELD, S.CLOSED, S.CANCELLED])
def test_a_held_closed_or_cancelled_event_is_not_cancelled(user, status):
    event = at(status, ended=True)
    refused(lifecycle.cancel, event, actor=user, reason="why")
    event.refresh_from_db()
    assert event.cancellation_reason == ""


# --- Held, closed, reopened --------------------------------------------------------------------


def test_an_event_not_started_is_not_marked_held(user):
    assert "not started" in refused(lifecycle.mark_held, at(S.PUBLISHED), actor=user)


def test_a_started_event_is_marked_held(user):
    event = at(S.PUBLISHED, started=True)
    lifecycle.mark_held(event, actor=user)
    event.refresh_from_db()
    assert event.status == S.HELD
    only_entry(event, "event.held", user, "published", "held")


def test_the_clock_given_decides_whether_it_started(user):
    event = at(S.PUBLISHED)
    refused(lifecycle.mark_held, event, actor=user, now=event.starts_at - timedelta(minutes=1))
    lifecycle.mark_held(event, actor=user, now=event.starts_at)
    assert Event.objects.get(pk=event.pk).status == S.HELD


@pytest.mark.parametrize("status", [S.DRAFT, S.HELD, S.CLOSED, S.CANCELLED])
def test_only_a_published_event_is_marked_held(user, status):
    refused(lifecycle.mark_held, at(status, started=True), actor=user)


def test_a_held_event_is_closed(user):
    event = at(S.HELD, ended=True)
    lifecycle.close(event, actor=user)
    assert Event.objects.get(pk=event.pk).status == S.CLOSED
    only_entry(event, "event.closed", user, "held", "closed")


@pytest.mark.parametrize("status", [S.DRAFT, S.PUBLISHED, S.CLOSED, S.CANCELLED])
def test_only_a_held_event_is_closed(user, status):
    refused(lifecycle.close, at(status, ended=True), actor=user)


def test_a_closed_event_is_reopened_as_held(user):
    event = at(S.CLOSED, ended=True)
    lifecycle.reopen(event, actor=user)
    assert Event.objects.get(pk=event.pk).status == S.HELD
    only_entry(event, "event.reopened", user, "closed", "held")


@pytest.mark.parametrize("status", [S.DRAFT, S.PUBLISHED, S.HELD, S.CANCELLED])
def test_only_a_closed_event_is_reopened(user, status):
    refused(lifecycle.reopen, at(status, ended=True), actor=user)


# --- By itself ---------------------------------------------------------------------------------


def test_published_events_that_ended_become_held_by_aula():
    ended = at(S.PUBLISHED, ended=True)
    running = at(S.PUBLISHED, started=True)
    draft = at(S.DRAFT, ended=True)
    cancelled = at(S.CANCELLED, ended=True)
    assert lifecycle.mark_ended_events_held() == 1
    assert Event.objects.get(pk=ended.pk).status == S.HELD
    for other in (running, draft, cancelled):
        assert Event.objects.get(pk=other.pk).status == other.status
    entry = only_entry(ended, "event.held", None, "published", "held")
    assert entry.data == {"automatic": True}
    assert lifecycle.mark_ended_events_held() == 0  # nothing more to do
    assert AuditEntry.objects.count() == 1


def test_the_tick_uses_the_clock_it_is_given():
    event = at(S.PUBLISHED)
    assert lifecycle.mark_ended_events_held(now=event.ends_at - timedelta(seconds=1)) == 0
    assert lifecycle.mark_ended_events_held(now=event.ends_at) == 1


# --- One transaction ---------------------------------------------------------------------------


class Boom(Exception):
    pass


@pytest.mark.parametrize("move", ["publish", "cancel", "mark_held"])
def test_the_entry_rolls_back_with_its_change(user, move):
    event = at(S.DRAFT if move == "publish" else S.PUBLISHED, started=move == "mark_held")
    with pytest.raises(Boom), transaction.atomic():
        getattr(lifecycle, move)(event, actor=user)
        assert AuditEntry.objects.count() == 1
        raise Boom
    assert Event.objects.get(pk=event.pk).status == event.status
    assert not AuditEntry.objects.exists()


# --- What each state allows --------------------------------------------------------------------


@pytest.mark.parametrize("status, started, allowed", [
    (S.DRAFT, False, False),
    (S.DRAFT, True, False),
    (S.PUBLISHED, False, False),
    (S.PUBLISHED, True, True),
    (S.HELD, True, True),
    (S.CLOSED, True, False),
    (S.CANCELLED, True, False),
])
def test_after_seminar_refusal_per_state_and_clock(status, started, allowed):
    event = at(status)
    now = event.starts_at + timedelta(minutes=1) if started else event.starts_at - timedelta(
        minutes=1)
    refusal = lifecycle.after_seminar_refusal(event, now)
    assert (refusal is None) == allowed
    if allowed:
        lifecycle.require_after_seminar(event, now)
    else:
        with pytest.raises(ActionRefused):
            lifecycle.require_after_seminar(event, now)


def test_the_refusals_say_why():
    event = at(S.PUBLISHED)
    assert "not started yet" in lifecycle.after_seminar_refusal(event, event.starts_at
                                                                - timedelta(seconds=1))
    for status, words in [(S.DRAFT, "is a draft"), (S.CLOSED, "Reopen it"),
                          (S.CANCELLED, "was cancelled")]:
        event.status = status
        assert words in lifecycle.after_seminar_refusal(event, event.ends_at)


@pytest.mark.parametrize("status, started, moves", [
    (S.DRAFT, False, ["publish", "cancel"]),
    (S.PUBLISHED, False, ["unpublish", "cancel"]),
    (S.PUBLISHED, True, ["unpublish", "mark_held", "cancel"]),
    (S.HELD, True, ["close"]),
    (S.CLOSED, True, ["reopen"]),
    (S.CANCELLED, True, []),
])
def test_the_moves_offered_are_those_allowed(status, started, moves):
    event = at(status, started=started)
    assert lifecycle.moves(event) == moves


def test_reports_and_participation_per_state():
    for status in S.values:
        event = Event(status=status)
        assert lifecycle.report_is_final(event) == (status in (S.HELD, S.CLOSED))
        assert lifecycle.counts_participation(event) == (status in Event.COUNTING)
