"""The registrant's feedback form, reached through their personal link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aula.feedback import queries, services
from aula.feedback.forms import AnswerForm
from aula.registrations.views import personal_link


@require_http_methods(["GET", "HEAD", "POST"])
@personal_link
def answer(request, registration):
    event = registration.event
    survey = queries.survey_of(event)
    context = {"event": event, "registration": registration,
               "content_language": event.primary_language, "survey": survey}
    if not services.takes_answers(survey) or not services.may_answer(registration):
        return render(request, "feedback/closed.html", context)
    existing = queries.response_of(survey, registration)
    initial = {}
    if existing is not None:
        initial = {f"q{r.question_id}": r.value for r in existing.ratings.all()}
        single = {q.pk for q in survey.questions.all() if q.kind == q.Kind.SINGLE}
        for given in existing.answers.all():
            initial[f"q{given.question_id}"] = (
                given.choices[0] if given.question_id in single and given.choices
                else given.text or given.choices
            )
        initial["comment"] = existing.comment
    form_kwargs = {
        "questions": survey.questions.all(), "language": translation.get_language(),
        "fallback": event.primary_language, "initial": initial,
    }
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.answer(registration, form.answers(), form.cleaned_data["comment"])
            except services.SurveyClosed:
                return render(request, "feedback/closed.html", context)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: your feedback is saved."))
                return redirect(request.path)
        status = 400
    else:
        form = AnswerForm(**form_kwargs)
    context.update(form=form, existing=existing)
    return render(request, "feedback/answer.html", context, status=status)
