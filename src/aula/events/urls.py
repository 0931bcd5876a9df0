from django.urls import path

from aula.events import views

app_name = "events"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:project>/", views.project_home, name="project"),
    path("p/<slug:project>/calendar.ics", views.project_feed, name="project_feed"),
    path(
        "p/<slug:project>/partners/<int:partner>/calendar.ics",
        views.partner_feed, name="partner_feed",
    ),
    path("p/<slug:project>/events.json", views.project_events_json, name="events_json"),
    path("p/<slug:project>/<slug:event>/", views.event_page, name="event"),
    path("p/<slug:project>/<slug:event>/agenda/", views.event_agenda_print, name="agenda"),
    path("p/<slug:project>/<slug:event>/calendar.ics", views.event_calendar, name="calendar"),
    path(
        "p/<slug:project>/<slug:event>/schedule.xml", views.event_schedule_xml,
        name="schedule_xml",
    ),
    path(
        "p/<slug:project>/<slug:event>/schedule.json", views.event_schedule_json,
        name="schedule_json",
    ),
]
