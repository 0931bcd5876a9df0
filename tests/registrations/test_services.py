"""Registration rules, one by one (services and queries)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aula.events.models import Event
from aula.messaging import periodic
from aula.messaging.models import OutboxMessage
from aula.registrations import queries, services
from aula.registrations.models import (
    CapacityCounter,
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
)
from aula.registrations.services import Result, capacity, personal
from tests.factories import MEETING_URL, make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_question, make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db


def taken(event, block=None):
    return CapacityCounter.objects.get(event=event, block=block).taken


def mails(kind=None):
    messages = OutboxMessage.objects.order_by("id")
    return list(messages.filter(kind=kind) if kind else messages)


def register_many(event, count, start=1, **fields):
    return [services.register(event, person(n, **fields)) for n in range(start, start + count)]


# --- Models and reads -------------------------------------------------------------------------


def test_options_default_without_a_row(db):
    options = queries.options_for(make_event())
    assert options.pk is None
    assert options.waiting_list is True
    assert options.promotion == RegistrationOptions.Promotion.AUTOMATIC
    assert options.double_opt_in is True  # registrants confirm their address unless told not
    assert options.hold_hours == 48
    assert options.join_opens_minutes_before == 30
    assert options.reminder_offsets_minutes == [1440, 60]


def test_current_privacy_notice_is_the_events_newest_else_the_projects_newest(event):
    project = event.project
    newest_project = PrivacyNotice.objects.create(project=project, version=2, text={"en": "v2"})
    assert queries.current_privacy_notice(event) == newest_project
    own = PrivacyNotice.objects.create(project=project, event=event, version=1, text={"en": "e"})
    other = make_event(project=project, notice=False)
    assert queries.current_privacy_notice(event) == own
    assert queries.current_privacy_notice(other) == newest_project


def test_organisation_types_are_the_jems_keys():
    from aula.registrations.models import OrganisationType

    assert "LocalPublicAuthority" in OrganisationType.values
    assert "Egtc" in OrganisationType.values
    assert len(OrganisationType.values) == 16


# --- Registering ------------------------------------------------------------------------------


def test_register_confirms_while_places_are_free(event):
    outcome = services.register(event, person())
    assert outcome.result == Result.CONFIRMED and outcome.accepted
    registration = outcome.registration
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.email == "person1@example.org"  # normalised
    assert registration.confirmed_at is not None
    assert len(registration.token) >= 43  # 32 random bytes
    assert registration.privacy_notice == queries.current_privacy_notice(event)
    assert registration.privacy_accepted_at is not None
    assert registration.time_zone == "America/New_York"
    assert taken(event) == 1


def test_confirmation_email_has_calendar_personal_and_join_links_and_both_zones(event):
    registration = services.register(event, person()).registration
    (message,) = mails("registration_confirmation")
    assert message.recipient == "person1@example.org"
    assert "Culture & SMEs seminar" in message.subject
    assert f"/en/r/{registration.token}/" in message.text_body
    assert f"/j/{registration.token}" in message.text_body
    assert "Europe/Vilnius" in message.text_body and "America/New_York" in message.text_body
    assert "Culture &amp; SMEs seminar" in message.html_body
    assert MEETING_URL not in message.text_body + message.html_body
    (attachment,) = message.attachments.all()
    assert attachment.filename.endswith(".ics") and attachment.mimetype == "text/calendar"
    ics = bytes(attachment.content).decode()
    assert "METHOD:PUBLISH" in ics and MEETING_URL not in ics
    assert registration.token[:20] in ics


def test_email_is_in_the_registrants_language(event):
    services.register(event, person(language="ro"))
    (message,) = mails()
    assert message.language == "ro"
    assert "Seminar cultură și IMM" in message.subject


def test_what_people_typed_is_escaped_in_the_html_email_and_plain_in_the_text(event):
    services.register(event, person(first_name="Zoë & \"Ana\""))
    (message,) = mails()
    assert 'Dear Zoë & "Ana",' in message.text_body
    assert "Dear Zoë &amp; &quot;Ana&quot;," in message.html_body


def test_full_event_puts_registrants_on_the_waiting_list(event):
    event.capacity = 2
    event.save()
    outcomes = register_many(event, 3)
    assert [o.result for o in outcomes] == [Result.CONFIRMED, Result.CONFIRMED, Result.WAITING]
    waiting = outcomes[2].registration
    assert waiting.status == Status.WAITING and waiting.waiting_since is not None
    assert taken(event) == 2
    (notice,) = mails("registration_waiting")
    assert notice.recipient == "person3@example.org"
    assert not notice.attachments.exists()
    assert f"/j/{waiting.token}" not in notice.text_body


@pytest.mark.parametrize("snapshot", ["full", "free"])
def test_the_locked_decision_gets_its_own_email_when_the_snapshot_guessed_wrong(
    event, monkeypatch, snapshot
):
    """Only the e-mail of the outcome the places left point to is rendered before the lock;
    when the place is taken (or freed) meanwhile, the right e-mail is rendered and sent."""
    event.capacity = 1
    event.save()
    if snapshot == "free":
        services.register(event, person(1))  # full now, but the snapshot will say free
    monkeypatch.setattr(
        capacity.queries, "places_taken", lambda e: 1 if snapshot == "full" else 0
    )
    outcome = services.register(event, person(2))
    expected = Result.CONFIRMED if snapshot == "full" else Result.WAITING
    kind = "registration_confirmation" if snapshot == "full" else "registration_waiting"
    assert outcome.result == expected
    assert [m.recipient for m in mails(kind)] == ["person2@example.org"]
    assert Registration.objects.filter(email="person2@example.org").count() == 1


def test_full_event_without_waiting_list_refuses_and_stores_nothing():
    event = make_event(capacity=1, options={"waiting_list": False})
    services.register(event, person(1))
    outcome = services.register(event, person(2))
    assert outcome.result == Result.FULL and not outcome.accepted
    assert Registration.objects.count() == 1
    assert len(mails()) == 1


def test_no_capacity_means_no_limit():
    event = make_event(options=NO_OPT_IN, capacity=None)
    outcomes = register_many(event, 5)
    assert all(o.result == Result.CONFIRMED for o in outcomes)
    assert taken(event) == 5


@pytest.mark.parametrize(
    ("fields", "result"),
    [
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, Result.NOT_OPEN),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1),
          "registration_opens_at": timezone.now() - timedelta(days=1)}, Result.CLOSED),
        ({"status": Event.Status.DRAFT}, Result.UNAVAILABLE),
        ({"status": Event.Status.CANCELLED}, Result.EVENT_CANCELLED),
        ({"starts_at": timezone.now() - timedelta(hours=5),
          "ends_at": timezone.now() - timedelta(hours=1)}, Result.CLOSED),
    ],
)
def test_refusals_store_nothing(fields, result):
    event = make_event(**fields)
    outcome = services.register(event, person())
    assert outcome.result == result
    assert not Registration.objects.exists() and not mails()


def test_registration_is_open_until_the_end_when_no_closing_time_is_set():
    now = timezone.now()
    event = make_event(options=NO_OPT_IN, starts_at=now - timedelta(minutes=10),
                       ends_at=now + timedelta(hours=1))
    assert services.register(event, person()).result == Result.CONFIRMED


def test_no_privacy_notice_no_registration():
    event = make_event(notice=False)
    assert services.register(event, person()).result == Result.UNAVAILABLE
    assert not Registration.objects.exists()


def test_privacy_notice_must_be_accepted(event):
    with pytest.raises(ValidationError) as error:
        services.register(event, person(privacy_accepted=False))
    assert "privacy" in error.value.error_dict


def test_a_changed_privacy_notice_must_be_read_again(event):
    old = queries.current_privacy_notice(event)
    PrivacyNotice.objects.create(project=event.project, version=2, text={"en": "new"})
    with pytest.raises(ValidationError) as error:
        services.register(event, person(privacy_notice_id=old.pk))
    assert "privacy" in error.value.error_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-address"),
        ("first_name", "<script>alert(1)</script>"),
        ("family_name", "Pop>escu"),
        ("organisation", "<b>Bold</b> Ltd"),
        ("job_title", "Boss <i>"),
        ("first_name", "Ana\x00"),
        ("organisation", "Line\nbreak"),
        ("first_name", "A" * 101),
        ("organisation", "O" * 201),
        ("organisation_type", "Pirates"),
        ("country", "XX"),
        ("first_name", ""),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(event, field, value):
    with pytest.raises(ValidationError) as error:
        services.register(event, person(**{field: value}))
    assert field in error.value.error_dict
    assert not Registration.objects.exists() and not mails()


def test_unknown_language_and_time_zone_fall_back_quietly(event):
    registration = services.register(
        event, person(language="xx", time_zone="Mars/Olympus")
    ).registration
    assert registration.language == "en" and registration.time_zone == ""


# --- One registration per address -------------------------------------------------------------


def test_existing_address_takes_no_second_place_and_gets_their_link_again(event):
    first = services.register(event, person(1)).registration
    again = services.register(event, person(1, email="  PERSON1@example.ORG ", first_name="X"))
    assert again.result == Result.CONFIRMED  # what a new registrant gets now
    assert again.registration is None and again.existing
    assert Registration.objects.count() == 1 and taken(event) == 1
    (reminder,) = mails("registration_existing")
    assert reminder.recipient == "person1@example.org"
    assert f"/r/{first.token}/" in reminder.text_body
    assert "Ana" in reminder.text_body  # their own name, not the one just typed


def test_existing_address_outcome_looks_like_a_new_one_when_full(event):
    event.capacity = 1
    event.save()
    services.register(event, person(1))
    assert services.register(event, person(2)).result == Result.WAITING
    assert services.register(event, person(1)).result == Result.WAITING
    assert services.register(event, person(2)).result == Result.WAITING


def test_existing_address_reminders_are_rate_limited(event):
    services.register(event, person(1))
    for _ in range(3):
        services.register(event, person(1))
    assert len(mails("registration_existing")) == 1


def test_registering_again_after_cancelling_reuses_the_row(event):
    first = services.register(event, person(1)).registration
    old_token = first.token
    services.cancel(first)
    again = services.register(event, person(1, organisation="New Org"))
    assert again.result == Result.CONFIRMED and not again.existing
    assert again.registration.pk == first.pk
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED and first.organisation == "New Org"
    assert first.token != old_token and first.cancelled_at is None
    assert taken(event) == 1


# --- Parallel sessions ------------------------------------------------------------------------


def test_sessions_one_per_slot_are_required(event):
    make_slot(event, 5, None)
    with pytest.raises(ValidationError) as error:
        services.register(event, person())
    (key,) = error.value.error_dict
    assert key.startswith("slot_")


def test_two_sessions_in_one_slot_are_refused(event):
    a, b = make_slot(event, 5, 5)
    with pytest.raises(ValidationError):
        services.register(event, person(sessions=[a.pk, b.pk]))


def test_sessions_of_another_event_are_refused(event):
    other = make_event()
    (foreign,) = make_slot(other, 5)
    make_slot(event, 5)
    with pytest.raises(ValidationError):
        services.register(event, person(sessions=[foreign.pk]))


def test_session_place_is_taken_with_the_event_place(event):
    a, b = make_slot(event, 2, None)
    (c,) = make_slot(event, 3, offset_hours=2)
    registration = services.register(event, person(sessions=[a.pk, c.pk])).registration
    assert {choice.block for choice in registration.session_choices.all()} == {a, c}
    assert taken(event, a) == 1 and taken(event, c) == 1
    (message,) = mails()
    assert "Workshop A" in message.text_body


def test_full_session_says_which_and_stores_nothing():
    event = make_event(options={**NO_OPT_IN, "waiting_list": False})
    a, b = make_slot(event, 1, None)
    services.register(event, person(1, sessions=[a.pk]))
    outcome = services.register(event, person(2, sessions=[a.pk]))
    assert outcome.result == Result.SESSION_FULL and outcome.full_sessions == (a.pk,)
    assert Registration.objects.count() == 1 and taken(event) == 1
    assert services.register(event, person(2, sessions=[b.pk])).result == Result.CONFIRMED


def test_a_full_session_has_its_own_waiting_list(event):
    a, b = make_slot(event, 1, None)
    services.register(event, person(1, sessions=[a.pk]))
    outcome = services.register(event, person(2, sessions=[a.pk]))
    assert outcome.result == Result.WAITING and outcome.full_sessions == (a.pk,)
    assert taken(event) == 1 and taken(event, a) == 1
    [mail] = OutboxMessage.objects.filter(kind="registration_waiting")
    assert "A session you chose is full" in mail.text_body
    # Choosing a session with room moves them up straight away (automatic promotion).
    services.switch_session(outcome.registration, b)
    outcome.registration.refresh_from_db()
    assert outcome.registration.status == Status.CONFIRMED and taken(event, b) == 1


def test_full_event_takes_waiting_registrants_whatever_their_session(event):
    event.capacity = 1
    event.save()
    (a,) = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    outcome = services.register(event, person(2, sessions=[a.pk]))
    assert outcome.result == Result.WAITING
    assert taken(event, a) == 1


# --- Answers ----------------------------------------------------------------------------------


def test_answers_are_checked_and_stored(event):
    text = make_question(event, required=True)
    choice = make_question(
        event, Question.Kind.SINGLE_CHOICE,
        choices=[{"key": "veg", "label": {"en": "Vegetarian"}}, {"key": "none", "label": {}}],
    )
    many = make_question(
        event, Question.Kind.MULTIPLE_CHOICE,
        choices=[{"key": "a", "label": {"en": "A"}}, {"key": "b", "label": {"en": "B"}}],
    )
    country = make_question(event, Question.Kind.COUNTRY)
    box = make_question(event, Question.Kind.CHECKBOX)
    answers = {str(text.pk): " none ", str(choice.pk): "veg", str(many.pk): ["b", "a", "b"],
               str(country.pk): "lt", str(box.pk): True, "999999": "ignored"}
    registration = services.register(event, person(answers=answers)).registration
    assert registration.answers == {
        str(text.pk): "none", str(choice.pk): "veg", str(many.pk): ["a", "b"],
        str(country.pk): "LT", str(box.pk): True,
    }


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (Question.Kind.SHORT_TEXT, "x" * 501),
        (Question.Kind.SHORT_TEXT, "two\nlines"),
        (Question.Kind.LONG_TEXT, "bell\x07"),
        (Question.Kind.SINGLE_CHOICE, "nope"),
        (Question.Kind.MULTIPLE_CHOICE, ["a", "nope"]),
        (Question.Kind.COUNTRY, "ZZ"),
    ],
)
def test_bad_answers_are_refused(event, kind, answer):
    question = make_question(event, kind, choices=[{"key": "a", "label": {"en": "A"}}]
                             if kind in Question.CHOICE_KINDS else [])
    with pytest.raises(ValidationError) as error:
        services.register(event, person(answers={str(question.pk): answer}))
    assert f"q_{question.pk}" in error.value.error_dict
    assert not Registration.objects.exists()


def test_required_question_needs_an_answer(event):
    question = make_question(event, Question.Kind.CHECKBOX, required=True)
    with pytest.raises(ValidationError) as error:
        services.register(event, person(answers={str(question.pk): False}))
    assert f"q_{question.pk}" in error.value.error_dict


# --- Double opt-in ----------------------------------------------------------------------------


def test_double_opt_in_holds_the_place_until_the_address_is_confirmed():
    event = make_event(capacity=1, options={"double_opt_in": True, "hold_hours": 24})
    now = timezone.now()
    outcome = services.register(event, person(), now=now)
    assert outcome.result == Result.HELD
    registration = outcome.registration
    assert registration.hold_expires_at == now + timedelta(hours=24)
    assert taken(event) == 1
    (please,) = mails()
    assert please.kind == "registration_please_confirm"
    assert f"/r/{registration.token}/confirm/" in please.text_body
    assert not please.attachments.exists()
    assert f"/j/{registration.token}" not in please.text_body

    confirmed = services.confirm_email(registration.token)
    assert confirmed.status == Status.CONFIRMED and confirmed.email_confirmed_at is not None
    assert taken(event) == 1
    confirmation = mails("registration_confirmation")[0]
    assert confirmation.attachments.count() == 1
    # Confirming twice changes nothing and sends nothing.
    services.confirm_email(registration.token)
    assert len(mails()) == 2


def test_confirm_email_with_an_unknown_token_is_none(event):
    assert services.confirm_email("x" * 43) is None


def test_expired_holds_go_to_the_end_of_the_waiting_list_and_the_next_is_promoted():
    event = make_event(capacity=1, options={"double_opt_in": True, "hold_hours": 1})
    start = timezone.now()
    held = services.register(event, person(1), now=start).registration
    waiting = services.register(event, person(2), now=start).registration
    assert waiting.status == Status.WAITING
    services.confirm_email(waiting.token)  # on the waiting list, address confirmed

    assert services.release_expired_holds(now=start + timedelta(minutes=59)) == 0
    later = start + timedelta(hours=2)
    assert services.release_expired_holds(now=later) == 1
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == Status.WAITING and held.waiting_since == later
    # The next in line had confirmed their address: the place is theirs straight away.
    assert waiting.status == Status.CONFIRMED
    assert taken(event) == 1
    assert mails("registration_promotion")[-1].recipient == "person2@example.org"
    # Running again (an overlapping tick) changes nothing.
    assert services.release_expired_holds(now=later) == 0


def test_a_released_unconfirmed_hold_is_not_offered_again_until_confirmed():
    event = make_event(capacity=1, options={"double_opt_in": True, "hold_hours": 1})
    start = timezone.now()
    held = services.register(event, person(1), now=start).registration
    services.release_expired_holds(now=start + timedelta(hours=2))
    held.refresh_from_db()
    assert held.status == Status.WAITING and taken(event) == 0
    sent = len(mails())
    services.release_expired_holds(now=start + timedelta(hours=3))
    assert len(mails()) == sent
    # Confirming later puts them back in line, and the free place is theirs.
    services.confirm_email(held.token)
    held.refresh_from_db()
    assert held.status == Status.CONFIRMED and taken(event) == 1


def test_unconfirmed_waiting_registrant_is_promoted_to_a_held_place():
    event = make_event(capacity=1, options={"double_opt_in": True})
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    services.confirm_email(first.token)
    services.cancel(first)
    second.refresh_from_db()
    assert second.status == Status.HELD and second.hold_expires_at is not None
    please = mails("registration_please_confirm")[-1]
    assert please.recipient == "person2@example.org"


def test_release_expired_holds_is_a_periodic_job():
    assert periodic.job_name(services.release_expired_holds) in periodic.registered()


# --- Cancelling and promotion -----------------------------------------------------------------


def test_cancel_frees_the_place_and_promotes_the_oldest_waiting(event):
    event.capacity = 2
    event.save()
    first, second, third, fourth = (o.registration for o in register_many(event, 4))
    promoted = services.cancel(second)
    assert [r.pk for r in promoted] == [third.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert second.status == Status.CANCELLED and second.cancelled_at is not None
    assert third.status == Status.CONFIRMED and third.waiting_since is None
    assert fourth.status == Status.WAITING
    assert taken(event) == 2
    (cancellation,) = mails("registration_cancellation")
    assert cancellation.recipient == "person2@example.org"
    (promotion,) = mails("registration_promotion")
    assert promotion.recipient == "person3@example.org"
    assert promotion.attachments.count() == 1
    assert f"/j/{third.token}" in promotion.text_body
    assert "Culture & SMEs seminar" in promotion.subject


def test_cancel_twice_changes_nothing(event):
    registration = services.register(event, person()).registration
    services.cancel(registration)
    services.cancel(registration)
    assert taken(event) == 0
    assert len(mails("registration_cancellation")) == 1


def test_cancelling_a_waiting_registration_frees_no_place(event):
    event.capacity = 1
    event.save()
    register_many(event, 2)
    waiting = Registration.objects.get(status=Status.WAITING)
    assert services.cancel(waiting) == []
    assert taken(event) == 1


def test_cancel_after_the_event_is_refused(event):
    registration = services.register(event, person()).registration
    with pytest.raises(services.RegistrationError):
        services.cancel(registration, now=event.ends_at + timedelta(minutes=1))


def test_promotion_respects_session_capacity(event):
    event.capacity = 2
    event.save()
    a, b = make_slot(event, 1, 5)
    services.register(event, person(1, sessions=[a.pk]))
    leaving = services.register(event, person(2, sessions=[b.pk])).registration
    wants_a = services.register(event, person(3, sessions=[a.pk])).registration
    wants_b = services.register(event, person(4, sessions=[b.pk])).registration
    services.cancel(leaving)
    wants_a.refresh_from_db()
    wants_b.refresh_from_db()
    # The oldest waiting wants the full session A: passed over, keeps their position.
    assert wants_a.status == Status.WAITING
    assert wants_b.status == Status.CONFIRMED
    assert taken(event, a) == 1 and taken(event, b) == 1 and taken(event) == 2


def test_manual_promotion():
    event = make_event(capacity=1, options={"double_opt_in": False, "promotion": "manual"})
    first, second = (o.registration for o in register_many(event, 2))
    with pytest.raises(services.NoPlace):
        services.promote(second)
    assert services.cancel(first) == []
    second.refresh_from_db()
    assert second.status == Status.WAITING and taken(event) == 0
    services.promote(second)
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED and taken(event) == 1
    with pytest.raises(services.RegistrationError):
        services.promote(second)
    assert mails("registration_promotion")[-1].recipient == "person2@example.org"


def test_manual_promotion_refuses_a_full_session():
    event = make_event(capacity=2, options={"promotion": "manual"})
    (a,) = make_slot(event, 1)
    services.register(event, person(1, sessions=[a.pk]))
    services.register(event, person(2, sessions=[a.pk]))  # session full: refused
    event.capacity = 1
    event.save()
    waiting = services.register(event, person(3, sessions=[a.pk])).registration
    assert waiting.status == Status.WAITING
    event.capacity = 3
    event.save()
    with pytest.raises(services.SessionFull) as error:
        services.promote(waiting)
    assert error.value.blocks == (a.pk,)


def test_fill_free_places_after_raising_the_capacity(event):
    event.capacity = 1
    event.save()
    register_many(event, 4)
    event.capacity = 3
    event.save()
    promoted = services.fill_free_places(event)
    assert len(promoted) == 2 and taken(event) == 3
    assert Registration.objects.filter(status=Status.WAITING).count() == 1


# --- Switching sessions -----------------------------------------------------------------------


def test_switch_session_where_there_is_room(event):
    a, b = make_slot(event, 5, 1)
    registration = services.register(event, person(1, sessions=[a.pk])).registration
    services.switch_session(registration, b)
    assert registration.session_choices.get().block == b
    assert taken(event, a) == 0 and taken(event, b) == 1
    other = services.register(event, person(2, sessions=[a.pk])).registration
    with pytest.raises(services.SessionFull):
        services.switch_session(other, b)
    assert other.session_choices.get().block == a
    assert taken(event, a) == 1 and taken(event, b) == 1


def test_switch_to_a_block_of_another_event_is_refused(event):
    (a,) = make_slot(event, 5)
    (foreign,) = make_slot(make_event(), 5)
    registration = services.register(event, person(sessions=[a.pk])).registration
    with pytest.raises(services.RegistrationError):
        services.switch_session(registration, foreign)


def test_waiting_registrant_switches_without_taking_a_place(event):
    event.capacity = 1
    event.save()
    a, b = make_slot(event, 1, 1)
    services.register(event, person(1, sessions=[b.pk]))
    waiting = services.register(event, person(2, sessions=[a.pk])).registration
    services.switch_session(waiting, b)  # b is full, but a waiting wish takes nothing
    assert taken(event, b) == 1 and taken(event, a) == 0


# --- Details, erasure, export, joining ---------------------------------------------------------


def test_update_details(event):
    registration = services.register(event, person()).registration
    services.update_details(registration, {
        "organisation": "Rijeka 2020", "consent_newsletter": True, "language": "hr",
        "time_zone": "Europe/Zagreb",
    })
    registration.refresh_from_db()
    assert registration.organisation == "Rijeka 2020" and registration.language == "hr"
    assert registration.consent_newsletter and registration.consent_newsletter_at
    assert registration.time_zone == "Europe/Zagreb"
    with pytest.raises(ValidationError):
        services.update_details(registration, {"first_name": "<b>"})
    registration.refresh_from_db()
    assert registration.first_name == "Ana"


def test_erase_before_the_event_cancels_and_anonymises_but_counts_stay(event):
    event.capacity = 1
    event.save()
    (a,) = make_slot(event, None)
    question = make_question(event)
    registration = services.register(event, person(
        1, sessions=[a.pk], answers={str(question.pk): "vegan"}, consent_recording=True,
    )).registration
    waiting = services.register(event, person(2, sessions=[a.pk])).registration
    token = registration.token
    services.erase(registration)
    registration.refresh_from_db()
    assert registration.email == f"erased-{registration.pk}@erased.invalid"
    assert registration.first_name == registration.family_name == ""
    assert registration.organisation == registration.job_title == registration.time_zone == ""
    assert registration.answers == {} and not registration.consent_recording
    assert registration.anonymised_at is not None and registration.token != token
    # What counts need stays.
    assert registration.status == Status.CANCELLED
    assert registration.organisation_type == "LocalPublicAuthority"
    assert registration.country == "RO" and registration.session_choices.count() == 1
    assert queries.registration_by_token(token) is None
    # The place went to the next in line; nothing was mailed to the erased address.
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert not OutboxMessage.objects.filter(recipient__endswith="erased.invalid").exists()
    assert not mails("registration_cancellation")


def test_erase_clears_the_registrants_emails_from_the_outbox(event):
    registration = services.register(event, person(1)).registration
    other = services.register(event, person(2)).registration
    confirmation = OutboxMessage.objects.get(registration_id=registration.pk)
    assert confirmation.attachments.exists()  # the calendar file with the personal join link
    OutboxMessage.objects.filter(pk=confirmation.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now()
    )
    services.send_due_reminders(now=event.starts_at - timedelta(minutes=30))  # queued, unsent
    assert len(mails("registration_reminder")) == 2

    services.erase(registration)

    (sent,) = OutboxMessage.objects.filter(registration_id=registration.pk)
    assert sent.pk == confirmation.pk and sent.kind == "registration_confirmation"
    assert sent.status == OutboxMessage.Status.SENT and sent.sent_at is not None
    assert sent.recipient == sent.subject == sent.text_body == sent.html_body == ""
    assert not sent.attachments.exists()
    # The other registrant's e-mails are theirs.
    assert [m.recipient for m in mails("registration_reminder")] == [other.email]
    assert OutboxMessage.objects.filter(recipient=other.email).count() == 2


def test_an_erasure_that_fails_leaves_the_outbox_as_it_was(event, monkeypatch):
    registration = services.register(event, person(1)).registration

    def broken():
        raise RuntimeError("no randomness today")

    monkeypatch.setattr(personal, "new_token", broken)  # fails after the outbox was cleared
    with pytest.raises(RuntimeError):
        services.erase(registration)
    (confirmation,) = mails()
    assert confirmation.recipient == registration.email and confirmation.attachments.exists()
    registration.refresh_from_db()
    assert registration.anonymised_at is None


def test_erasing_again_clears_what_an_older_erasure_left_in_the_outbox(event):
    registration = services.register(event, person(1)).registration
    Registration.objects.filter(pk=registration.pk).update(anonymised_at=timezone.now())
    services.erase(registration)
    assert not OutboxMessage.objects.filter(registration_id=registration.pk).exists()


def test_erase_after_the_event_keeps_the_status(event):
    registration = services.register(event, person()).registration
    services.erase(registration, now=event.ends_at + timedelta(days=1))
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and registration.anonymised_at
    assert queries.counts(event)["status"]["confirmed"] == 1
    assert queries.counts(event)["country"]["RO"] == 1


def test_export_data(event):
    (a,) = make_slot(event, None)
    question = make_question(
        event, Question.Kind.SINGLE_CHOICE,
        choices=[{"key": "veg", "label": {"en": "Vegetarian"}}],
    )
    registration = services.register(event, person(
        sessions=[a.pk], answers={str(question.pk): "veg"}, consent_newsletter=True,
    )).registration
    data = services.export_data(registration)
    assert data["registration"]["email"] == "person1@example.org"
    assert data["registration"]["organisation_type_label"] == "Local public authority"
    assert data["registration"]["status"] == "confirmed"
    assert data["sessions"][0]["title"] == "Workshop A"
    assert data["answers"] == [{"question": "Your dietary needs", "answer": "Vegetarian"}]
    assert data["consents"]["newsletter"] is True
    assert data["privacy_notice"]["version"] == 1
    assert data["event"]["title"] == "Culture & SMEs seminar"
    assert "token" not in str(data) and MEETING_URL not in str(data)


def test_record_join(event):
    registration = services.register(event, person()).registration
    first = timezone.now()
    services.record_join(registration, now=first)
    services.record_join(registration, now=first + timedelta(minutes=5))
    registration.refresh_from_db()
    assert registration.join_count == 2
    assert registration.first_joined_at == first
    assert registration.last_joined_at == first + timedelta(minutes=5)


def test_counter_is_rebuilt_from_rows_when_missing(event):
    register_many(event, 3)
    CapacityCounter.objects.filter(event=event).delete()
    services.register(event, person(9))
    assert taken(event) == 4


# --- Reminders --------------------------------------------------------------------------------


def test_reminders_at_each_offset_once(event):
    start = event.starts_at
    early = services.register(event, person(1), now=start - timedelta(days=5)).registration
    event.capacity = 1
    event.save()
    services.register(event, person(2), now=start - timedelta(days=5))  # waiting: no reminder
    assert services.send_due_reminders(now=start - timedelta(hours=25)) == 0
    assert services.send_due_reminders(now=start - timedelta(hours=23)) == 1
    assert services.send_due_reminders(now=start - timedelta(hours=22)) == 0  # sent already
    (reminder,) = mails("registration_reminder")
    assert reminder.recipient == early.email
    assert "Reminder: Culture & SMEs seminar" in reminder.subject
    assert f"/j/{early.token}" in reminder.text_body and MEETING_URL not in reminder.text_body
    assert "America/New_York" in reminder.text_body
    assert services.send_due_reminders(now=start - timedelta(minutes=59)) == 1
    assert len(mails("registration_reminder")) == 2
    assert services.send_due_reminders(now=start + timedelta(minutes=1)) == 0


def test_no_reminder_for_a_confirmation_fresher_than_the_reminder_time(event):
    start = event.starts_at
    services.register(event, person(1), now=start - timedelta(minutes=90))
    assert services.send_due_reminders(now=start - timedelta(minutes=80)) == 0
    assert services.send_due_reminders(now=start - timedelta(minutes=59)) == 1


def test_reminder_offsets_follow_the_options():
    event = make_event(options={"double_opt_in": False, "reminder_offsets_minutes": [120]})
    start = event.starts_at
    services.register(event, person(1), now=start - timedelta(days=2))
    assert services.send_due_reminders(now=start - timedelta(hours=23)) == 0
    assert services.send_due_reminders(now=start - timedelta(minutes=119)) == 1


def test_reminders_are_a_periodic_job():
    assert periodic.job_name(services.send_due_reminders) in periodic.registered()


# --- Event changed or cancelled ---------------------------------------------------------------


def test_event_changed_notice_with_an_updated_calendar(event):
    event.capacity = 1
    event.save()
    confirmed, waiting = (o.registration for o in register_many(event, 2))
    services.cancel(services.register(event, person(3)).registration)
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event.sequence += 1
    event.save()
    assert services.notify_event_changed(event) == 2
    notices = mails("registration_event_changed")
    assert {m.recipient for m in notices} == {confirmed.email, waiting.email}
    to_confirmed = next(m for m in notices if m.recipient == confirmed.email)
    ics = bytes(to_confirmed.attachments.get().content).decode()
    assert "SEQUENCE:1" in ics and "METHOD:PUBLISH" in ics
    assert "Changed: Culture & SMEs seminar" in to_confirmed.subject
    assert not next(m for m in notices if m.recipient == waiting.email).attachments.exists()


def test_event_cancelled_notice_removes_it_from_calendars(event):
    registration = services.register(event, person()).registration
    event.status = Event.Status.CANCELLED
    event.sequence += 1
    event.save()
    assert services.notify_event_cancelled(event) == 1
    (notice,) = mails("registration_event_cancelled")
    assert notice.recipient == registration.email
    ics = bytes(notice.attachments.get().content).decode()
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics


def test_the_cancellation_e_mail_carries_the_organisers_reason_escaped(event):
    from aula.events import lifecycle

    services.register(event, person())
    lifecycle.cancel(event, actor=None, reason="The venue <b>flooded</b> & we cannot move it.")
    (notice,) = mails("registration_event_cancelled")
    assert "The venue <b>flooded</b> & we cannot move it." in notice.text_body
    assert "The venue &lt;b&gt;flooded&lt;/b&gt; &amp; we cannot move it." in notice.html_body
