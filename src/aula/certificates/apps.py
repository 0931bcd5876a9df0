from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "aula.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from aula.certificates import services
        from aula.events.services import event_cancelled
        from aula.messaging import periodic
        from aula.registrations.services import registration_erased

        # A cancelled event revokes its certificates, in the cancellation's transaction.
        event_cancelled.connect(
            services.on_event_cancelled, dispatch_uid="certificates.revoke_on_cancel",
            weak=False,
        )
        registration_erased.connect(
            lambda sender, registration, **kwargs: services.forget_registration(registration),
            dispatch_uid="certificates.forget_registration", weak=False,
        )
        # "Your certificate is ready" for certificates issued before it was switched on.
        periodic.register(services.send_due_certificate_notices)
