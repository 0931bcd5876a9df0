"""The feedback form, under the language prefix."""

from django.urls import path

from aula.feedback import views
from aula.registrations import converters  # noqa: F401  (registers the converter)

app_name = "feedback"
urlpatterns = [
    path("feedback/<registration_token:token>/", views.answer, name="answer"),
]
