"""Console pages: the texts of an event's automatic e-mails (confirmation, waiting list,
reminder, changed, cancelled): which are Aula's and which the organiser's, editing one with a
preview, and going back to Aula's."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aula.console.message_forms import EmailTextForm, FollowUpsForm
from aula.console.models import Role
from aula.console.permissions import allows, event_for
from aula.core.errors import ActionRefused
from aula.registrations import email_texts, emails
from aula.registrations.models import EmailText, Registration
from aula.registrations.placeholders import PLACEHOLDERS
from aula.registrations.services import email_texts as text_services
from aula.registrations.services import followups

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def _kind_and_language(kind: str, language: str):
    if kind not in EmailText.Kind.values or language not in LANGUAGE_NAMES:
        raise Http404
    return EmailText.Kind(kind), language


def _context(event, role, **extra) -> dict:
    return {
        "event": event, "project": event.project, "role": role,
        "can_write": allows(role, Role.EDITOR), **extra,
    }


@login_required
def email_texts_list(request, event_id):
    """Each kind of automatic e-mail in each language: Aula's text or the organiser's."""
    event, role = event_for(request.user, event_id)
    edited = {
        (kind, language): updated_at
        for kind, language, updated_at in EmailText.objects.filter(event=event).values_list(
            "kind", "language", "updated_at"
        )
    }
    rows = [
        {"kind": kind, "label": label, "cells": [
            {"language": language, "edited": edited.get((kind, language))}
            for language, _name in settings.LANGUAGES
        ]}
        for kind, label in EmailText.Kind.choices
    ]
    follow_ups = FollowUpsForm(initial={"kinds": sorted(followups.switched_on(event))})
    return render(request, "console/email_texts/list.html", _context(
        event, role, rows=rows, languages=settings.LANGUAGES, follow_ups=follow_ups,
    ))


@login_required
@require_POST
def follow_ups_save(request, event_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    form = FollowUpsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose among the e-mails offered."))
        return redirect("console:email_texts", event_id=event.pk)
    try:
        followups.set_follow_ups(event, actor=request.user, kinds=form.cleaned_data["kinds"])
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The e-mails after the event are saved."))
    return redirect("console:email_texts", event_id=event.pk)


def _sample_registrant(event, language: str) -> Registration:
    """Someone the preview is written to: the first registrant in ``language``, else an
    example person (not saved)."""
    registration = Registration.objects.filter(
        event=event, language=language, anonymised_at__isnull=True
    ).order_by("id").first()
    if registration is None:
        registration = Registration(
            event=event, first_name=_("Ana"), family_name=_("Example"), language=language,
            email="ana@example.org",
        )
    registration.event = event
    return registration


@login_required
def email_text_edit(request, event_id, kind, language):
    """Edit one e-mail's subject and opening; "Preview" shows it without saving."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    kind, language = _kind_and_language(kind, language)
    current = EmailText.objects.filter(event=event, kind=kind, language=language).first()
    default_subject, default_body = email_texts.default_text(kind, language)
    initial = {"subject": current.subject if current else default_subject,
               "body": current.body if current else default_body}
    form = EmailTextForm(request.POST or None, initial=initial)
    status = 200
    preview_source = initial
    if request.method == "POST":
        if form.is_valid() and "preview" not in request.POST:
            try:
                text_services.save_email_text(
                    event, kind, language, actor=request.user, **form.cleaned_data
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The e-mail's text is saved."))
                return redirect("console:email_texts", event_id=event.pk)
        if form.is_valid():
            preview_source = form.cleaned_data
        else:
            status, preview_source = 400, None
    preview = None
    if preview_source is not None:
        sample = _sample_registrant(event, language)
        preview = emails.prepare(kind, sample, event, **email_texts.filled(
            preview_source["subject"], preview_source["body"], sample, event
        )).rendered
    return render(request, "console/email_texts/edit.html", _context(
        event, role, form=form, kind=kind, language=language,
        language_name=LANGUAGE_NAMES[language], edited=current, preview=preview,
        placeholders=PLACEHOLDERS.items(),
    ), status=status)


@login_required
@require_POST
def email_text_reset(request, event_id, kind, language):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    kind, language = _kind_and_language(kind, language)
    if text_services.reset_email_text(event, kind, language, actor=request.user):
        messages.success(request, _("The e-mail has Aula's text again."))
    return redirect("console:email_texts", event_id=event.pk)
