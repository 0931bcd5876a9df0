from django.urls import path

from aula.api.api import api

urlpatterns = [path("api/v1/", api.urls)]
