"""Registration pages: the public form, the registrant's own page and the join link.

Thin: the rules are in ``services`` (writes) and ``queries`` (reads). Pages behind a personal
link are never cached and never indexed, and send no Referer (the link is the key).
"""

import functools
import hashlib
import json
from functools import wraps

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from aula.core import pagecache, security, timefmt
from aula.events.calendar import calendar_filename, event_calendar
from aula.projects import origins
from aula.registrations import display, queries, ratelimit, services
from aula.registrations.emails import has_join_link
from aula.registrations.forms import (
    EMBED_FIELD,
    DetailsForm,
    RegistrationForm,
    SessionsForm,
    checked_token,
    embed_token,
    embed_token_valid,
    fill_session_places,
    session_place_texts,
    started_token,
)
from aula.registrations.models import Registration
from aula.registrations.services import Result

THANKS_RESULTS = {Result.CONFIRMED, Result.HELD, Result.WAITING}
# What the audit log says of changes the registrant makes on their own page (no actor).
VIA = "registrant"


def private(response):
    """Headers for every page reached through a personal link."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Never send the personal link to other sites; "no-referrer" would be stricter, but then
    # browsers send "Origin: null" with this page's forms and Django's CSRF check refuses them.
    response["Referrer-Policy"] = "same-origin"
    return response


def _event_or_404(project, event):
    found = queries.public_event(project, event)
    if found is None:
        raise Http404
    return found


def _event_context(event, language, *, embed=False):
    event_url = reverse(
        "events:event", kwargs={"project": event.project.slug, "event": event.slug}
    )
    return {
        "event": event,
        "content_language": event.primary_language,
        "when_event": timefmt.format_range(
            event.starts_at, event.ends_at, event.time_zone, language
        ),
        "event_url": event_url,
        # The embedded pages (a partner's site shows them in a frame): the same templates in a
        # minimal layout, whose links to Aula open in a new tab.
        "embed": embed,
        "base_template": "registrations/embed/base.html" if embed else "registrations/base.html",
    }


def _closed_reason(event, notice, now) -> Result | None:
    gate = services.why_closed(event, now)
    if gate is not None:
        return gate
    return Result.UNAVAILABLE if notice is None else None


@require_http_methods(["GET", "HEAD", "POST"])
def register(request, project, event):
    return _register(request, project, event, embed=False)


def framed(response, project):
    """An embedded page: only the project's listed sites may frame it (CSP frame-ancestors,
    'none' when it lists none: it fails closed), and no X-Frame-Options (which knows no list
    of sites). With sites listed, Aula's own pages may frame it too ('self'): the console's
    preview of the snippet."""
    sources = origins.header_sources(project.embed_origins)
    response["Content-Security-Policy"] = security.policy_framed_by(
        ["'self'", *sources] if sources else []
    )
    return response


# Why the embedded form may be sent without Django's CSRF cookie, and why that is safe:
# in a partner's page the frame is a third-party context, where browsers do not send
# SameSite=Lax cookies, so the CSRF cookie never comes back and Django's check would refuse
# every registration. Cross-site request forgery is a stranger's page making a visitor's
# browser act with the visitor's cookies (their session, their account). These views act on no
# session and no account: they read no cookie, set none, and a registration is made only from
# what the form carries — exactly what anyone may send by loading the form themselves. What the
# cookie check would still give — "this came from Aula's own form" — is given by the embed
# token instead (``forms.embed_token``): signed by Aula, bound to this event, valid for hours,
# checked before anything else; a forged, expired or other event's token is refused with nothing
# stored. The bot checks (start time, honeypot, "check and send") and the rate limit are the
# public form's own. Every other form keeps Django's CSRF check.
@xframe_options_exempt
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def embed(request, project, event):
    return _register(request, project, event, embed=True)


def _register(request, project, event, *, embed):
    # The project's content version: read once, for the setup and the blank form's cache key.
    version = pagecache.versions(project)[0] if pagecache.enabled() else None
    event, setup = queries.form_event_and_setup(project, event, version)
    if event is None:
        raise Http404
    done = (lambda response: framed(response, event.project)) if embed else (lambda r: r)
    language = translation.get_language()
    now = timezone.now()
    notice, options, slots = setup.notice, setup.options, setup.slots
    # Built only for a page: a registration that succeeds is answered with a redirect.
    page = functools.partial(_event_context, event, language, embed=embed)
    if embed and request.method == "POST" and not embed_token_valid(
        request.POST.get(EMBED_FIELD), event
    ):
        # Checked first: nothing is counted, judged or stored for a form Aula did not hand out.
        return done(render(request, "registrations/embed/refused.html", {
            **page(), "embed_url": request.path,
        }, status=403))
    closed = _closed_reason(event, notice, now)
    if closed is not None:
        return done(_closed(request, page(), closed))

    session_left = queries.session_places_left(event, slots)
    taken = queries.places_taken(event)
    places_left = queries.places_left(event, taken)
    # With no place left people join the waiting list: any session may be their wish then; so
    # may a full session when the event has a waiting list (the session's own waiting list).
    event_has_room = places_left is None or places_left > 0
    if not event_has_room and not options.waiting_list and request.method != "POST":
        return done(_closed(request, page(), Result.FULL))
    form_kwargs = {
        "event": event, "notice": notice, "questions": setup.questions,
        "slots": slots, "session_left": session_left,
        "disable_full": event_has_room and not options.waiting_list,
        "waiting_list": options.waiting_list, "live_places": True,
    }

    def form_context(form):
        context = page()
        context.update({
            "form": form, "notice": notice, "options": options, "places_left": places_left,
            "event_has_room": event_has_room,
        })
        if embed:
            context["embed_token"] = embed_token(event)
        return context

    status = 200
    if request.method == "POST":
        allowed, retry_after = ratelimit.allow(request)
        if not allowed:
            response = render(
                request, "registrations/rate_limited.html",
                {**page(), "minutes": max(1, round(retry_after / 60))}, status=429,
            )
            response["Retry-After"] = str(retry_after)
            return done(response)
        form = RegistrationForm(request.POST, **form_kwargs)
        if form.needs_check() and form.is_valid():
            # Sent back as a bot would (autofill does too): nothing stored yet, and no "thank
            # you" either; a person sends the details once more from the check page.
            return done(_check_page(request, form, {
                **page(), "options": options, "event_has_room": event_has_room,
            }))
        if form.is_valid():
            try:
                outcome = services.register(
                    event, form.registration_data(), now=now, setup=setup, taken=taken
                )
            except ValidationError as error:
                form.apply_errors(error)
            else:
                if outcome.accepted:
                    return _thanks_redirect(event, outcome.result,
                                            session_full=bool(outcome.full_sessions),
                                            embed=embed)
                if outcome.result == Result.SESSION_FULL:
                    form.mark_full(outcome.full_sessions)
                elif outcome.result == Result.FULL:
                    form.add_error(None, _("Sorry, the event has just become full."))
                else:
                    return done(_closed(request, page(), outcome.result))
        status = 400 if form.errors else 200
    elif pagecache.enabled() and pagecache.anonymous(request):
        # The blank form, spliced into its cached page: the form and the page's context are
        # built only when the page must be rendered.
        state = (event_has_room, places_left if places_left is not None and places_left <= 10
                 else None, tuple(sorted(pk for pk, left in session_left.items() if left == 0)))
        return done(_blank_form_page(
            request, event, state, version, embed=embed,
            render_context=lambda: form_context(RegistrationForm(**form_kwargs)),
            place_texts=session_place_texts(slots, session_left, options.waiting_list),
        ))
    else:
        form = RegistrationForm(**form_kwargs)
    html = render_to_string("registrations/register.html", form_context(form), request)
    return done(HttpResponse(fill_session_places(html, form.session_places), status=status))


# Stand-ins for what each visitor gets of their own in the blank form (letters only, so that
# escaping leaves them as they are).
CSRF_MARK = "aulacsrftokenmark"
STARTED_MARK = "aulastartedmark"
EMBED_MARK = "aulaembedtokenmark"


def _blank_form_page(request, event, state, version, *, embed, render_context, place_texts):
    """The empty registration form, rendered once per content version, language and state of
    the places (full, nearly full, full sessions), and spliced with the visitor's own CSRF
    token and start time (the embedded form: its embed token, and no CSRF token or cookie), and
    the places left in each session (``place_texts``). Rendering the form's fields was most of
    the page's time; ``render_context()`` builds the form and its page only on a miss.
    ``version``: the project's content version."""
    language = translation.get_language()
    key = (f"aula:register-form:{pagecache.release()}:{version}:{event.pk}:{language}:"
           f"{'embed:' if embed else ''}{hash_state(state)}")
    html = cache.get(key)
    if html is None:
        context = render_context()
        context["form"].fields["started"].initial = STARTED_MARK
        if embed:
            context["embed_token"] = EMBED_MARK
        else:
            context["csrf_token"] = CSRF_MARK
        html = render_to_string("registrations/register.html", context, request)
        cache.set(key, html, pagecache.page_seconds())
    if embed:
        html = html.replace(EMBED_MARK, embed_token(event))
    else:
        html = html.replace(CSRF_MARK, get_token(request))
    html = html.replace(STARTED_MARK, started_token())
    return HttpResponse(fill_session_places(html, place_texts))


def hash_state(state) -> str:
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def _closed(request, context, reason: Result):
    event = context["event"]
    opens = event.registration_opens_at
    context.update({
        "reason": reason.value,
        "opens": timefmt.format_moment(opens, event.time_zone, translation.get_language())
        if opens else "",
    })
    return render(request, "registrations/closed.html", context)


def _check_page(request, form, context):
    """The "check and send" page: what the person entered, carried in hidden fields with a
    fresh signed time; sending it registers them through the same path as the form."""
    context.update({
        "form": form,
        "summary": form.summary(),
        "checked_token": checked_token(),
        "again": form.is_second_step(),
    })
    if context["embed"]:
        context["embed_token"] = embed_token(context["event"])
    response = render(request, "registrations/check.html", context)
    add_never_cache_headers(response)  # it shows what the person typed
    return response


def _thanks_redirect(event, result: Result, *, session_full: bool = False, embed=False):
    url = reverse(
        "registrations:embed_thanks" if embed else "registrations:thanks",
        kwargs={"project": event.project.slug, "event": event.slug},
    )
    # "session=full": waiting for a full session, not for the event.
    return redirect(f"{url}?result={result.value}" + ("&session=full" if session_full else ""))


def _project(kwargs) -> str:
    return kwargs["project"]


@require_safe
@pagecache.cached_page(_project)  # the same page for everyone who registered (per language)
def thanks(request, project, event):
    return _thanks(request, project, event, embed=False)


@xframe_options_exempt
@require_safe
@pagecache.cached_page(_project)  # kept with its frame-ancestors header (``framed``)
def embed_thanks(request, project, event):
    return _thanks(request, project, event, embed=True)


def _thanks(request, project, event, *, embed):
    event = _event_or_404(project, event)
    result = request.GET.get("result")
    context = _event_context(event, translation.get_language(), embed=embed)
    context["result"] = result if result in THANKS_RESULTS else ""
    context["session_full"] = request.GET.get("session") == "full"
    response = render(request, "registrations/thanks.html", context)
    return framed(response, event.project) if embed else response


EMBED_SCRIPT = "registrations/embed.js"


@require_safe
def embed_script(request):
    """The partner page's script (``static/registrations/embed.js``) at a stable address, for
    the snippet organisers copy once: it sizes the frames that show Aula's forms."""
    path = finders.find(EMBED_SCRIPT)
    if path is None:  # collected only (a production build): read it from the storage
        with staticfiles_storage.open(EMBED_SCRIPT) as file:
            content = file.read()
    else:
        with open(path, "rb") as file:
            content = file.read()
    response = HttpResponse(content, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    # Loaded by other sites' pages: let them, whatever their own policies ask of scripts.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- The registrant's own page ---------------------------------------------------------------


def personal_link(view):
    """Look the registration up by its key; an unknown or erased key gets a plain 404 page."""

    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        registration = queries.registration_by_token(token)
        if registration is None:
            response = render(request, "registrations/unknown.html", status=404)
        else:
            response = view(request, registration, *args, **kwargs)
        return private(response)

    return wrapped


def _personal_context(registration, language, now=None):
    event = registration.event
    now = now or timezone.now()
    own = display.own_zone(registration)
    choices = queries.chosen_sessions(registration)
    return {
        **_event_context(event, language),
        "registration": registration,
        "when_own": timefmt.format_range(event.starts_at, event.ends_at, own, language)
        if own else "",
        "own_zone": own,
        "choices": choices,
        "is_past": event.is_past(now),
        "join_url": display.join_url(registration)
        if registration.is_confirmed and has_join_link(event) else "",
        "hold_until": timefmt.format_moment(
            registration.hold_expires_at, own or event.time_zone, language
        ) if registration.status == Registration.Status.HELD else "",
        "needs_opt_in": queries.options_for(event).double_opt_in,
        "register_url": reverse(
            "registrations:register",
            kwargs={"project": event.project.slug, "event": event.slug},
        ),
    }


def _sessions_form(registration, data=None):
    event = registration.event
    slots = queries.parallel_slots(event)
    if not slots:
        return None
    return SessionsForm(
        data, registration=registration, slots=slots,
        session_left=queries.session_places_left(event, slots),
        # On the waiting list a session is a wish and takes no place: any may be chosen.
        disable_full=registration.takes_place,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@personal_link
def personal(request, registration):
    language = translation.get_language()
    status = 200
    if request.method == "POST":
        form = DetailsForm(request.POST, registration=registration)
        if form.is_valid():
            try:
                services.update_details(registration, form.changes(), via=VIA)
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, _("Your details have been saved."))
                return redirect("registrations:personal", token=registration.token)
        status = 400
    else:
        form = DetailsForm(registration=registration)
    context = _personal_context(registration, language)
    context.update({
        "form": form,
        "sessions_form": _sessions_form(registration)
        if not registration.is_cancelled and not context["is_past"] else None,
    })
    return render(request, "registrations/personal.html", context, status=status)


@require_http_methods(["POST"])
@personal_link
def sessions(request, registration):
    form = _sessions_form(registration, request.POST)
    if form is None:
        return redirect("registrations:personal", token=registration.token)
    if form.is_valid():
        blocks = {block.pk: block for slot in form.slots for block in slot.blocks}
        try:
            for block_id in form.changed_blocks():
                services.switch_session(registration, blocks[block_id], via=VIA)
        except services.SessionFull:
            messages.error(request, _("That session has just filled up. Choose another."))
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your sessions have been saved."))
    else:
        messages.error(request, _("Choose one session at each time."))
    return redirect("registrations:personal", token=registration.token)


@require_http_methods(["GET", "HEAD", "POST"])
@personal_link
def confirm(request, registration):
    """The link in the "please confirm" e-mail. A page with a button, not a change on opening:
    mail scanners open links, and must not confirm addresses on their owners' behalf."""
    if request.method == "POST":
        services.confirm_email(registration.token)
        registration.refresh_from_db()
        if registration.is_confirmed:
            messages.success(request, _("Thank you: your address is confirmed and your place "
                                        "is yours."))
        else:
            messages.success(request, _("Thank you: your address is confirmed."))
        return redirect("registrations:personal", token=registration.token)
    context = _personal_context(registration, translation.get_language())
    context["needs_confirming"] = registration.email_confirmed_at is None and (
        registration.status in (Registration.Status.HELD, Registration.Status.WAITING)
    )
    return render(request, "registrations/confirm.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@personal_link
def cancel(request, registration):
    context = _personal_context(registration, translation.get_language())
    if registration.is_cancelled or context["is_past"]:
        return redirect("registrations:personal", token=registration.token)
    if request.method == "POST":
        try:
            services.cancel(registration, via=VIA)
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your registration has been cancelled."))
        return redirect("registrations:personal", token=registration.token)
    return render(request, "registrations/cancel.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@personal_link
def erase(request, registration):
    if request.method == "POST":
        services.erase(registration, via=VIA)
        return redirect("registrations:erased")
    return render(
        request, "registrations/erase.html",
        _personal_context(registration, translation.get_language()),
    )


@require_safe
def erased(request):
    return private(render(request, "registrations/erased.html"))


@require_safe
@personal_link
def calendar(request, registration):
    event = registration.event
    language = translation.get_language()
    content = event_calendar(
        event, language, display.event_url(event, language),
        attendee_url=display.join_url(registration)
        if registration.is_confirmed and has_join_link(event) else None,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, calendar_filename(event)
    )
    return response


@require_safe
@personal_link
def data(request, registration):
    content = json.dumps(services.export_data(registration), ensure_ascii=False, indent=2)
    services.record_data_export(registration, via=VIA)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"registration-{registration.event.slug}.json"
    )
    return response


# --- The join link ---------------------------------------------------------------------------


@csrf_exempt  # the token in the address is the secret; a POST from any browser is welcome
@require_http_methods(["GET", "HEAD", "POST"])
def join(request, token):
    """Confirmed registrants reach the meeting from shortly before the start until the end.

    Opening the link records nothing: mail scanners and link previews open every link in an
    e-mail, and would count as people joining. The page has a button that posts back (a small
    script presses it at once in a real browser); only the POST records the join and
    redirects to the meeting. The meeting address only ever appears in that redirect's
    Location header."""
    registration = queries.registration_by_token(token)
    if registration is None or registration.is_cancelled:
        return private(render(request, "registrations/unknown.html", status=404))
    with translation.override(registration.language):
        response = _join(request, registration)
    return private(response)


def _join(request, registration):
    event = registration.event
    options = queries.options_for(event)
    now = timezone.now()
    state = queries.join_state(registration, options, now)
    language = registration.language
    context = _personal_context(registration, language, now)
    context["state"] = state.value
    if state == queries.JoinState.OPEN:
        if not event.meeting_url:
            return render(request, "registrations/join.html", {**context, "state": "no_url"})
        if request.method != "POST":
            return render(request, "registrations/join.html", {**context, "state": "ready"})
        services.record_join(registration, now=now)
        # 303: the browser follows with a GET, and the meeting never sees this form's POST.
        return HttpResponseRedirect(event.meeting_url, status=303)
    if state == queries.JoinState.EARLY:
        opens = queries.join_opens_at(event, options)
        own = display.own_zone(registration)
        context.update({
            "opens_event": timefmt.format_moment(opens, event.time_zone, language),
            "opens_own": timefmt.format_moment(opens, own, language) if own else "",
            "opens_at": opens,
            "seconds_left": int((opens - now).total_seconds()),
        })
        return render(request, "registrations/join.html", context)
    if state == queries.JoinState.ENDED:
        return render(request, "registrations/join.html", context)
    return render(request, "registrations/join.html", context, status=403)
