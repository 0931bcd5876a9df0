from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "aula.campaigns"
    label = "campaigns"
    verbose_name = _("Messages to registrants")

    def ready(self):
        from aula.campaigns import services
        from aula.messaging import periodic

        # The scheduler's tick sends the scheduled messages that are due.
        periodic.register(services.send_due)
