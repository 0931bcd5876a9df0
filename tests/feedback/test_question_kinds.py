"""Questions the organiser writes: a rating, one choice, several choices or a text, in every
language; answers checked against their question; results per kind; free text erased."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.feedback import queries, services
from aula.feedback.models import Answer, Rating, SurveyQuestion, SurveyResponse
from tests.factories import make_event, make_registration, organiser

pytestmark = pytest.mark.django_db

Kind = SurveyQuestion.Kind
FORMATS = services.options_from_lines({"en": "Online\nOn site\nHybrid",
                                      "ro": "Online\nLa fața locului\nHibrid"})


@pytest.fixture
def survey():
    event = make_event(days_ahead=-1, primary_language="en")
    services.add_question(event, actor=None, text={"en": "The content"}, order=1)
    services.add_question(event, actor=None, text={"en": "Next format?", "ro": "Formatul?"},
                          order=2, kind=Kind.SINGLE, options=FORMATS)
    services.add_question(event, actor=None, text={"en": "Topics"}, order=3,
                          kind=Kind.MULTIPLE, options=FORMATS[:2], required=False)
    services.add_question(event, actor=None, text={"en": "What should change?"}, order=4,
                          kind=Kind.TEXT, required=False)
    return services.save_settings(event, actor=None, intro={}, is_open=True, closes_at=None)


def ids(survey):
    return [q.pk for q in survey.questions.all()]


def test_choices_are_typed_one_per_line_in_each_language():
    # The registration form's rule: line n is choice n in every language, with a key.
    assert services.options_from_lines({"en": "Yes\n No \n\n", "ro": "Da\nNu"}) == [
        {"key": "yes", "label": {"en": "Yes", "ro": "Da"}},
        {"key": "no", "label": {"en": "No", "ro": "Nu"}}]
    assert FORMATS[1] == {"key": "on-site", "label": {"en": "On site", "ro": "La fața locului"}}
    with pytest.raises(ValidationError) as error:
        services.options_from_lines({"en": "Only one"})
    assert error.value.code == "options_count"


def test_a_choice_question_needs_choices_and_others_have_none():
    event = make_event(days_ahead=-1)
    with pytest.raises(ValidationError):
        services.add_question(event, actor=None, text={"en": "Pick"}, kind=Kind.SINGLE,
                              options=[{"en": "Only"}])
    with pytest.raises(ValidationError):
        services.add_question(event, actor=None, text={"en": "Rate"}, kind=Kind.RATING,
                              options=FORMATS)
    assert not SurveyQuestion.objects.exists()
    assert not AuditEntry.objects.exists()


def test_every_kind_is_stored_and_replaced(survey):
    rating, single, multiple, text = ids(survey)
    registration = make_registration(survey.event)
    services.answer(registration, {rating: 4, single: "hybrid", multiple: ["on-site", "online"],
                                   text: "  More time for questions  "})
    response = SurveyResponse.objects.get()
    assert Rating.objects.get().value == 4
    answers = {a.question_id: a for a in Answer.objects.all()}
    assert answers[single].choices == ["hybrid"]
    assert answers[multiple].choices == ["online", "on-site"]
    assert answers[text].text == "More time for questions"
    services.answer(registration, {rating: 5, single: "online"})
    assert response.ratings.get().value == 5
    assert [(a.question_id, a.choices) for a in response.answers.all()] == [(single, ["online"])]


@pytest.mark.parametrize("bad", [
    lambda r, s, m, t: {r: 4},                      # the required choice missing
    lambda r, s, m, t: {r: 4, s: "hybrid-2"},       # no such choice
    lambda r, s, m, t: {r: 4, s: ["online", "hybrid"]},  # two answers to a one-choice question
    lambda r, s, m, t: {r: 4, s: "online", m: ["online", "hybrid"]},  # not offered there
    lambda r, s, m, t: {r: 4, s: "online", t: "x" * 2001},
    lambda r, s, m, t: {r: 0, s: "online"},
])
def test_answers_that_do_not_fit_their_question_are_refused(survey, bad):
    registration = make_registration(survey.event)
    with pytest.raises(ValidationError):
        services.answer(registration, bad(*ids(survey)))
    assert not SurveyResponse.objects.exists()


def test_results_per_kind(survey):
    rating, single, multiple, text = ids(survey)
    for answers in ({rating: 5, single: "online", multiple: ["online", "on-site"],
                     text: "Shorter talks"},
                    {rating: 3, single: "online", multiple: ["on-site"]},
                    {rating: 4, single: "hybrid", text: "<b>More</b> breaks"}):
        services.answer(make_registration(survey.event), answers)
    results = {r.question.pk: r for r in queries.results(survey).questions}
    assert results[rating].average == 4.0
    assert results[single].count == 3
    assert [(b.value, b.count, b.percent) for b in results[single].bars] == [
        (1, 2, 66.7), (2, 0, 0.0), (3, 1, 33.3)]
    assert results[single].bars[0].option == FORMATS[0]["label"]
    assert [(b.count, b.percent) for b in results[multiple].bars] == [(1, 50.0), (2, 100.0)]
    assert results[text].texts == ["Shorter talks", "<b>More</b> breaks"]


def test_results_page_costs_the_same_queries_whatever_the_answers(
    client, survey, django_assert_max_num_queries
):
    rating, single, multiple, text = ids(survey)
    for n in range(6):
        services.answer(make_registration(survey.event),
                        {rating: 1 + n % 5, single: FORMATS[n % 3]["key"],
                         multiple: [FORMATS[n % 2]["key"]], text: f"T{n}"})
    client.force_login(organiser(project=survey.event.project, role=Role.VIEWER))
    url = reverse("console:feedback", kwargs={"event_id": survey.event.pk})
    with django_assert_max_num_queries(25):
        page = client.get(url)
    html = page.content.decode()
    assert "On site" in html and "T5" in html and html.count("<svg") == 3


def test_the_registrant_form_in_their_language(client, survey):
    rating, single, multiple, text = ids(survey)
    registration = make_registration(survey.event)
    with translation.override("ro"):
        url = reverse("feedback:answer", kwargs={"token": registration.token})
    html = client.get(url).content.decode()
    assert "Formatul?" in html and "La fața locului" in html
    assert 'lang="en"' in html  # the question written only in English says so
    response = client.post(url, {f"q{rating}": "3", f"q{single}": "on-site",
                                 f"q{multiple}": ["online", "on-site"], f"q{text}": "Bine"})
    assert response.status_code == 302
    answers = {a.question_id: a for a in Answer.objects.all()}
    assert answers[single].choices == ["on-site"]
    assert answers[multiple].choices == ["online", "on-site"]
    page = client.get(url).content.decode()
    assert "Bine" in page
    assert f'value="on-site" required id="id_q{single}_1" checked' in page
    # A required choice left out: the form says so and stores nothing new.
    assert client.post(url, {f"q{rating}": "3"}).status_code == 400


def test_the_console_adds_a_choice_question_and_records_it(client):
    event = make_event(days_ahead=-1)
    editor = organiser(project=event.project, role=Role.EDITOR)
    client.force_login(editor)
    url = reverse("console:feedback_question_add", kwargs={"event_id": event.pk})
    response = client.post(url, {"text_en": "Format?", "kind": "multiple", "order": "1",
                                 "options_en": "Online"})
    assert response.status_code == 400
    assert "Give from 2 to 20 choices" in response.content.decode()
    response = client.post(url, {"text_en": "Format?", "kind": "multiple", "order": "1",
                                 "options_en": "Online\nOn site",
                                 "options_ro": "Online\nLa fața locului"})
    assert response.status_code == 302
    question = SurveyQuestion.objects.get()
    assert question.kind == Kind.MULTIPLE and not question.required
    assert question.options == [
        {"key": "online", "label": {"en": "Online", "ro": "Online"}},
        {"key": "on-site", "label": {"en": "On site", "ro": "La fața locului"}}]
    entry = AuditEntry.objects.get()
    assert entry.actor == editor and entry.action == services.QUESTION_ADDED
    assert entry.data["kind"] == "multiple" and entry.data["options"] == question.options


def test_erasure_drops_free_text_and_keeps_choices(survey):
    from aula.registrations.services import personal

    rating, single, multiple, text = ids(survey)
    registration = make_registration(survey.event)
    services.answer(registration, {rating: 4, single: "hybrid", text: "I am Ana from Cluj"}, "Hi")
    personal.erase(registration, actor=None)
    assert not Answer.objects.filter(text__contains="Ana").exists()
    assert Answer.objects.get(question_id=single).choices == ["hybrid"]
    assert queries.results(survey).questions[1].count == 1
