from django.contrib.auth import views as auth_views
from django.urls import include, path

from aula.console import views

app_name = "console"
# Each area of the console has its own URL module (urls_<area>.py) and views module.
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("p/<slug:project>/", views.project, name="project"),
    path("e/<int:event_id>/", views.event, name="event"),
    path("", include("aula.console.urls_projects")),
    path("", include("aula.console.urls_accounts")),
    path("", include("aula.console.urls_events")),
    path("", include("aula.console.urls_registrants")),
    path("", include("aula.console.urls_messages")),
    path("", include("aula.console.urls_attendance")),
    path("", include("aula.console.urls_after")),
    path("", include("aula.console.urls_reports")),
    path("", include("aula.console.urls_announcements")),
    path("", include("aula.console.urls_audit")),
    path("", include("aula.console.urls_retention")),
    path("", include("aula.console.urls_visibility")),
    path("", include("aula.console.urls_api_tokens")),
    path("", include("aula.console.urls_webhooks")),
    path("", include("aula.console.urls_embed")),
]
