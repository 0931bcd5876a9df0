"""Reads for the feedback survey: the registrant's form and the organiser's results."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count

from aula.events.models import Event
from aula.feedback.models import RATINGS, Answer, Rating, Survey, SurveyQuestion, SurveyResponse

# Geometry of the bar charts drawn on the server (SVG user units).
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 24
BAR_MAX_WIDTH = 240
CHART_WIDTH = LABEL_WIDTH + BAR_MAX_WIDTH + 48


def survey_of(event: Event) -> Survey | None:
    survey = Survey.objects.filter(event=event).prefetch_related("questions").first()
    if survey is not None:
        survey.event = event
    return survey


def response_of(survey: Survey, registration) -> SurveyResponse | None:
    return (
        SurveyResponse.objects.filter(survey=survey, registration=registration)
        .prefetch_related("ratings", "answers").first()
    )


@dataclass(frozen=True, slots=True)
class Bar:
    value: int
    count: int
    percent: float
    y: int
    width: float
    option: dict | None = None  # a choice question's choice, one text per language

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5


@dataclass(slots=True)
class QuestionResult:
    question: SurveyQuestion
    count: int
    average: float | None
    bars: list[Bar]
    texts: list[str] = field(default_factory=list)
    chart_height: int = field(default=len(RATINGS) * (BAR_HEIGHT + BAR_GAP))
    chart_width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    at: datetime


@dataclass(slots=True)
class Results:
    responses: int
    questions: list[QuestionResult]
    comments: list[Comment]


def _bars(values, distribution: dict[int, int], whole: int, options=None) -> list[Bar]:
    most = max((distribution.get(value, 0) for value in values), default=0)
    bars = []
    for index, value in enumerate(values):
        n = distribution.get(value, 0)
        bars.append(Bar(
            value=value, count=n,
            percent=round(100 * n / whole, 1) if whole else 0.0,
            y=index * (BAR_HEIGHT + BAR_GAP),
            width=round(BAR_MAX_WIDTH * n / most, 1) if most else 0.0,
            option=options[index] if options else None,
        ))
    return bars


def choice_result(question: SurveyQuestion, chosen: list[list[str]]) -> QuestionResult:
    """How many respondents chose each choice (numbered from 1), as a share of those who
    answered the question (several choices can add up to more than 100 %)."""
    number = {option["key"]: n for n, option in enumerate(question.options, 1)}
    distribution: dict[int, int] = {}
    for keys in chosen:
        for key in keys:
            if key in number:
                distribution[number[key]] = distribution.get(number[key], 0) + 1
    values = range(1, len(question.options) + 1)
    labels = [option["label"] for option in question.options]
    return QuestionResult(
        question, len(chosen), None, _bars(values, distribution, len(chosen), labels),
        chart_height=len(values) * (BAR_HEIGHT + BAR_GAP),
    )


def question_result(question: SurveyQuestion, distribution: dict[int, int]) -> QuestionResult:
    """Count, average and bars of one question from value → number of ratings."""
    count = sum(distribution.get(value, 0) for value in RATINGS)
    total = sum(value * distribution.get(value, 0) for value in RATINGS)
    return QuestionResult(question, count, round(total / count, 2) if count else None,
                          _bars(RATINGS, distribution, count))


def _result(question, ratings, answers) -> QuestionResult:
    given = answers.get(question.pk, [])
    if question.kind == SurveyQuestion.Kind.RATING:
        return question_result(question, ratings.get(question.pk, {}))
    if question.kind == SurveyQuestion.Kind.TEXT:
        texts = [text for text, _choices in given if text]
        return QuestionResult(question, len(texts), None, [], texts=texts, chart_height=0)
    return choice_result(question, [choices for _text, choices in given if choices])


def results(survey: Survey) -> Results:
    """Everything the results page shows (five queries, whatever the number of answers)."""
    questions = list(survey.questions.all())
    counts: dict[int, dict[int, int]] = {}
    rows = (
        Rating.objects.filter(response__survey=survey)
        .values("question_id", "value").annotate(n=Count("id")).order_by()
    )
    for row in rows:
        counts.setdefault(row["question_id"], {})[row["value"]] = row["n"]
    answers: dict[int, list[tuple[str, list[int]]]] = {}
    given = (
        Answer.objects.filter(response__survey=survey)
        .order_by("response__updated_at", "id").values_list("question_id", "text", "choices")
    )
    for question_id, text, choices in given:
        answers.setdefault(question_id, []).append((text, choices))
    comments = [
        Comment(text, at)
        for text, at in SurveyResponse.objects.filter(survey=survey).exclude(comment="")
        .order_by("updated_at", "id").values_list("comment", "updated_at")
    ]
    return Results(
        responses=SurveyResponse.objects.filter(survey=survey).count(),
        questions=[_result(q, counts, answers) for q in questions],
        comments=comments,
    )
