"""Public material downloads, under the language prefix."""

from django.urls import path

from aula.materials import views

app_name = "materials"
urlpatterns = [
    path(
        "p/<slug:project>/<slug:event>/materials/<int:material_id>/",
        views.download, name="download",
    ),
]
