"""Console pages: a project's webhooks (owners only)."""

from django.urls import path

from aula.console import webhook_views as views

urlpatterns = [
    path("p/<slug:project>/webhooks/", views.webhook_list, name="webhooks"),
    path("p/<slug:project>/webhooks/new/", views.webhook_new, name="webhook_new"),
    path("p/<slug:project>/webhooks/<int:endpoint_id>/", views.webhook, name="webhook"),
    path("p/<slug:project>/webhooks/<int:endpoint_id>/switch/", views.webhook_switch,
         name="webhook_switch"),
    path("p/<slug:project>/webhooks/<int:endpoint_id>/secret/", views.webhook_rotate,
         name="webhook_rotate"),
    path("p/<slug:project>/webhooks/<int:endpoint_id>/test/", views.webhook_test,
         name="webhook_test"),
    path("p/<slug:project>/webhooks/<int:endpoint_id>/delete/", views.webhook_delete,
         name="webhook_delete"),
    path("p/<slug:project>/webhooks/<int:endpoint_id>/m/<int:message_id>/replay/",
         views.webhook_replay, name="webhook_replay"),
]
