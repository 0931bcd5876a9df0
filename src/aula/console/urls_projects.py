"""Console pages: setting a project up (the project, its partners, its privacy notice)."""

from django.urls import path

from aula.console import project_views as views

urlpatterns = [
    path("projects/new/", views.project_new, name="project_new"),
    path("p/<slug:project>/edit/", views.project_edit, name="project_edit"),
    path("p/<slug:project>/partners/", views.partners, name="partners"),
    path("p/<slug:project>/partners/new/", views.partner_new, name="partner_new"),
    path("p/<slug:project>/partners/<int:partner_id>/", views.partner_edit, name="partner_edit"),
    path("p/<slug:project>/partners/<int:partner_id>/up/", views.partner_move,
         {"direction": "up"}, name="partner_up"),
    path("p/<slug:project>/partners/<int:partner_id>/down/", views.partner_move,
         {"direction": "down"}, name="partner_down"),
    path("p/<slug:project>/partners/<int:partner_id>/delete/", views.partner_delete,
         name="partner_delete"),
    path("p/<slug:project>/privacy/", views.project_privacy, name="project_privacy"),
]
