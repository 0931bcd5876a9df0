"""Console pages: the snippet that shows an event's registration form on a partner's site."""

from django.urls import path

from aula.console import embed_views as views

urlpatterns = [
    path("e/<int:event_id>/embed/", views.event_embed, name="event_embed"),
]
