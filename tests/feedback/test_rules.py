"""The survey opens and takes answers only while the event's life cycle allows it; the
organiser's changes are on the record."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import Event
from aula.feedback import services
from aula.feedback.models import Survey, SurveyResponse
from tests.factories import make_event, make_registration, organiser

pytestmark = pytest.mark.django_db


def _open(event, actor=None):
    return services.save_settings(event, actor=actor, intro={"en": "Tell us."}, is_open=True,
                                  closes_at=None)


def _refused_event(state):
    if state == "not started":
        return make_event(starts_at=datetime.now(UTC) + timedelta(days=3))
    return make_event(days_ahead=-1, status=state)


STATES = ["not started", Event.Status.DRAFT, Event.Status.CANCELLED, Event.Status.CLOSED]


@pytest.mark.parametrize("state", STATES)
def test_opening_is_refused_outside_the_after_seminar(state):
    event = _refused_event(state)
    with pytest.raises(ActionRefused) as refused:
        _open(event)
    assert str(refused.value) == lifecycle.after_seminar_refusal(event)
    assert not Survey.objects.filter(is_open=True).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("state", STATES)
def test_questions_can_be_prepared_and_the_survey_closed_at_any_time(state):
    event = _refused_event(state)
    services.add_question(event, actor=None, text={"en": "The content"})
    survey = services.save_settings(event, actor=None, intro={"en": "Soon."}, is_open=False,
                                    closes_at=None)
    assert not survey.is_open and survey.questions.count() == 1


def test_answers_stop_when_the_event_is_cancelled():
    event = make_event(days_ahead=-1)
    question = services.add_question(event, actor=None, text={"en": "The content"})
    _open(event)
    registration = make_registration(event)
    link = render_to_string("feedback/_personal.html", {"registration": registration})
    assert reverse("feedback:answer", kwargs={"token": registration.token}) in link
    lifecycle.cancel(event, actor=None)
    with pytest.raises(services.SurveyClosed):
        services.answer(registration, {question.pk: 5})
    assert isinstance(services.SurveyClosed(), ActionRefused)
    assert render_to_string("feedback/_personal.html", {"registration": registration}).strip() == ""
    assert not SurveyResponse.objects.exists()


def test_answers_stop_when_the_event_is_closed(client):
    event = make_event(days_ahead=-1, status=Event.Status.HELD)
    question = services.add_question(event, actor=None, text={"en": "The content"})
    _open(event)
    registration = make_registration(event)
    services.answer(registration, {question.pk: 4})
    lifecycle.close(event, actor=None)
    with pytest.raises(services.SurveyClosed):
        services.answer(registration, {question.pk: 5})
    url = reverse("feedback:answer", kwargs={"token": registration.token})
    response = client.post(url, {f"q{question.pk}": "5"})
    assert "This feedback survey is not open." in response.content.decode()
    assert SurveyResponse.objects.get().ratings.get().value == 4


def test_the_console_shows_why_the_survey_cannot_open(client):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=3))
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    base = {"event_id": event.pk}
    page = client.get(reverse("console:feedback", kwargs=base)).content.decode()
    assert "has not started yet" in page
    response = client.post(reverse("console:feedback_settings", kwargs=base),
                           {"intro_en": "Please", "is_open": "on"})
    assert response.status_code == 400 and "has not started yet" in response.content.decode()
    assert not Survey.objects.filter(is_open=True).exists()


def test_settings_and_questions_are_recorded():
    event = make_event(days_ahead=-1)
    ed = organiser(project=event.project, role=Role.EDITOR)
    question = services.add_question(event, actor=ed, text={"en": "The content"}, order=1)
    _open(event, ed)
    services.save_settings(event, actor=ed, intro={"en": "Tell us."}, is_open=False,
                           closes_at=None)
    services.delete_question(question, actor=ed)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [
        services.QUESTION_ADDED, services.SETTINGS_SAVED, services.SETTINGS_SAVED,
        services.QUESTION_DELETED]
    assert all(e.actor == ed and e.event_id == event.pk for e in entries)
    assert entries[2].changes == {"is_open": [True, False]}
    assert entries[3].data["text"] == {"en": "The content"}
