"""The join link, outside the language prefix: short, the same in every e-mail and calendar
file, shown in the registrant's own language."""

from django.urls import path

from aula.registrations import (
    converters,  # noqa: F401  (registers the converter)
    views,
)

app_name = "join"
urlpatterns = [
    path("j/<registration_token:token>", views.join, name="join"),
]
