"""Console pages: the project's API tokens (owners only)."""

from django.urls import path

from aula.console import api_token_views as views

urlpatterns = [
    path("p/<slug:project>/api-tokens/", views.token_list, name="api_tokens"),
    path("p/<slug:project>/api-tokens/<int:token_id>/revoke/", views.token_revoke,
         name="api_token_revoke"),
]
