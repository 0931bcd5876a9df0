"""Setting up registration (registrations.setup): every action audited with its actor, and the
rules that protect what registrants gave (answered questions, accepted notices)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from aula.audit.models import AuditEntry
from aula.core.errors import ActionRefused
from aula.registrations import services, setup
from aula.registrations.models import (
    REMINDER_MAX_MINUTES,
    PrivacyNotice,
    Question,
    RegistrationOptions,
)
from tests import factories
from tests.registrations.factories import make_question, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return factories.organiser("organiser")


def actions():
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


# --- Questions --------------------------------------------------------------------------------


def test_a_new_question_goes_last_and_is_recorded(event, organiser):
    make_question(event, order=4)
    question = Question(event=event, kind="short_text", label={"en": "Diet"})
    setup.save_question(question, actor=organiser)
    assert question.order == 5
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.event_id) == ("question.added", organiser, event.pk)
    assert entry.project_id == event.project_id


def test_a_changed_question_records_what_changed(event, organiser):
    question = make_question(event)
    question.label = {"en": "Diet?"}
    setup.save_question(question, actor=organiser)
    entry = AuditEntry.objects.get()
    assert entry.action == "question.changed"
    assert entry.changes == {"label": [{"en": "Your dietary needs"}, {"en": "Diet?"}]}
    setup.save_question(question, actor=organiser)  # unchanged: nothing more
    assert AuditEntry.objects.count() == 1


def test_an_answered_question_keeps_its_kind_but_not_its_wording(event, organiser):
    question = make_question(event)
    services.register(event, person(answers={str(question.pk): "Vegan"}))
    question.kind = "long_text"
    with pytest.raises(ValidationError) as error:
        setup.save_question(question, actor=organiser)
    assert "kind" in error.value.message_dict
    question.refresh_from_db()
    assert question.kind == "short_text"
    assert actions() == []
    question.label = {"en": "Diet, please"}
    setup.save_question(question, actor=organiser)
    assert actions() == ["question.changed"]


def test_an_answered_question_is_never_deleted(event, organiser):
    answered, free = make_question(event), make_question(event, label={"en": "Other"})
    services.register(event, person(answers={str(answered.pk): "Vegan"}))
    with pytest.raises(ActionRefused, match="1 registrant answered"):
        setup.delete_question(answered, actor=organiser)
    assert Question.objects.filter(pk=answered.pk).exists() and actions() == []
    setup.delete_question(free, actor=organiser)
    assert not Question.objects.filter(pk=free.pk).exists()
    entry = AuditEntry.objects.get()
    assert entry.action == "question.deleted" and entry.data["label"] == {"en": "Other"}


def test_moving_a_question_renumbers_and_is_recorded(event, organiser):
    first, second = make_question(event, order=1), make_question(event, order=2)
    setup.move_question(second, -1, actor=organiser)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.order, first.order) == (1, 2)
    assert actions() == ["question.moved"]
    setup.move_question(second, -1, actor=organiser)  # already first: nothing happens
    assert actions() == ["question.moved"]


# --- Privacy notice ---------------------------------------------------------------------------


def test_a_changed_notice_is_a_new_version(event, organiser):
    text = {"en": "We keep your data for one year."}
    result = setup.new_privacy_notice(event, text, actor=organiser)
    assert result.created and result.notice.version == 1 and result.notice.event == event
    assert not setup.new_privacy_notice(event, text, actor=organiser).created
    second = setup.new_privacy_notice(event, {"en": "Two years."}, actor=organiser)
    assert second.notice.version == 2
    assert actions() == ["privacy_notice.new_version"] * 2
    last = AuditEntry.objects.order_by("pk").last()
    assert last.data == {"version": 2, "controller": None, "previous": result.notice.pk}


def test_an_accepted_notice_is_never_edited_nor_deleted(event, organiser):
    registration = services.register(event, person()).registration
    notice = registration.privacy_notice
    assert setup.notice_accepted(notice) and setup.notice_acceptances(notice) == 1
    notice.text = {"en": "Changed behind their back"}
    with pytest.raises(ActionRefused):
        setup.save_privacy_notice(notice, actor=organiser)
    with pytest.raises(ActionRefused):
        setup.delete_privacy_notice(notice, actor=organiser)
    notice.refresh_from_db()
    assert notice.text["en"].startswith("The municipality")
    assert actions() == []


def test_a_notice_nobody_accepted_may_be_corrected_and_deleted(event, organiser):
    notice = PrivacyNotice.objects.create(project=event.project, version=2, text={"en": "Typo"})
    notice.text = {"en": "Fixed"}
    setup.save_privacy_notice(notice, actor=organiser)
    setup.delete_privacy_notice(notice, actor=organiser)
    assert actions() == ["privacy_notice.saved", "privacy_notice.deleted"]


# --- Options and reminders --------------------------------------------------------------------


def test_options_are_saved_with_their_changes(event, organiser):
    options = RegistrationOptions.for_event(event)
    options.hold_hours = 24
    options.reminder_offsets_minutes = [60]
    setup.save_options(options, actor=organiser)
    entry = AuditEntry.objects.get()
    assert entry.action == "registration_options.changed"
    options.hold_hours = 12
    setup.save_options(options, actor=organiser)
    assert AuditEntry.objects.order_by("pk").last().changes == {"hold_hours": [24, 12]}


def test_bad_options_are_refused_and_not_recorded(event, organiser):
    options = RegistrationOptions.for_event(event)
    options.reminder_offsets_minutes = [REMINDER_MAX_MINUTES + 1]
    with pytest.raises(ValidationError):
        setup.save_options(options, actor=organiser)
    assert actions() == []


def test_one_reminder_horizon_everywhere(event):
    """60 days: the words the organiser types, the options' check and the scheduler's look-ahead
    read the same constant."""
    assert setup.parse_reminders("60 days") == [REMINDER_MAX_MINUTES]
    with pytest.raises(ValidationError):
        setup.parse_reminders(f"{REMINDER_MAX_MINUTES + 1}")
    options = RegistrationOptions.for_event(event)
    options.reminder_offsets_minutes = [REMINDER_MAX_MINUTES]
    options.full_clean()
    options.reminder_offsets_minutes = [REMINDER_MAX_MINUTES + 1]
    with pytest.raises(ValidationError):
        options.full_clean()
    # A reminder at the horizon is sent when its time comes.
    RegistrationOptions.objects.filter(event=event).update(
        reminder_offsets_minutes=[REMINDER_MAX_MINUTES]
    )
    start = event.starts_at
    services.register(event, person(), now=start - timedelta(minutes=REMINDER_MAX_MINUTES + 60))
    assert services.send_due_reminders(now=start - timedelta(minutes=REMINDER_MAX_MINUTES)) == 1


def test_the_window_change_is_recorded(event, organiser):
    options = RegistrationOptions.for_event(event)
    event.registration_closes_at = event.starts_at - timedelta(hours=1)
    setup.save_registration_settings(event, options, actor=organiser)
    entry = AuditEntry.objects.get(action="registration_window.changed")
    assert list(entry.changes) == ["registration_closes_at"]


def test_settings_refused_store_nothing(event, organiser):
    for n in range(3):
        services.register(event, person(n))
    options = RegistrationOptions.for_event(event)
    options.hold_hours = 1
    event.capacity = 2
    event.registration_closes_at = event.starts_at - timedelta(hours=1)
    with pytest.raises(ValidationError):
        setup.save_registration_settings(event, options, actor=organiser)
    event.refresh_from_db()
    assert event.capacity == 50 and event.registration_closes_at is None
    assert RegistrationOptions.objects.get(event=event).hold_hours == 48
    assert actions() == []
