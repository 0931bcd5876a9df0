"""Console pages: reports."""

from django.urls import path

from aula.console import report_views

urlpatterns = [
    path("e/<int:event_id>/reports/", report_views.event_dashboard, name="reports_event"),
    path("e/<int:event_id>/reports/participation.pdf", report_views.participation_pdf,
         name="reports_pdf"),
    path("e/<int:event_id>/reports/participation.xlsx", report_views.participation_xlsx,
         name="reports_xlsx"),
    path("p/<slug:project>/reports/", report_views.project_dashboard, name="reports_project"),
]
