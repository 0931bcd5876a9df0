"""Console pages: registrants."""

from django.urls import path

from aula.console import registrant_views as views

urlpatterns = [
    path("e/<int:event_id>/registrants/", views.registrants, name="registrants"),
    path("e/<int:event_id>/registrants/add/", views.add, name="registrant_add"),
    path("e/<int:event_id>/registrants/import/", views.import_file, name="registrants_import"),
    path("e/<int:event_id>/registrants/import/columns/", views.import_map,
         name="registrants_import_map"),
    path("e/<int:event_id>/registrants/import/confirm/", views.import_confirm,
         name="registrants_import_confirm"),
    path("e/<int:event_id>/registrants/export.<str:fmt>", views.export,
         name="registrants_export"),
    path("e/<int:event_id>/registrants/bulk/", views.bulk, name="registrants_bulk"),
    path("e/<int:event_id>/registrants/<int:registration_id>/", views.registrant,
         name="registrant"),
    path("e/<int:event_id>/registrants/<int:registration_id>/cancel/", views.cancel,
         name="registrant_cancel"),
    path("e/<int:event_id>/registrants/<int:registration_id>/promote/", views.promote,
         name="registrant_promote"),
    path("e/<int:event_id>/registrants/<int:registration_id>/resend/", views.resend,
         name="registrant_resend"),
    path("e/<int:event_id>/registrants/<int:registration_id>/confirm/", views.confirm,
         name="registrant_confirm"),
    path("e/<int:event_id>/registrants/<int:registration_id>/erase/", views.erase,
         name="registrant_erase"),
    path("e/<int:event_id>/registrants/<int:registration_id>/edit/", views.edit,
         name="registrant_edit"),
    path("e/<int:event_id>/registrants/<int:registration_id>/sessions/", views.sessions,
         name="registrant_sessions"),
    path("e/<int:event_id>/registrants/<int:registration_id>/data.json", views.data,
         name="registrant_data"),
]
