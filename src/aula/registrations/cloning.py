"""What registrations copies when an event is copied as the next one: its registration options,
its questions, its own texts of the automatic e-mails and its own privacy notice (as version 1
of the copy's notice). Connected to ``aula.events.services.event_cloned`` in
``RegistrationsConfig.ready()``; runs inside the transaction of the copy."""

from aula.core.copying import unsaved_copy as _copy
from aula.registrations.models import EmailText, PrivacyNotice, Question, RegistrationOptions


def copy_registration_setup(sender, source, copy, **kwargs) -> None:
    options = RegistrationOptions.objects.filter(event=source).first()
    if options is not None:
        _copy(options, event=copy).save()
    for question in Question.objects.filter(event=source).order_by("order", "id"):
        _copy(question, event=copy).save()
    for text in EmailText.objects.filter(event=source).order_by("id"):
        _copy(text, event=copy).save()
    notice = PrivacyNotice.objects.filter(event=source).order_by("-version", "-id").first()
    if notice is not None:
        PrivacyNotice.objects.create(project=copy.project, event=copy, version=1,
                                     text=notice.text)
