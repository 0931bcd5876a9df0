"""Certificate verification and the registrant's own certificate, under the language prefix."""

from django.urls import path, re_path

from aula.certificates import views
from aula.registrations import converters  # noqa: F401  (registers the converter)

app_name = "certificates"
urlpatterns = [
    path("certificates/mine/<registration_token:token>/", views.mine, name="mine"),
    re_path(r"^certificates/(?P<code>[A-Za-z0-9-]{1,20})/$", views.verify, name="verify"),
]
