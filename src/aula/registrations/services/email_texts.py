"""The organiser's own texts of an event's automatic e-mails (``registrations.email_texts``):
saving one for a kind and a language, and going back to Aula's. Organiser actions, on the
record with the texts before and after."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aula.audit import services as audit
from aula.core.errors import ActionRefused
from aula.registrations.email_texts import forget_texts
from aula.registrations.models import EmailText
from aula.registrations.placeholders import placeholder_help, unknown_placeholders

SAVED = audit.action("email_text.saved", _("Changed the text of an automatic e-mail"))
RESET = audit.action("email_text.reset", _("Went back to Aula's text of an automatic e-mail"))
SUBJECT_MAX_LENGTH = EmailText._meta.get_field("subject").max_length
BODY_MAX_LENGTH = EmailText._meta.get_field("body").max_length


def text_problems(subject: str, body: str) -> list[str]:
    """What is wrong with a subject and an opening, in words; empty when nothing is."""
    problems = []
    if not subject.strip() or not body.strip():
        problems.append(gettext("Write both the subject and the opening."))
    if len(subject) > SUBJECT_MAX_LENGTH or len(body) > BODY_MAX_LENGTH:
        problems.append(gettext(
            "The subject may have at most %(subject)d characters, the opening %(body)d."
        ) % {"subject": SUBJECT_MAX_LENGTH, "body": BODY_MAX_LENGTH})
    unknown = unknown_placeholders(subject) + [
        name for name in unknown_placeholders(body) if name not in unknown_placeholders(subject)
    ]
    if unknown:
        problems.append(gettext("Unknown placeholder %(unknown)s. You can use %(known)s.") % {
            "unknown": ", ".join("{%s}" % name for name in unknown),  # noqa: UP031
            "known": placeholder_help(),
        })
    return problems


def _check_kind_and_language(kind: str, language: str) -> None:
    if kind not in EmailText.Kind.values or language not in dict(settings.LANGUAGES):
        raise ActionRefused(gettext("There is no such automatic e-mail."))


def save_email_text(event, kind: str, language: str, *, actor, subject: str, body: str):
    """Save the organiser's subject and opening of e-mail ``kind`` in ``language``. Refused
    (nothing stored) when a placeholder is unknown or a text is empty or too long."""
    _check_kind_and_language(kind, language)
    subject, body = " ".join(subject.split()), body.strip().replace("\r\n", "\n")
    problems = text_problems(subject, body)
    if problems:
        raise ActionRefused(" ".join(problems))
    with transaction.atomic():
        text = EmailText.objects.select_for_update().filter(
            event=event, kind=kind, language=language
        ).first()
        before = {"subject": text.subject, "body": text.body} if text else {}
        if text is None:
            text = EmailText(event=event, kind=kind, language=language)
        text.subject, text.body = subject, body
        text.updated_at, text.updated_by = timezone.now(), _person(actor)
        changes = audit.changes_between(before, {"subject": subject, "body": body})
        if not changes:
            return text
        text.save()
        audit.record(actor, SAVED, text, event=event, changes=changes,
                     data={"kind": kind, "language": language})
    forget_texts(event)
    return text


def reset_email_text(event, kind: str, language: str, *, actor) -> bool:
    """Go back to Aula's text of e-mail ``kind`` in ``language``. False (nothing recorded)
    when it was Aula's already."""
    _check_kind_and_language(kind, language)
    with transaction.atomic():
        text = EmailText.objects.select_for_update().filter(
            event=event, kind=kind, language=language
        ).first()
        if text is None:
            return False
        audit.record(actor, RESET, text, event=event,
                     changes={"subject": [text.subject, None], "body": [text.body, None]},
                     data={"kind": kind, "language": language})
        text.delete()
    forget_texts(event)
    return True


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
