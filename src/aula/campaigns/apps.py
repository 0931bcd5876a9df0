from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "aula.campaigns"
    label = "campaigns"
    verbose_name = _("Messages to registrants")

    def ready(self):
        from aula.campaigns import services
        from aula.events.services import event_cancelled
        from aula.messaging import periodic

        # The scheduler's tick sends the scheduled messages that are due.
        periodic.register(services.send_due)
        # A cancelled event's scheduled messages become drafts, in the cancellation's transaction.
        event_cancelled.connect(
            services.on_event_cancelled, dispatch_uid="campaigns.unschedule_on_cancel",
        )
