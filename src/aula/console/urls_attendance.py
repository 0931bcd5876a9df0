"""Console pages: attendance."""

from django.urls import path

from aula.console import attendance_views as views

urlpatterns = [
    path("e/<int:event_id>/attendance/", views.attendance, name="attendance"),
    path("e/<int:event_id>/attendance/import/", views.attendance_import,
         name="attendance_import"),
    path("e/<int:event_id>/attendance/jobs/<int:job_id>/", views.attendance_job,
         name="attendance_job"),
    path("e/<int:event_id>/attendance/jobs/<int:job_id>/confirm/", views.attendance_job_confirm,
         name="attendance_job_confirm"),
    path("e/<int:event_id>/attendance/jobs/<int:job_id>/retry/", views.attendance_job_retry,
         name="attendance_job_retry"),
    path("e/<int:event_id>/attendance/jobs/<int:job_id>/discard/", views.attendance_job_discard,
         name="attendance_job_discard"),
    path("e/<int:event_id>/attendance/imports/<int:batch_id>/", views.attendance_report,
         name="attendance_report"),
    path("e/<int:event_id>/attendance/imports/<int:batch_id>/delete/",
         views.attendance_delete_import, name="attendance_delete_import"),
    path("e/<int:event_id>/attendance/rows/<int:record_id>/match/", views.attendance_match,
         name="attendance_match"),
    path("e/<int:event_id>/attendance/rows/<int:record_id>/unmatch/", views.attendance_unmatch,
         name="attendance_unmatch"),
    path("e/<int:event_id>/attendance/registrants/<int:registration_id>/mark/",
         views.attendance_mark, name="attendance_mark"),
    path("e/<int:event_id>/attendance/registrants/<int:registration_id>/unmark/",
         views.attendance_unmark, name="attendance_unmark"),
]
