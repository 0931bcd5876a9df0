from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "aula.registrations"
    label = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        from aula.core import pagecache
        from aula.events import lifecycle
        from aula.events import services as events
        from aula.messaging import periodic
        from aula.messaging import services as messaging
        from aula.registrations import queries, retention, services

        # The scheduler's tick gives expired held places (double opt-in) to the waiting list
        # and sends the reminders that are due.
        periodic.register(services.release_expired_holds)
        # The registration's e-mails written "to render" are rendered by the delivery worker.
        from aula.registrations import emails
        messaging.register_renderer(emails.RENDERER, emails.render_for_outbox)
        periodic.register(services.send_due_reminders)
        # Personal data whose retention period is over is erased (registrations.retention),
        # hourly: dates are days apart, and a tick erases a bounded number.
        periodic.register(retention.erase_due_personal_data, every=3600)
        # No event is published without a privacy notice for its registrants.
        lifecycle.register_publish_check(queries.publish_problems)
        lifecycle.register_publish_check(queries.publish_warnings, blocking=False)
        # Registrants hear of a moved or cancelled event in the transaction that changed it.
        # dispatch_uid: a re-run ready() must not connect them twice (two e-mails each).
        events.event_rescheduled.connect(
            services.on_event_rescheduled, dispatch_uid="registrations.notify_event_changed"
        )
        events.event_cancelled.connect(
            services.on_event_cancelled, dispatch_uid="registrations.notify_event_cancelled"
        )
        # A copied event gets the source's options, questions and privacy notice.
        from aula.registrations import cloning
        events.event_cloned.connect(cloning.copy_registration_setup, dispatch_uid="reg.clone")
        # A parallel session's capacity is changed under the event's counter lock and refused
        # below the places taken in it (services.capacity).
        events.session_capacity_changing.connect(
            services.on_session_capacity_changing,
            dispatch_uid="registrations.session_capacity_changing",
        )
        # The event page's registration box depends on the privacy notice (rendered per
        # request; the bump keeps every cached copy consistent all the same).
        from aula.projects.models import Project
        from aula.registrations.models import PrivacyNotice, Question, RegistrationOptions

        pagecache.watch(
            PrivacyNotice,
            lambda notice: Project.objects.filter(pk=notice.project_id).values_list(
                "slug", flat=True
            ),
            uid="registrations.pages.privacy_notice",
        )
        # The blank registration form is kept per project version too (views._blank_form_page).
        def event_project(row):
            return Project.objects.filter(events=row.event_id).values_list("slug", flat=True)

        pagecache.watch(RegistrationOptions, event_project, uid="registrations.pages.options")
        pagecache.watch(Question, event_project, uid="registrations.pages.question")
