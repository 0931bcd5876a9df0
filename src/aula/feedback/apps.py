from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "aula.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from aula.feedback import services
        from aula.messaging import periodic
        from aula.registrations.services import registration_erased

        registration_erased.connect(
            lambda sender, registration, **kwargs: services.forget_registration(registration),
            dispatch_uid="feedback.forget_registration", weak=False,
        )
        # Invitations to the survey, where the organiser switched them on.
        periodic.register(services.send_survey_invitations)
