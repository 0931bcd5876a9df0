"""Console pages: the project's logo set and an event's image (Interreg visibility)."""

from django.urls import path

from aula.console import visibility_views as views

urlpatterns = [
    path("p/<slug:project>/visibility/", views.project_visibility, name="visibility"),
    path("p/<slug:project>/visibility/remove/", views.project_logo_remove,
         name="visibility_logo_remove"),
    path("e/<int:event_id>/image/", views.event_image, name="event_image"),
    path("e/<int:event_id>/image/remove/", views.event_image_remove, name="event_image_remove"),
]
