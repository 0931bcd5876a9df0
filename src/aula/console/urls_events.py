"""Console pages: events."""

from django.urls import path

from aula.console import event_views as views

urlpatterns = [
    path("p/<slug:project>/events/", views.project_events, name="project_events"),
    path("p/<slug:project>/events/new/", views.event_new, name="event_new"),
    path("e/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("e/<int:event_id>/clone/", views.event_clone, name="event_clone"),
    path("e/<int:event_id>/publish/", views.event_publish, name="event_publish"),
    path("e/<int:event_id>/unpublish/", views.event_unpublish, name="event_unpublish"),
    path("e/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("e/<int:event_id>/agenda/", views.agenda, name="event_agenda"),
    path("e/<int:event_id>/agenda/blocks/<int:block_id>/", views.block_edit, name="event_block"),
    path("e/<int:event_id>/agenda/blocks/<int:block_id>/delete/", views.block_delete,
         name="event_block_delete"),
    path("e/<int:event_id>/agenda/blocks/<int:block_id>/items/new/", views.item_new,
         name="event_item_new"),
    path("e/<int:event_id>/agenda/items/<int:item_id>/", views.item_edit, name="event_item"),
    path("e/<int:event_id>/agenda/items/<int:item_id>/delete/", views.item_delete,
         name="event_item_delete"),
    path("e/<int:event_id>/agenda/items/<int:item_id>/people/", views.role_add,
         name="event_role_add"),
    path("e/<int:event_id>/agenda/items/<int:item_id>/people/new/", views.person_new,
         name="event_person_new"),
    path("e/<int:event_id>/agenda/items/<int:item_id>/people/<int:role_id>/delete/",
         views.role_delete, name="event_role_delete"),
    path("e/<int:event_id>/registration/", views.registration_settings,
         name="event_registration"),
    path("e/<int:event_id>/questions/", views.questions, name="event_questions"),
    path("e/<int:event_id>/questions/<int:question_id>/", views.question_edit,
         name="event_question"),
    path("e/<int:event_id>/questions/<int:question_id>/up/", views.question_move,
         {"direction": "up"}, name="event_question_up"),
    path("e/<int:event_id>/questions/<int:question_id>/down/", views.question_move,
         {"direction": "down"}, name="event_question_down"),
    path("e/<int:event_id>/questions/<int:question_id>/delete/", views.question_delete,
         name="event_question_delete"),
    path("e/<int:event_id>/privacy/", views.privacy_notice, name="event_privacy"),
]
