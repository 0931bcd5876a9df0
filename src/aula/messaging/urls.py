from django.urls import path

from aula.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.mail_list, name="list"),
    path("<int:pk>/", views.mail_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.mail_attachment, name="attachment"),
]
