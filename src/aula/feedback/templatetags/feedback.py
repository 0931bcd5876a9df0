from django import template
from django.urls import reverse

from aula.feedback import services
from aula.feedback.models import Survey

register = template.Library()


@register.simple_tag
def feedback_link(registration):
    """The registrant's feedback form address while the survey takes their answer, else ''."""
    if registration is None or not services.may_answer(registration):
        return ""
    survey = Survey.objects.filter(event_id=registration.event_id).first()
    if survey is None or not survey.accepts_answers():
        return ""
    return reverse("feedback:answer", kwargs={"token": registration.token})
