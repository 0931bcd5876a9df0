from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "aula.registrations"
    label = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        from aula.messaging import periodic
        from aula.registrations import services

        # The scheduler's tick gives expired held places (double opt-in) to the waiting list
        # and sends the reminders that are due.
        periodic.register(services.release_expired_holds)
        periodic.register(services.send_due_reminders)
