"""The automatic e-mails' texts an organiser may change per event and language: Aula's default
(the translated sentences the e-mail templates use, with placeholders where the templates fill
in values), the organiser's own when saved, and what a registrant's e-mail takes from it.

Only the subject and the opening are the organiser's; the facts that follow (time, sessions,
links, calendar file, a reason given) stay Aula's, so an edited text cannot lose them.
"""

from django.utils import translation
from django.utils.translation import gettext

from aula.messaging.services import one_line
from aula.registrations.models import EmailText
from aula.registrations.placeholders import fill_body, fill_plain, placeholder_values

Kind = EmailText.Kind
# The placeholders standing for the values the default sentences are written with.
_DEFAULT_VALUES = {
    "first_name": "{first_name}", "event_title": "{event_title}", "when_event": "{event_time}",
}


def _default_sentences(kind: str) -> tuple[str, str]:
    """(subject, opening sentence) in the active language: the msgids of the templates."""
    if kind == Kind.CONFIRMATION:
        return (gettext("Registration confirmed: %(event_title)s"),
                gettext("your place at %(event_title)s is confirmed."))
    if kind == Kind.WAITING:
        return (gettext("On the waiting list: %(event_title)s"),
                gettext("thank you for registering for %(event_title)s. The event is full, so "
                        "you are on the waiting list. When a place becomes free, it goes to the "
                        "next person in line, and we tell you by e-mail."))
    if kind == Kind.REMINDER:
        return (gettext("Reminder: %(event_title)s, %(when_event)s"),
                gettext("a reminder: %(event_title)s is coming up, and you are registered."))
    if kind == Kind.EVENT_CHANGED:
        return (gettext("Changed: %(event_title)s, %(when_event)s"),
                gettext("the organisers have changed %(event_title)s. Please check the time "
                        "and details below."))
    if kind == Kind.EVENT_CANCELLED:
        return (gettext("Cancelled: %(event_title)s"),
                gettext("we are sorry: %(event_title)s has been cancelled and will not take "
                        "place."))
    if kind == Kind.CANCELLATION:
        return (gettext("Registration cancelled: %(event_title)s"),
                gettext("your registration for %(event_title)s is cancelled."))
    raise ValueError(f"Unknown e-mail {kind!r}")


def default_text(kind: str, language: str) -> tuple[str, str]:
    """Aula's (subject, opening) of ``kind`` in ``language``, with placeholders."""
    with translation.override(language):
        subject, opening = _default_sentences(kind)
        greeting = gettext("Dear %(first_name)s,")
    return subject % _DEFAULT_VALUES, f"{greeting % _DEFAULT_VALUES}\n\n{opening % _DEFAULT_VALUES}"


def texts_of(event) -> dict[tuple[str, str], EmailText]:
    """The event's own texts by (kind, language): one query, kept on the instance for the
    e-mails of one batch (an event object lives for one request or task)."""
    cached = getattr(event, "_email_texts", None)
    if cached is None:
        cached = {
            (text.kind, text.language): text
            for text in EmailText.objects.filter(event_id=event.pk)
        }
        event._email_texts = cached
    return cached


def forget_texts(event) -> None:
    event.__dict__.pop("_email_texts", None)


def filled(subject: str, body: str, registration, event) -> dict:
    """The template context of an e-mail whose subject and opening are ``subject``/``body``."""
    values = placeholder_values(registration, event, registration.language)
    opening = fill_body(body, values)
    return {
        "custom_subject": one_line(fill_plain(subject, values)),
        "custom_body_text": opening.text,
        "custom_body_html": opening.html,
    }


def custom_context(name: str, registration, event) -> dict:
    """What e-mail ``name`` to ``registration`` takes of the organiser's text: nothing when
    there is none in the registrant's language (Aula's text then, in that language)."""
    if name not in Kind.values or event.pk is None:
        return {}
    text = texts_of(event).get((name, registration.language))
    if text is None:
        return {}
    return filled(text.subject, text.body, registration, event)
