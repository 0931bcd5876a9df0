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
    survey = Survey.objects.select_related("event").filter(
        event_id=registration.event_id
    ).first()
    if not services.takes_answers(survey):
        return ""
    return reverse("feedback:answer", kwargs={"token": registration.token})
