from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

HOURLY = 3600


class WebhooksConfig(AppConfig):
    name = "aula.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from aula.messaging import periodic
        from aula.webhooks import retention, services
        from aula.webhooks.models import WebhookEndpoint

        # The scheduler's tick retries due deliveries; purges run hourly.
        periodic.register(services.deliver_due_job)
        periodic.register(retention.purge_old_payloads, every=HOURLY)
        for signal in (post_save, post_delete):
            signal.connect(services.endpoints_changed, sender=WebhookEndpoint,
                           dispatch_uid=f"webhooks-endpoints-{signal is post_save}")
