"""Console pages: the announcement kit. Viewers read and download; editors edit and reset."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aula.announcements import queries, services
from aula.announcements.forms import AnnouncementForm
from aula.console.models import Role
from aula.console.permissions import allows, event_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _check(kind: str, lang: str) -> None:
    if kind not in queries.KINDS or lang not in queries.LANGUAGES:
        raise Http404


def _context(event, role, **extra) -> dict:
    return {
        "event": event, "project": event.project, "role": role,
        "can_write": allows(role, Role.EDITOR), "content_language": event.primary_language,
        **extra,
    }


def _attachment(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def kit(request, event_id):
    event, role = event_for(request.user, event_id)
    return render(request, "console/announcements/kit.html", _context(
        event, role, rows=queries.kit(event), languages=queries.LANGUAGES,
    ))


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, event_id, kind, lang):
    needed = Role.EDITOR if request.method == "POST" else Role.VIEWER
    event, role = event_for(request.user, event_id, needed)
    _check(kind, lang)
    if request.method == "POST":
        form = AnnouncementForm(request.POST)
        if form.is_valid():
            services.save_edit(
                event, kind, lang, form.cleaned_data["body"], actor=request.user
            )
            messages.success(request, _("Saved."))
            return redirect("console:announcement", event_id=event.pk, kind=kind, lang=lang)
        announcement = services.get_or_draft(event, kind, lang)
    else:
        announcement = services.get_or_draft(event, kind, lang)
        form = AnnouncementForm(initial={"body": announcement.body})
    body = form.data.get("body", announcement.body) if form.is_bound else announcement.body
    return render(request, "console/announcements/edit.html", _context(
        event, role, announcement=announcement, form=form, kind=kind, lang=lang,
        preview=services.html(kind, body), body_length=len(body.strip()),
        partners=queries.issuers(event),
        issuer=queries.default_issuer(event), languages=queries.LANGUAGES,
        register_url=queries.registration_url(event, lang),
    ))


@require_POST
@login_required
def reset(request, event_id, kind, lang):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    _check(kind, lang)
    issuer = queries.issuer_for(event, request.POST.get("issuer") or None)
    services.reset_to_draft(event, kind, lang, issuer, actor=request.user)
    messages.success(request, _("The text is the generated draft again."))
    return redirect("console:announcement", event_id=event.pk, kind=kind, lang=lang)


@require_GET
@login_required
def download(request, event_id, kind, lang, fmt):
    event, _role = event_for(request.user, event_id)
    _check(kind, lang)
    body = services.get_or_draft(event, kind, lang).body
    name = services.filename(event, kind, lang, fmt)
    if fmt == "md":
        response = _attachment(body, "text/markdown; charset=utf-8", name)
    elif fmt == "html":
        page = render_to_string("console/announcements/document.html", {
            "lang": lang, "title": str(event), "content": services.html(kind, body),
            "logo_set": services.logo_set_for_html(event, lang),
        })
        response = _attachment(page, "text/html; charset=utf-8", name)
    elif fmt == "docx":
        url = queries.registration_url(event, lang)
        logo = services.logo_set_for_word(event)
        response = _attachment(services.docx(body, url, lang, logo), DOCX, name)
    else:
        raise Http404
    services.record_download(event, kind, lang, fmt, actor=request.user)
    return response


@require_GET
@login_required
def qr(request, event_id, lang, fmt):
    event, _role = event_for(request.user, event_id)
    if lang not in queries.LANGUAGES:
        raise Http404
    url = queries.registration_url(event, lang)
    name = f"{event.project.slug}-{event.slug}-registration-qr-{lang}.{fmt}"
    if fmt == "png":
        response = _attachment(services.qr_png(url), "image/png", name)
    elif fmt == "svg":
        response = _attachment(services.qr_svg(url), "image/svg+xml", name)
    else:
        raise Http404
    services.record_download(event, "qr", lang, fmt, actor=request.user)
    return response
