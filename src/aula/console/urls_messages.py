"""Console pages: messages from the organiser to an event's registrants."""

from django.urls import path

from aula.console import email_text_views, message_views

urlpatterns = [
    path("e/<int:event_id>/messages/", message_views.message_list, name="messages"),
    path("e/<int:event_id>/messages/new/", message_views.message_new, name="message_new"),
    path(
        "e/<int:event_id>/messages/<int:campaign_id>/", message_views.message_detail,
        name="message",
    ),
    path(
        "e/<int:event_id>/messages/<int:campaign_id>/edit/", message_views.message_edit,
        name="message_edit",
    ),
    path(
        "e/<int:event_id>/messages/<int:campaign_id>/send/", message_views.message_send,
        name="message_send",
    ),
    path(
        "e/<int:event_id>/messages/<int:campaign_id>/schedule/", message_views.message_schedule,
        name="message_schedule",
    ),
    path(
        "e/<int:event_id>/messages/<int:campaign_id>/unschedule/",
        message_views.message_unschedule, name="message_unschedule",
    ),
    path("e/<int:event_id>/emails/", email_text_views.email_texts_list, name="email_texts"),
    path(
        "e/<int:event_id>/emails/after/", email_text_views.follow_ups_save, name="follow_ups",
    ),
    path(
        "e/<int:event_id>/emails/<str:kind>/<str:language>/", email_text_views.email_text_edit,
        name="email_text",
    ),
    path(
        "e/<int:event_id>/emails/<str:kind>/<str:language>/reset/",
        email_text_views.email_text_reset, name="email_text_reset",
    ),
]
