"""Console pages: the registrants of an event. Thin: permissions through ``event_for``, reads
from ``registrant_queries``, writes through ``registrations.services`` and
``registrations.imports`` (each with the organiser as ``actor``: the audit log records it)."""

import json
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from aula.console import exports, import_uploads, registrant_queries
from aula.console.message_views import compose_to_chosen
from aula.console.models import Role
from aula.console.permissions import allows, event_for, may_download_personal_data
from aula.console.registrant_forms import (
    AddRegistrantForm,
    CancelRegistrationForm,
    ImportConfirmForm,
    ImportMappingForm,
    ImportUploadForm,
    RegistrantDetailsForm,
    load_upload,
    session_groups,
    sign_upload,
)
from aula.registrations import imports, services
from aula.registrations import queries as registration_queries
from aula.registrations.forms import SessionsForm
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


def _over(request) -> bool:
    """The organiser ticked "go over the capacity knowingly" (the views needing it are for
    editors and owners only: ``event_for(..., Role.EDITOR)``)."""
    return request.POST.get("over_capacity") in ("on", "yes", "true")


def _full_words(full) -> str:
    if isinstance(full, NoPlace):
        return _("The event is full: tick “go over the capacity knowingly” to give "
                 "a place all the same.")
    return _("A session this registrant chose is full: tick “go over the capacity "
             "knowingly” to give a place all the same.")


def _back_to(event, registration):
    return redirect("console:registrant", event_id=event.pk, registration_id=registration.pk)


def _sort_link(filters, key: str, label) -> dict:
    current = filters.sort == key
    descending = current and not filters.descending
    return {
        "label": label, "current": current, "descending": filters.descending,
        "query": urlencode(filters.as_query(sort=("-" if descending else "") + key)),
    }


@login_required
def registrants(request, event_id):
    event, role = event_for(request.user, event_id, Role.VIEWER)
    filters = registrant_queries.Filters.from_query(request.GET)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    page = registrant_queries.registrant_page(event, filters, number)
    # Seven sortable fields in four columns, so the table fits a 1280-pixel screen: the e-mail
    # under the name, the type and country under the organisation.
    columns = [
        [("name", _("Name")), ("email", _("E-mail"))],
        [("organisation", _("Organisation")), ("organisation_type", _("Type of organisation")),
         ("country", _("Country"))],
        [("status", _("Status"))],
        [("registered", _("Registered at"))],
    ]
    headers = [[_sort_link(filters, key, label) for key, label in column] for column in columns]
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
                    outcome = services.register(
                        event, data, actor=request.user,
                        over_capacity=form.cleaned_data["over_capacity"],
                    )
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
    """Step 1: upload. A readable file is kept (``import_uploads``) and step 2 shown."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    error = None
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["file"].read(imports.MAX_IMPORT_BYTES + 1)
            try:
                imports.columns(event, content)
            except imports.ImportFileError as failure:
                error = failure.message
            else:
                token = import_uploads.keep(content)
                return _mapping_step(request, event, role, token, content, mapping=None)
    else:
        form = ImportUploadForm()
    return render(request, "console/registrants/import.html", _context(
        event, role, form=form, error=error, **_import_help(event),
    ))


def _import_help(event):
    return {
        "required_columns": imports.REQUIRED_COLUMNS,
        "optional_columns": imports.OPTIONAL_COLUMNS,
        "questions": registration_queries.questions(event),
        "sessions": registrant_queries.sessions_of(event),
        "organisation_types": OrganisationType.choices,
    }


def _mapping_step(request, event, role, token, content, mapping):
    """Step 2: the file's columns with the field each is for (guessed, or as the organiser
    chose), and the preview of every row with that mapping."""
    questions = registration_queries.questions(event)
    language = get_language() or event.primary_language
    preview = error = confirm = None
    try:
        columns = imports.columns(event, content)
    except imports.ImportFileError as failure:
        import_uploads.discard(token)
        return render(request, "console/registrants/import.html", _context(
            event, role, form=ImportUploadForm(), error=failure.message, **_import_help(event),
        ))
    if mapping is None:
        mapping = imports.guess_mapping([name for name, _example in columns], questions)
    try:
        preview = imports.parse(event, content, mapping)
    except imports.ImportFileError as failure:
        error = failure.message
    form = ImportMappingForm(
        columns=columns, fields=imports.fields(questions, language),
        initial={
            "upload": sign_upload(event.pk, request.user.pk, token),
            **{f"column_{index}": name for index, name in enumerate(mapping)},
        },
    )
    if preview is not None and preview.valid_rows:
        confirm = ImportConfirmForm(initial={
            "payload": sign_upload(event.pk, request.user.pk, token, mapping)
        })
    return render(request, "console/registrants/import_map.html", _context(
        event, role, form=form, columns=form.columns([ex for _name, ex in columns]),
        preview=preview, error=error, confirm=confirm,
    ))


def _kept_upload(request, event, value):
    """The kept file's token, bytes and signed mapping, or None when expired or not ours."""
    found = load_upload(value, event.pk, request.user.pk)
    content = import_uploads.read(found["token"]) if found else None
    if content is None:
        messages.error(request, _("The uploaded file has expired. Upload it again."))
        return None
    return found["token"], content, found.get("mapping")


@login_required
@require_POST
def import_map(request, event_id):
    """Step 2 again, with the columns mapped as the organiser chose."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    kept = _kept_upload(request, event, request.POST.get("upload", ""))
    if kept is None:
        return redirect("console:registrants_import", event_id=event.pk)
    token, content, _mapping = kept
    try:
        columns = imports.columns(event, content)
    except imports.ImportFileError as failure:
        import_uploads.discard(token)
        messages.error(request, failure.message)
        return redirect("console:registrants_import", event_id=event.pk)
    form = ImportMappingForm(request.POST, columns=columns, fields=imports.fields(
        registration_queries.questions(event), get_language() or event.primary_language,
    ))
    mapping = form.mapping() if form.is_valid() else None
    return _mapping_step(request, event, role, token, content, mapping)


@login_required
@require_POST
def import_confirm(request, event_id):
    """Step 3: import every valid row of the previewed file with the previewed mapping (or,
    with ``discard``, delete the kept file)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    kept = _kept_upload(request, event, request.POST.get("payload", ""))
    if kept is None:
        return redirect("console:registrants_import", event_id=event.pk)
    token, content, mapping = kept
    if "discard" in request.POST:
        import_uploads.discard(token)
        messages.success(request, _("The uploaded file has been deleted."))
        return redirect("console:registrants_import", event_id=event.pk)
    if mapping is None:
        messages.error(request, _("Check the file before importing it."))
        return redirect("console:registrants_import", event_id=event.pk)
    try:
        result = imports.run_import(event, content, actor=request.user, mapping=mapping)
    except imports.ImportFileError as failure:
        messages.error(request, failure.message)
        return redirect("console:registrants_import", event_id=event.pk)
    finally:
        import_uploads.discard(token)
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
        services.promote(registration, actor=request.user, over_capacity=_over(request))
    except (SessionFull, NoPlace) as full:
        messages.error(request, _full_words(full))
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
    """Confirm by hand (the organiser vouches for the address): a held place, or someone on
    the waiting list (with room, or knowingly over the capacity)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    registration = _registrant_or_404(event, registration_id)
    try:
        services.confirm_by_hand(registration, actor=request.user, over_capacity=_over(request))
    except (SessionFull, NoPlace) as full:
        messages.error(request, _full_words(full))
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
        # Every session may be chosen: a full one is refused by ``switch_session`` unless the
        # organiser ticks "go over the capacity knowingly" (on the waiting list a session is a
        # wish and takes no place).
        disable_full=False,
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
    form = RegistrantDetailsForm(request.POST or None, registration=registration)
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
            services.switch_session(registration, blocks[block_id], actor=request.user,
                                    over_capacity=_over(request))
    except SessionFull:
        messages.error(request, _("That session is full: tick “go over the capacity "
                                  "knowingly” to move them all the same."))
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


# --- Bulk actions ------------------------------------------------------------------------------

BULK_ACTIONS = {"cancel", "move", "resend", "message"}
REFUSALS_NAMED = 10  # in the message after a batch; the count covers the rest


def _bulk_ids(request) -> list[int]:
    ids = []
    for value in request.POST.getlist("id"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return ids


def _bulk_selection(request, event) -> registrant_queries.Selection:
    """The selected rows (``scope=selected``, or the confirmation page's ids) or everyone the
    table's filter matches (``scope=filter``: the filter travels as the table's query)."""
    if request.POST.get("scope") == "filter":
        filters = registrant_queries.Filters.from_query(QueryDict(request.POST.get("query", "")))
        return registrant_queries.selection(event, filters=filters, limit=services.BULK_LIMIT)
    return registrant_queries.selection(event, ids=_bulk_ids(request)[:services.BULK_LIMIT + 1])


@login_required
@require_POST
def bulk(request, event_id):
    """One action on many registrants: a confirmation page saying how many will be affected,
    then (``run``) the action, one transaction and audit entry per person (see
    ``registrations.services.bulk``)."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    back = redirect("console:registrants", event_id=event.pk)
    action = request.POST.get("action")
    if action not in BULK_ACTIONS:
        messages.error(request, _("Choose what to do with the registrants."))
        return back
    chosen = _bulk_selection(request, event)
    if not chosen.count:
        messages.error(request, _("Select at least one registrant."))
        return back
    if chosen.count > services.BULK_LIMIT:
        messages.error(request, _(
            "At most %(limit)d registrants at once: narrow the filter."
        ) % {"limit": services.BULK_LIMIT})
        return back
    if action == "message":  # write to them: the message's own preview confirms
        return compose_to_chosen(request, event, role, chosen.ids)
    groups = session_groups(event) if action == "move" else []
    block = next((b for _slot, blocks in groups for b, _label in blocks
                  if str(b.pk) == request.POST.get("block")), None)
    if request.POST.get("step") != "run" or (action == "move" and block is None):
        if request.POST.get("step") == "run":
            messages.error(request, _("Choose the session to move them to."))
        return _render_in_zone(request, "console/registrants/bulk.html", _context(
            event, role, action=action, chosen=chosen, groups=groups,
            hidden=len(chosen.ids) - len(chosen.rows),
        ))
    if action == "cancel":
        result = services.bulk_cancel(event, chosen.ids, actor=request.user)
    elif action == "move":
        result = services.bulk_move(event, chosen.ids, block, actor=request.user,
                                    over_capacity=_over(request))
    else:
        result = services.bulk_resend(event, chosen.ids, actor=request.user)
    _report_bulk(request, event, result)
    return back


def _report_bulk(request, event, result) -> None:
    if result.done:
        messages.success(request, ngettext(
            "Done for %(count)d registrant.", "Done for %(count)d registrants.", len(result.done)
        ) % {"count": len(result.done)})
    if result.refused:
        named = list(result.refused.items())[:REFUSALS_NAMED]
        names = registrant_queries.names_of(event, [pk for pk, _why in named])
        details = "; ".join(f"{names.get(pk, pk)}: {str(why).rstrip('.')}" for pk, why in named)
        messages.error(request, ngettext(
            "Not done for %(count)d registrant (%(details)s).",
            "Not done for %(count)d registrants (%(details)s).", len(result.refused),
        ) % {"count": len(result.refused), "details": details})
