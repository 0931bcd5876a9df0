"""Console pages: after the seminar (materials, feedback survey, certificates)."""

from django.urls import path

from aula.console import after_views as views

urlpatterns = [
    path("e/<int:event_id>/materials/", views.materials, name="materials"),
    path("e/<int:event_id>/materials/document/", views.material_add_document,
         name="material_add_document"),
    path("e/<int:event_id>/materials/link/", views.material_add_link, name="material_add_link"),
    path("e/<int:event_id>/materials/<int:material_id>/", views.material_edit,
         name="material_edit"),
    path("e/<int:event_id>/materials/<int:material_id>/delete/", views.material_delete,
         name="material_delete"),
    path("e/<int:event_id>/materials/<int:material_id>/file/", views.material_file,
         name="material_file"),
    path("e/<int:event_id>/feedback/", views.feedback, name="feedback"),
    path("e/<int:event_id>/feedback/settings/", views.feedback_settings,
         name="feedback_settings"),
    path("e/<int:event_id>/feedback/questions/", views.feedback_question_add,
         name="feedback_question_add"),
    path("e/<int:event_id>/feedback/questions/<int:question_id>/delete/",
         views.feedback_question_delete, name="feedback_question_delete"),
    path("e/<int:event_id>/certificates/", views.certificates, name="certificates"),
    path("e/<int:event_id>/certificates/rule/", views.certificate_rule,
         name="certificate_rule"),
    path("e/<int:event_id>/certificates/issue/", views.certificates_issue,
         name="certificates_issue"),
    path("e/<int:event_id>/certificates/reissue/", views.certificates_reissue_all,
         name="certificates_reissue_all"),
    path("e/<int:event_id>/certificates/<int:certificate_id>/reissue/",
         views.certificate_reissue, name="certificate_reissue"),
    path("e/<int:event_id>/certificates/<int:certificate_id>/pdf/", views.certificate_pdf,
         name="certificate_pdf"),
]
