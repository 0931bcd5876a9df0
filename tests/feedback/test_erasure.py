"""Erasing a registration takes the person's free-text feedback with it; ratings stay."""

import pytest

from aula.feedback import services
from aula.feedback.models import Rating, SurveyResponse
from aula.registrations import services as registrations
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


def test_erasing_a_registration_blanks_its_comment_and_keeps_ratings():
    event = make_event(days_ahead=-1)
    question = services.add_question(event, actor=None, text={"en": "The content"}, order=1)
    services.save_settings(event, actor=None, intro={"en": "Tell us."}, is_open=True,
                           closes_at=None)
    registration = make_registration(event)
    services.answer(registration, {question.pk: 4}, "Ioana from Timișoara liked it")

    registrations.erase(registration)

    response = SurveyResponse.objects.get()
    assert response.comment == ""
    assert list(Rating.objects.values_list("value", flat=True)) == [4]
