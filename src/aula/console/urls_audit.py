"""Console pages: the audit log (owners only)."""

from django.urls import path

from aula.console import audit_views as views

urlpatterns = [
    path("p/<slug:project>/log/", views.project_log, name="audit_project"),
    path("p/<slug:project>/log/export.<slug:fmt>", views.project_log_export,
         name="audit_project_export"),
    path("e/<int:event_id>/log/", views.event_log, name="audit_event"),
    path("e/<int:event_id>/log/export.<slug:fmt>", views.event_log_export,
         name="audit_event_export"),
]
