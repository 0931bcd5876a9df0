"""The feedback survey: one response per registration, editable while open; the results."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from aula.console.models import Role
from aula.feedback import queries, services
from aula.feedback.models import Rating, Survey, SurveyQuestion, SurveyResponse
from aula.registrations.models import Registration
from tests.factories import make_event, make_registration, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    event = make_event(days_ahead=-1)
    services.add_question(event, actor=None, text={"en": "The content"}, order=1)
    services.add_question(event, actor=None, text={"en": "The speakers"}, order=2)
    return services.save_settings(event, actor=None, intro={"en": "Tell us."}, is_open=True,
                                  closes_at=None)


def questions(survey):
    return list(survey.questions.all())


def test_one_response_per_registration_changed_in_place(survey):
    first, second = questions(survey)
    registration = make_registration(survey.event)
    services.answer(registration, {first.pk: 4, second.pk: 2}, "Good")
    services.answer(registration, {first.pk: 5, second.pk: 3}, "Better")
    response = SurveyResponse.objects.get()
    assert response.comment == "Better"
    assert sorted(Rating.objects.values_list("value", flat=True)) == [3, 5]
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, registration=registration)


def test_ratings_must_be_1_to_5_for_every_question(survey):
    first, second = questions(survey)
    registration = make_registration(survey.event)
    for bad in ({first.pk: 4}, {first.pk: 0, second.pk: 3}, {first.pk: 6, second.pk: 3},
                {first.pk: "x", second.pk: 3}):
        with pytest.raises(ValidationError):
            services.answer(registration, bad)
    assert not SurveyResponse.objects.exists()


def test_closed_survey_takes_no_answers(survey):
    first, second = questions(survey)
    registration = make_registration(survey.event)
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()
    with pytest.raises(services.SurveyClosed):
        services.answer(registration, {first.pk: 4, second.pk: 4})
    survey.closes_at, survey.is_open = None, False
    survey.save()
    with pytest.raises(services.SurveyClosed):
        services.answer(registration, {first.pk: 4, second.pk: 4})


def test_only_confirmed_registrants_answer(survey):
    first, second = questions(survey)
    for status in (Registration.Status.WAITING, Registration.Status.CANCELLED):
        with pytest.raises(services.SurveyClosed):
            services.answer(make_registration(survey.event, status=status),
                            {first.pk: 4, second.pk: 4})
    other_event_registration = make_registration(make_event())
    with pytest.raises(services.SurveyClosed):
        services.answer(other_event_registration, {first.pk: 4, second.pk: 4})


def test_results_math(survey):
    first, second = questions(survey)
    for content, speakers, comment in ((5, 3, "Great"), (4, 3, ""), (4, 1, "<b>Too</b> long"),
                                       (1, 3, "")):
        services.answer(make_registration(survey.event), {first.pk: content, second.pk: speakers},
                        comment)
    results = queries.results(survey)
    assert results.responses == 4
    content, speakers = results.questions
    assert content.count == 4 and content.average == 3.5
    assert [bar.count for bar in content.bars] == [1, 0, 0, 2, 1]
    assert [bar.percent for bar in content.bars] == [25.0, 0.0, 0.0, 50.0, 25.0]
    assert [bar.width for bar in content.bars] == [120.0, 0.0, 0.0, 240.0, 120.0]
    assert speakers.average == 2.5 and [b.count for b in speakers.bars] == [1, 0, 3, 0, 0]
    assert [c.text for c in results.comments] == ["Great", "<b>Too</b> long"]


def test_results_without_answers():
    event = make_event(days_ahead=-1)
    services.add_question(event, actor=None, text={"en": "The content"})
    result = queries.results(Survey.objects.get()).questions[0]
    assert result.count == 0 and result.average is None
    assert all(bar.width == 0 and bar.percent == 0 for bar in result.bars)


def test_registrant_answers_through_their_link(client, survey):
    first, second = questions(survey)
    registration = make_registration(survey.event)
    url = reverse("feedback:answer", kwargs={"token": registration.token})
    page = client.get(url)
    assert page.status_code == 200 and "The content" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    response = client.post(url, {f"q{first.pk}": "2", f"q{second.pk}": "5", "comment": "Nice"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "already answered" in page and "Nice" in page
    assert client.post(url, {f"q{first.pk}": "9", f"q{second.pk}": "5"}).status_code == 400
    survey.is_open = False
    survey.save()
    assert "not open" in client.get(url).content.decode()
    assert client.get(reverse("feedback:answer", kwargs={"token": "x" * 43})).status_code == 404


def test_personal_link_include_shows_the_form_only_while_open(survey):
    from django.template.loader import render_to_string

    registration = make_registration(survey.event)
    html = render_to_string("feedback/_personal.html", {"registration": registration})
    assert reverse("feedback:answer", kwargs={"token": registration.token}) in html
    survey.is_open = False
    survey.save()
    assert render_to_string("feedback/_personal.html", {"registration": registration}).strip() == ""


def test_console_results_page_escapes_comments_and_draws_bars(client, survey):
    first, second = questions(survey)
    services.answer(make_registration(survey.event), {first.pk: 5, second.pk: 4},
                    "<script>alert(1)</script>")
    client.force_login(organiser(project=survey.event.project, role=Role.VIEWER))
    page = client.get(reverse("console:feedback", kwargs={"event_id": survey.event.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert html.count("<svg") == 2 and 'width="240.0"' in html
    assert "5.00" in html  # the average of the first question
    # SVG numbers stay numbers in a language with a decimal comma.
    with translation.override("ro"):
        url = reverse("console:feedback", kwargs={"event_id": survey.event.pk})
    html = client.get(url).content.decode()
    assert 'width="240.0"' in html and "5,00" in html


def test_console_settings_in_the_event_zone(client):
    event = make_event(days_ahead=-1, time_zone="Europe/Vilnius")
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    base = {"event_id": event.pk}
    response = client.post(reverse("console:feedback_question_add", kwargs=base),
                           {"text_en": "The venue", "order": "1", "kind": "rating",
                            "required": "on"})
    assert response.status_code == 302
    response = client.post(reverse("console:feedback_settings", kwargs=base), {
        "intro_en": "Please", "is_open": "on", "closes_at": "2031-06-30T18:00",
    })
    assert response.status_code == 302
    survey = Survey.objects.get(event=event)
    assert survey.is_open and survey.closes_at.isoformat() == "2031-06-30T15:00:00+00:00"
    question = SurveyQuestion.objects.get()
    page = client.get(reverse("console:feedback", kwargs=base)).content.decode()
    assert 'value="2031-06-30T18:00"' in page and "The venue" in page
    assert client.post(reverse("console:feedback_question_add", kwargs=base),
                       {"order": "1"}).status_code == 400
    delete = reverse("console:feedback_question_delete",
                     kwargs={**base, "question_id": question.pk})
    asked = client.post(delete).content.decode()
    assert "Delete?" in asked and "The venue" in asked and SurveyQuestion.objects.exists()
    response = client.post(delete, {"confirmed": "yes"})
    assert response.status_code == 302 and not SurveyQuestion.objects.exists()
