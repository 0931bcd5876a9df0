"""Console pages: the registrants of an event. Thin: permissions through ``event_for``, reads
from ``registrant_queries``, writes through ``registrations.services`` and
``registrations.imports`` (each with the organiser as ``actor``: the audit log records it)."""

import json
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from aula.console import exports, registrant_queries
from aula.console.models import Role
from aula.console.permissions import allows, event_for, may_download_personal_data
from aula.console.registrant_forms import (
    AddRegistrantForm,
    CancelRegistrationForm,
    ImportConfirmForm,
    ImportUploadForm,
)
from aula.registrations import imports, services
from aula.registrations import queries as registration_queries
from aula.registrations.forms import DetailsForm, SessionsForm
from aula.registrations.models import OrganisationType, Registration
from aula.registrations.services import NoPlace, RegistrationError, Result, SessionFull


def _context(event, role, **extra):
    return {
        "event": event, "project": event.project, "role": role,
        "can_edit": allows(role, Role.EDITOR), "content_language": event.primary_language,
        **extra,
    }


def _render_in_zone(request, template, context):
    """Times on the page in the event's zone (the pages say which)."""
    with timezone.override(zoneinfo.ZoneInfo(context["event"].time_zone)):
        return render(request, template, context)


def _registrant_or_404(event, registration_id):
    registration = registrant_queries.registrant(event, registration_id)
    if registration is None:
        raise Http404
    return registration


def _back_to(event, registration):
    return redirect("console:registrant", event_id=event.pk, registration_id=registration.pk)


@login_required
def registrants(request, event_id):
    event, role = event_for(request.user, event_id, Role.VIEWER)
    filters = registrant_queries.Filters.from_query(request.GET)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    page = registrant_queries.registrant_page(event, filters, number)
    columns = [
        ("name", _("Name")), ("email", _("E-mail")), ("organisation", _("Organisation")),
        ("organisation_type", _("Type of organisation")), ("country", _("Country")),
        ("status", _("Status")), ("registered", _("Registered at")),
    ]
    headers = []
    for key, label in columns:
        current = filters.sort == key
        descending = current and not filters.descending
        headers.append({
            "label": label, "current": current, "descending": filters.descending,
            "query": urlencode(filters.as_query(sort=("-" if descending else "") + key)),
        })
    return _render_in_zone(request, "console/registrants/list.html", _context(
        event, role, page=page, filters=filters, headers=headers,
        statuses=Registration.Status.choices, organisation_types=OrganisationType.choices,
        countries=list(countries), sessions=registrant_queries.sessions_of(event),
        query=urlencode(filters.as_query()),
        previous_query=urlencode(filters.as_query(page=page.number - 1)),
        next_query=urlencode(filters.as_query(page=page.number + 1)),
        can_download=may_download_personal_data(request.user, event.project),
    ))


@login_required
def registrant(request, event_id, registration_id):
    event, role = event_for(request.user, event_id, Role.VIEWER)
    registration = _registrant_or_404(event, registration_id)
    return _render_in_zone(request, "console/registrants/detail.html", _context(
        event, role, registration=registration,
        history=registrant_queries.history(registration, event),
        cancel_form=CancelRegistrationForm(),
        can_download=may_download_personal_data(request.user, event.project),
    ))


@login_required
@require_http_methods(["GET", "POST"])
def add(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form_kwargs = {
        "event": event, "notice": registration_queries.current_privacy_notice(event),
        "questions": registration_queries.questions(event),
        "slots": registration_queries.parallel_slots(event),
        "session_left": registration_queries.session_places_left(event),
    }
    if request.method == "POST":
        form = AddRegistrantForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.registration_data()
            if imports.already_registered(event, data.email):
                form.add_error("email", _("This address is already registered for the event."))
            else:
                try:
                    outcome = services.register(event, data, actor=request.user)
                except ValidationError as error:
                    form.apply_errors(error)
                else:
                    if outcome.accepted and outcome.registration is not None:
                        messages.success(request, str(
                            imports.OUTCOME_WORDS[outcome.result]
                        ))
                        return _back_to(event, outcome.registration)
                    if outcome.accepted:  # registered meanwhile by someone else
                        form.add_error(
                            "email", _("This address is already registered for the event.")
                        )
                    else:
                        if outcome.result == Result.SESSION_FULL:
                            form.mark_full(outcome.full_sessions)
                        form.add_error(None, str(imports.OUTCOME_WORDS[outcome.result]))
    else:
        form = AddRegistrantForm(**form_kwargs)
    return render(request, "console/registrants/add.html", _context(event, role, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request, event_id):
    """Upload → preview (nothing written yet)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    preview = error = confirm = None
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(imports.MAX_IMPORT_BYTES + 1)
            try:
                preview = imports.parse(event, content)
            except imports.ImportFileError as failure:
                error = failure.message
            else:
                if preview.valid_rows:
                    confirm = ImportConfirmForm(
                        initial={"payload": ImportConfirmForm.sign(event.pk, content)}
                    )
    else:
        form = ImportUploadForm()
    return render(request, "console/registrants/import.html", _context(
        event, role, form=form, preview=preview, error=error, confirm=confirm,
        required_columns=imports.REQUIRED_COLUMNS,
        optional_columns=imports.OPTIONAL_COLUMNS,
        questions=registration_queries.questions(event),
        sessions=registrant_queries.sessions_of(event),
        organisation_types=OrganisationType.choices,
    ))


@login_required
@require_POST
def import_confirm(request, event_id):
    """Import every valid row of the previewed file."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = ImportConfirmForm(request.POST)
    content = form.content_for(event.pk) if form.is_valid() else None
    if content is None:
        messages.error(request, _("The preview has expired. Upload the file again."))
        return redirect("console:registrants_import", event_id=event.pk)
    try:
        result = imports.run_import(event, content, actor=request.user)
    except imports.ImportFileError as failure:
        messages.error(request, failure.message)
        return redirect("console:registrants_import", event_id=event.pk)
    imported = [row for row in result.rows if row.valid]
    return render(request, "console/registrants/imported.html", _context(
        event, role, result=result, imported=imported,
        rejected=[row for row in result.rows if not row.valid],
    ))


@login_required
@require_POST
def cancel(request, event_id, registration_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    form = CancelRegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return _back_to(event, registration)
    try:
        promoted = services.cancel(
            registration, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The registration is cancelled."))
        if promoted:
            messages.info(request, ngettext(
                "%(count)d registrant moved up from the waiting list.",
                "%(count)d registrants moved up from the waiting list.", len(promoted),
            ) % {"count": len(promoted)})
    return _back_to(event, registration)


@login_required
@require_POST
def promote(request, event_id, registration_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    try:
        services.promote(registration, actor=request.user)
    except SessionFull:
        messages.error(request, _("A session this registrant chose is full."))
    except NoPlace:
        messages.error(request, _("The event is full: there is no place to give."))
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The registrant has a place now and is told by e-mail."))
    return _back_to(event, registration)


@login_required
@require_POST
def resend(request, event_id, registration_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    try:
        services.resend_confirmation(registration, actor=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The e-mail is queued again."))
    return _back_to(event, registration)


@login_required
@require_safe
def export(request, event_id, fmt):
    event, role = event_for(request.user, event_id, Role.VIEWER, personal_data=True)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filters = registrant_queries.Filters.from_query(request.GET)
    filename = f"registrants-{event.slug}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(event, filters), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            exports.xlsx_file(event, filters), as_attachment=True, filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if request.method == "GET":  # a HEAD downloads nothing
        exports.record(request.user, event, fmt, filters)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def confirm(request, event_id, registration_id):
    """Confirm a held place by hand (the organiser vouches for the address)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    try:
        services.confirm_by_hand(registration, actor=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The place is confirmed; the registrant is told by e-mail."))
    return _back_to(event, registration)


@login_required
@require_POST
def erase(request, event_id, registration_id):
    """Erase the registrant's personal data (at their request, GDPR Art. 17)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the erasure: it cannot be undone."))
    else:
        services.erase(registration, actor=request.user)
        messages.success(request, _("The registrant's personal data is erased."))
    return _back_to(event, registration)


def _sessions_form(registration, data=None):
    slots = registration_queries.parallel_slots(registration.event)
    if not slots or registration.status == Registration.Status.CANCELLED:
        return None
    return SessionsForm(
        data, registration=registration, slots=slots,
        session_left=registration_queries.session_places_left(registration.event, slots),
        # On the waiting list a session is a wish and takes no place: any may be chosen.
        disable_full=registration.takes_place,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, event_id, registration_id):
    """Correct a registrant's details, answers and consents for them (``update_details``)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    if registration.anonymised_at:
        raise Http404
    registration.event = event
    form = DetailsForm(request.POST or None, registration=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_details(registration, form.changes(), actor=request.user)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The registrant's details are saved."))
            return _back_to(event, registration)
    return _render_in_zone(request, "console/registrants/edit.html", _context(
        event, role, registration=registration, form=form,
        sessions_form=_sessions_form(registration),
    ))


@login_required
@require_POST
def sessions(request, event_id, registration_id):
    """Move the registrant to other parallel sessions (``switch_session``: full ones refused
    for someone with a place)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    registration.event = event
    form = _sessions_form(registration, request.POST)
    if form is None or not form.is_valid():
        messages.error(request, _("Choose one session at each time."))
        return redirect("console:registrant_edit", event_id=event.pk,
                        registration_id=registration.pk)
    blocks = {block.pk: block for slot in form.slots for block in slot.blocks}
    try:
        for block_id in form.changed_blocks():
            services.switch_session(registration, blocks[block_id], actor=request.user)
    except SessionFull:
        messages.error(request, _("That session is full."))
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The sessions are saved."))
    return _back_to(event, registration)


@login_required
@require_safe
def data(request, event_id, registration_id):
    """Everything stored about the registrant (a request under GDPR Art. 15 answered by the
    organiser); the download is recorded. A viewer may only when given the permission."""
    event, role = event_for(request.user, event_id, Role.VIEWER, personal_data=True)
    registration = _registrant_or_404(event, registration_id)
    registration.event = event
    content = json.dumps(services.export_data(registration), ensure_ascii=False, indent=2)
    if request.method == "GET":
        services.record_data_export(registration, actor=request.user)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"registration-{registration.pk}-{event.slug}.json"
    )
    response["Cache-Control"] = "private, no-store"
    return response
