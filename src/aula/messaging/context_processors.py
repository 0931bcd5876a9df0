from django.urls import reverse

from aula.messaging.queries import mail_viewer_enabled


def mail_viewer(request):
    """The demo's pages link to the local mail viewer, where the e-mails Aula would send are."""
    return {"mail_viewer_url": reverse("messaging:list") if mail_viewer_enabled() else None}
