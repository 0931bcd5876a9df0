"""The API's routes, included lazily at ``/api/v1/`` by ``aula.urls`` (namespace ``api``)."""

from aula.api.api import api

urlpatterns = api.urls[0]
