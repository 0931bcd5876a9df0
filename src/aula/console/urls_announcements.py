"""Console pages: announcements (the announcement kit: press release, invitation, post)."""

from django.urls import path

from aula.console import announcement_views as views

urlpatterns = [
    path("e/<int:event_id>/announcements/", views.kit, name="announcements"),
    path("e/<int:event_id>/announcements/<slug:kind>/<slug:lang>/", views.edit,
         name="announcement"),
    path("e/<int:event_id>/announcements/<slug:kind>/<slug:lang>/reset/", views.reset,
         name="announcement_reset"),
    path("e/<int:event_id>/announcements/<slug:kind>/<slug:lang>/download.<slug:fmt>",
         views.download, name="announcement_download"),
    path("e/<int:event_id>/announcements/qr/<slug:lang>.<slug:fmt>", views.qr,
         name="announcement_qr"),
]
