"""Console pages: attendance — imports of meeting reports (read in the background: the job's
page shows their progress), their matching, marks by hand.

Thin: the rules (the event's life cycle, a report that does not belong to the event, the audit
entry) are in ``aula.attendance.services``; a refusal comes back as ``ActionRefused`` and is shown
as it is."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aula.attendance import jobs, queries, services
from aula.attendance.forms import ImportForm, MatchForm
from aula.attendance.models import ImportBatch
from aula.attendance.parsers import ReportError
from aula.console.confirm import ask_first
from aula.console.models import Role
from aula.console.permissions import allows, event_for
from aula.core import timefmt
from aula.core.errors import ActionRefused
from aula.events.lifecycle import after_seminar_refusal


def _context(event, role, **extra):
    refusal = after_seminar_refusal(event)
    # The forms show only when the person may edit and the event's life cycle allows it now.
    return {"event": event, "project": event.project, "role": role,
            "content_language": event.primary_language,
            "can_edit": allows(role, Role.EDITOR) and refusal is None,
            "refusal": refusal, **extra}


def _back(event_id):
    return redirect("console:attendance", event_id=event_id)


def _blank_form(event):
    return ImportForm(initial={"time_zone": event.time_zone, "replace": True, "source": "auto"})


@login_required
def attendance(request, event_id):
    event, role = event_for(request.user, event_id)
    return render(request, "console/attendance/overview.html", _context(
        event, role, form=_blank_form(event), **queries.overview(event)
    ))


@login_required
def attendance_import(request, event_id):
    """Check the upload cheaply and queue its import (``attendance.jobs``): the file is read by
    the worker, and the organiser follows it on the job's page."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    error = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = jobs.start_import(
                    event, data["file"], actor=request.user, time_zone=data["time_zone"],
                    date_order=data["date_order"], replace=data["replace"],
                    source=data["source"], override_times=data["override_times"],
                )
            except (ReportError, ActionRefused) as refusal:
                error = str(refusal)
            else:
                return _to_job(job)
    else:
        form = _blank_form(event)
    status = 400 if request.method == "POST" else 200
    return render(request, "console/attendance/import.html",
                  _context(event, role, form=form, error=error), status=status)


# Seconds between two reloads of a job's page while it runs (a meta refresh: works without JS).
JOB_REFRESH_SECONDS = 2


def _to_job(job):
    return redirect("console:attendance_job", event_id=job.event_id, job_id=job.pk)


@login_required
def attendance_job(request, event_id, job_id):
    """A background import: its progress while it runs (the page reloads itself), then its
    result, the decision it waits for, or why it failed."""
    event, role = event_for(request.user, event_id)
    job = queries.import_job(event, job_id)
    return render(request, "console/attendance/job.html", _context(
        event, role, job=job, refresh_seconds=JOB_REFRESH_SECONDS if job.working else None,
    ))


def _job_action(request, event_id, job_id, action, success: str):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    job = queries.import_job(event, job_id)
    job.event = event
    _run(request, lambda: action(job, actor=request.user), success)
    return _to_job(job)


@login_required
@require_POST
def attendance_job_confirm(request, event_id, job_id):
    return _job_action(request, event_id, job_id, jobs.confirm,
                       _("The report is being imported as you asked."))


@login_required
@require_POST
def attendance_job_retry(request, event_id, job_id):
    return _job_action(request, event_id, job_id, jobs.retry, _("The import was started again."))


@login_required
@require_POST
def attendance_job_discard(request, event_id, job_id):
    return _job_action(request, event_id, job_id, jobs.discard,
                       _("The import was discarded and its file deleted."))


@login_required
def attendance_report(request, event_id, batch_id):
    event, role = event_for(request.user, event_id)
    return render(request, "console/attendance/report.html", _context(
        event, role, **queries.import_report(event, batch_id)
    ))


def _run(request, action, success: str) -> bool:
    """Run a service; put its success or its refusal on the next page."""
    try:
        action()
    except (ActionRefused, ValidationError) as refusal:
        text = str(refusal) if isinstance(refusal, ActionRefused) else " ".join(refusal.messages)
        messages.error(request, text)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def attendance_delete_import(request, event_id, batch_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    batch = get_object_or_404(ImportBatch, event=event, pk=batch_id)
    batch.event = event
    records = batch.records.count()
    asked = ask_first(
        request,
        what=_("the import of “%(file)s” of %(when)s") % {
            "file": batch.filename,
            "when": timefmt.format_moment(batch.imported_at, event.time_zone, get_language()),
        },
        consequences=[ngettext(
            "Its %(count)d attendance record goes with it.",
            "Its %(count)d attendance records go with it.", records,
        ) % {"count": records}],
        back=reverse("console:attendance", kwargs={"event_id": event.pk}),
    )
    if asked:
        return asked
    _run(request, lambda: services.delete_import(batch, actor=request.user),
         _("The import was deleted."))
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
        services.match_by_hand(record, registration, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The row was matched to %(name)s.")
                         % {"name": registration.full_name})
    return _to_report(record)


@login_required
@require_POST
def attendance_unmatch(request, event_id, record_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    record = queries.record_of(event, record_id)
    _run(request, lambda: services.unmatch(record, actor=request.user),
         _("The match was removed."))
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
    _run(request, lambda: services.mark_present(event, registration_id, actor=request.user),
         _("Marked present."))
    return _back(event.pk)


@login_required
@require_POST
def attendance_unmark(request, event_id, registration_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    _run(request, lambda: services.unmark_present(event, registration_id, actor=request.user),
         _("The mark was removed."))
    return _back(event.pk)
