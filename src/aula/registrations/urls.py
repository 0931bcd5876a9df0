"""Registration pages, under the language prefix (``i18n_patterns``)."""

from django.urls import path

from aula.registrations import (
    converters,  # noqa: F401  (registers the converter)
    views,
)

app_name = "registrations"
urlpatterns = [
    path("p/<slug:project>/<slug:event>/register/", views.register, name="register"),
    path("p/<slug:project>/<slug:event>/register/thanks/", views.thanks, name="thanks"),
    # The same form and thanks page for a partner's site to show in a frame (``views.embed``).
    path("p/<slug:project>/<slug:event>/embed/", views.embed, name="embed"),
    path("p/<slug:project>/<slug:event>/embed/thanks/", views.embed_thanks, name="embed_thanks"),
    path("r/erased/", views.erased, name="erased"),
    path("r/<registration_token:token>/", views.personal, name="personal"),
    path("r/<registration_token:token>/sessions/", views.sessions, name="sessions"),
    path("r/<registration_token:token>/confirm/", views.confirm, name="confirm"),
    path("r/<registration_token:token>/cancel/", views.cancel, name="cancel"),
    path("r/<registration_token:token>/erase/", views.erase, name="erase"),
    path("r/<registration_token:token>/calendar.ics", views.calendar, name="calendar"),
    path("r/<registration_token:token>/data.json", views.data, name="data"),
]
