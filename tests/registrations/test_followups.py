"""E-mails after the event, switched on by the organiser per event: the survey invitation, the
certificate notice and the materials notice. Only for a held event, only to whom they concern,
through the outbox, never twice."""

import pytest
from django.db import IntegrityError, transaction

from aula.audit.models import AuditEntry
from aula.certificates import services as certificates
from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import Event
from aula.feedback import services as feedback
from aula.materials import services as materials
from aula.messaging import periodic
from aula.messaging.models import OutboxMessage
from aula.registrations.models import FollowUp, FollowUpSent, Registration
from aula.registrations.services import followups
from tests.factories import clear_audit_log, make_event, make_registration, organiser

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def event():
    return make_event(days_ahead=-1, status=Event.Status.HELD)


@pytest.fixture
def people(event):
    return {
        "confirmed": make_registration(event, first_name="Ana"),
        "waiting": make_registration(event, status=Status.WAITING),
        "cancelled": make_registration(event, status=Status.CANCELLED),
        "erased": make_registration(event, anonymised_at=event.starts_at),
    }


def switch(event, *kinds):
    followups.set_follow_ups(event, actor=None, kinds=kinds)


def sent(kind):
    return list(OutboxMessage.objects.filter(kind=f"registration_followup_{kind}"))


def open_survey(event):
    feedback.save_settings(event, actor=None, intro={}, is_open=True, closes_at=None)


# --- The switches ----------------------------------------------------------------------------


def test_switching_is_on_the_record_and_refused_for_a_cancelled_event(event):
    editor = organiser("editor", event.project)
    clear_audit_log()
    followups.set_follow_ups(event, actor=editor, kinds=["survey", "materials"])
    followups.set_follow_ups(event, actor=editor, kinds=["survey", "materials"])  # no change
    followups.set_follow_ups(event, actor=editor, kinds=["certificate"])
    assert followups.switched_on(event) == {"certificate"}
    first, second = AuditEntry.objects.filter(action="follow_ups.switched").order_by("id")
    assert first.actor == editor and first.changes == {
        "survey": [False, True], "materials": [False, True]}
    assert second.changes == {
        "survey": [True, False], "materials": [True, False], "certificate": [False, True]}

    cancelled = make_event(status=Event.Status.CANCELLED)
    clear_audit_log()
    with pytest.raises(ActionRefused, match="cancelled"):
        switch(cancelled, "survey")
    with pytest.raises(ActionRefused):
        switch(event, "newsletter")
    assert not followups.switched_on(cancelled) and not AuditEntry.objects.exists()


# --- Survey invitation ------------------------------------------------------------------------


def test_the_survey_invitation_goes_once_to_confirmed_registrants(event, people):
    switch(event, "survey")
    assert feedback.send_survey_invitations() == 0  # the survey is not open yet
    open_survey(event)
    periodic.run_all()
    (mail,) = sent("survey")
    assert mail.recipient == people["confirmed"].email
    assert f"/feedback/{people['confirmed'].token}/" in mail.text_body
    assert mail.text_body.startswith("Dear Ana,")
    periodic.run_all()
    assert feedback.send_survey_invitations() == 0
    assert len(sent("survey")) == 1


def test_nothing_is_sent_unless_switched_on(event, people):
    open_survey(event)
    materials.add_link(event, actor=None, title={"en": "Slides"}, url="https://example.org/s",
                       published=True)
    periodic.run_all()
    assert not sent("survey") and not sent("materials")


@pytest.mark.parametrize("status", [Event.Status.PUBLISHED, Event.Status.CLOSED])
def test_only_a_held_event_sends_follow_ups(event, people, status):
    switch(event, "survey", "materials")
    open_survey(event)
    materials.add_link(event, actor=None, title={"en": "Slides"}, url="https://example.org/s",
                       published=True)
    Event.objects.filter(pk=event.pk).update(status=status)
    # The senders themselves (the tick would mark the ended, published event held first).
    assert feedback.send_survey_invitations() == 0
    assert materials.send_materials_notices() == 0
    assert not sent("survey") and not sent("materials")
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    periodic.run_all()
    assert len(sent("survey")) == 1 and len(sent("materials")) == 1


def test_a_cancelled_event_sends_none(people):
    event = make_event(days_ahead=-1)  # started, published: cancellable
    make_registration(event)
    switch(event, "survey", "materials")
    materials.add_link(event, actor=None, title={"en": "Slides"}, url="https://example.org/s",
                       published=True)
    lifecycle.cancel(event, actor=None)
    periodic.run_all()
    assert not sent("survey") and not sent("materials")
    assert not FollowUpSent.objects.exists()


# --- Materials --------------------------------------------------------------------------------


def test_the_materials_notice_waits_for_a_published_material(event, people):
    switch(event, "materials")
    material = materials.add_link(event, actor=None, title={"en": "Slides"},
                                  url="https://example.org/s")
    assert materials.send_materials_notices() == 0
    materials.update(material, actor=None, title={"en": "Slides"}, order=0, published=True)
    assert materials.send_materials_notices() == 1
    (mail,) = sent("materials")
    assert mail.recipient == people["confirmed"].email and event.slug in mail.text_body
    assert materials.send_materials_notices() == 0


# --- Certificates -----------------------------------------------------------------------------


@pytest.fixture
def present(monkeypatch):
    minutes: dict[int, int | None] = {}
    monkeypatch.setattr("aula.certificates.queries.attendees", lambda event: dict(minutes))
    return minutes


def test_issuing_certificates_tells_their_holders_in_the_same_action(event, people, present):
    switch(event, "certificate")
    absent = make_registration(event)
    present[people["confirmed"].pk] = 150
    present[absent.pk] = 5  # too short for a certificate
    certificates.issue_all(event, actor=None)
    (mail,) = sent("certificate")
    assert mail.recipient == people["confirmed"].email
    assert f"/certificates/mine/{people['confirmed'].token}/" in mail.text_body
    present[absent.pk] = 120  # now eligible: issuing again tells only the new holder
    certificates.issue_all(event, actor=None)
    assert sorted(m.recipient for m in sent("certificate")) == sorted(
        [people["confirmed"].email, absent.email])
    periodic.run_all()
    assert len(sent("certificate")) == 2


def test_switched_on_after_issuing_the_tick_tells_the_holders(event, people, present):
    present[people["confirmed"].pk] = 150
    certificates.issue_all(event, actor=None)
    assert not sent("certificate")
    switch(event, "certificate")
    periodic.run_all()
    assert len(sent("certificate")) == 1


# --- Never twice ------------------------------------------------------------------------------


def test_the_database_refuses_a_second_follow_up_of_a_kind(event, people):
    registration = people["confirmed"]
    FollowUpSent.objects.create(registration=registration, kind=FollowUp.SURVEY)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpSent.objects.create(registration=registration, kind=FollowUp.SURVEY)
    FollowUpSent.objects.create(registration=registration, kind=FollowUp.MATERIALS)
    switch(event, "survey")
    open_survey(event)
    assert feedback.send_survey_invitations() == 0  # recorded as sent already
