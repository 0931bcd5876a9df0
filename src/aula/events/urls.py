from django.urls import path

from aula.events import views

app_name = "events"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:project>/", views.project_home, name="project"),
    path("p/<slug:project>/<slug:event>/", views.event_page, name="event"),
    path("p/<slug:project>/<slug:event>/agenda/", views.event_agenda_print, name="agenda"),
    path("p/<slug:project>/<slug:event>/calendar.ics", views.event_calendar, name="calendar"),
]
