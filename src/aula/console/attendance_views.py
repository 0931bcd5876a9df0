"""Console pages: attendance — imports of meeting reports, their matching, marks by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aula.attendance import queries, services
from aula.attendance.forms import ImportForm, MatchForm
from aula.attendance.models import ImportBatch
from aula.attendance.parsers import ReportError
from aula.console.models import Role
from aula.console.permissions import allows, event_for


def _context(event, role, **extra):
    return {"event": event, "project": event.project, "role": role,
            "content_language": event.primary_language,
            "can_edit": allows(role, Role.EDITOR), **extra}


def _back(event_id):
    return redirect("console:attendance", event_id=event_id)


@login_required
def attendance(request, event_id):
    event, role = event_for(request.user, event_id)
    form = ImportForm(initial={"time_zone": event.time_zone, "replace": True, "source": "auto"})
    return render(request, "console/attendance/overview.html", _context(
        event, role, form=form, **queries.overview(event)
    ))


@login_required
def attendance_import(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    error = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = services.import_report(
                    event, data["file"].name, data["file"].read(), user=request.user,
                    time_zone=data["time_zone"], date_order=data["date_order"],
                    replace=data["replace"], source=data["source"],
                )
            except ReportError as report_error:
                error = str(report_error)
            else:
                messages.success(request, _("The report was imported."))
                return redirect("console:attendance_report", event_id=event.pk,
                                batch_id=batch.pk)
    else:
        form = ImportForm(initial={"time_zone": event.time_zone, "replace": True, "source": "auto"})
    status = 400 if request.method == "POST" else 200
    return render(request, "console/attendance/import.html",
                  _context(event, role, form=form, error=error), status=status)


@login_required
def attendance_report(request, event_id, batch_id):
    event, role = event_for(request.user, event_id)
    return render(request, "console/attendance/report.html", _context(
        event, role, **queries.import_report(event, batch_id)
    ))


@login_required
@require_POST
def attendance_delete_import(request, event_id, batch_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    services.delete_import(get_object_or_404(ImportBatch, event=event, pk=batch_id))
    messages.success(request, _("The import was deleted."))
    return _back(event.pk)


@login_required
@require_POST
def attendance_match(request, event_id, record_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    record = queries.record_of(event, record_id)
    form = MatchForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the registrant's e-mail address."))
        registration = services.registration_by_email(event, form.cleaned_data["email"])
        services.match_by_hand(record, registration, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The row was matched to %(name)s.")
                         % {"name": registration.full_name})
    return _to_report(record)


@login_required
@require_POST
def attendance_unmatch(request, event_id, record_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    record = queries.record_of(event, record_id)
    try:
        services.unmatch(record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The match was removed."))
    return _to_report(record)


def _to_report(record):
    if record.batch_id:
        return redirect("console:attendance_report", event_id=record.event_id,
                        batch_id=record.batch_id)
    return _back(record.event_id)


@login_required
@require_POST
def attendance_mark(request, event_id, registration_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    try:
        services.mark_present(event, registration_id, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked present."))
    return _back(event.pk)


@login_required
@require_POST
def attendance_unmark(request, event_id, registration_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    services.unmark_present(event, registration_id)
    messages.success(request, _("The mark was removed."))
    return _back(event.pk)
