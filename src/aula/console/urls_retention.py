"""Console pages: data retention (owners only)."""

from django.urls import path

from aula.console import retention_views as views

urlpatterns = [
    path("p/<slug:project>/retention/", views.project_retention, name="retention"),
]
