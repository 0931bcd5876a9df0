from django.core import checks
from django.utils.translation import gettext_lazy as _


@checks.register(checks.Tags.security, deploy=True)
def mail_viewer_in_production(app_configs, **kwargs):
    """``check --deploy``: without AULA_EMAIL_URL nothing is sent and the e-mails, personal
    links included, are readable by anyone at /mail/. Right for the demo, wrong in production."""
    from aula.messaging.queries import mail_viewer_enabled

    if not mail_viewer_enabled():
        return []
    return [checks.Warning(
        _("E-mail is not sent: it is kept in the mail viewer at /mail/, open to every visitor."),
        hint=_("Set AULA_EMAIL_URL to deliver e-mail through an SMTP server."),
        id="messaging.W001",
    )]
