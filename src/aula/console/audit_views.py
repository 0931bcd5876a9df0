"""Console pages: the audit log of a project and of an event, for owners only.

Who did what and when, the changes before → after, filtered by kind of action, person and
dates, a page at a time; downloadable as CSV or XLSX (the download itself is recorded, as it
names organisers).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from aula.api import queries as api_queries
from aula.audit import exports, queries
from aula.audit import services as audit
from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.console.permissions import event_for, project_for
from aula.events.models import Event

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Kind of action"), required=False)
    actor = forms.CharField(label=gettext_lazy("Who"), required=False, max_length=150)
    since = forms.DateField(label=pgettext_lazy("date range", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=pgettext_lazy("date range", "Until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, actors):
        super().__init__(data)
        self.fields["action"].choices = [("", _("Any"))] + queries.groups()
        self.actors = actors

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start."))
        return cleaned

    def filters(self) -> queries.Filters:
        if not self.is_valid():
            return queries.Filters()
        data = self.cleaned_data
        return queries.Filters(action=data["action"], actor=data["actor"].strip(),
                               since=data["since"], until=data["until"])


def _event_names(project, entries) -> dict[int, str]:
    ids = {entry.event_id for entry in entries if entry.event_id is not None}
    if not ids:
        return {}
    return {
        event.pk: str(event)
        for event in Event.objects.filter(project=project, pk__in=ids).only(
            "id", "title", "slug", "primary_language", "project_id"
        )
    }


def _log_page(request, *, project, role, event=None):
    event_id = event.pk if event is not None else None
    actors = queries.actors(project_id=project.pk, event_id=event_id)
    form = FilterForm(request.GET or None, actors=actors)
    filters = form.filters()
    entries = queries.entries(project_id=project.pk, event_id=event_id, filters=filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # A deleted event (or an id of another project's) is shown by its number, without a link.
    names = _event_names(project, page.object_list) if event is None else {}
    # Actions through the API show as their token ("API token «CRM sync»"), in one query.
    tokens = api_queries.token_names([entry.via for entry in page.object_list])
    rows = [
        {
            "entry": entry, "what": queries.describe(entry),
            "changes": queries.readable_changes(entry),
            "details": queries.readable_details(entry),
            "event_name": names.get(entry.event_id),
            "kind": queries.object_kind(entry),
            "token": tokens.get(entry.via),
        }
        for entry in page.object_list
    ]
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(request, "console/audit/log.html", {
        "project": project, "event": event, "role": role, "form": form, "actors": actors,
        "page": page, "rows": rows, "query": urlencode(query),
        "content_language": event.primary_language if event is not None else None,
    })


@require_GET
@login_required
def project_log(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    return _log_page(request, project=project, role=role)


@require_GET
@login_required
def event_log(request, event_id):
    event, role = event_for(request.user, event_id, Role.OWNER)
    return _log_page(request, project=event.project, role=role, event=event)


def _export(request, *, project, event, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    event_id = event.pk if event is not None else None
    form = FilterForm(request.GET or None, actors=())
    filters = form.filters()
    entries = queries.entries(project_id=project.pk, event_id=event_id, filters=filters)
    if event is not None:
        names = {event.pk: str(event)}
        slug = f"{project.slug}-{event.slug}"
    else:
        names = {e.pk: str(e) for e in Event.objects.filter(project=project)}
        slug = project.slug
    filename = f"audit-log-{slug}.{fmt}"
    # The export ends with the entries written so far, not with the record of itself.
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    entries = entries.filter(id__lte=last)
    audit.record_download(request.user, filename, project=project, event=event, data={
        "format": fmt, "filters": {key: str(value) for key, value in
                                   vars(filters).items() if value},
    })
    lines = exports.rows(entries, names)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(lines),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(exports.xlsx_file(lines), as_attachment=True, filename=filename,
                                content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def project_log_export(request, project, fmt):
    project, _role = project_for(request.user, project, Role.OWNER, personal_data=True)
    return _export(request, project=project, event=None, fmt=fmt)


@require_GET
@login_required
def event_log_export(request, event_id, fmt):
    event, _role = event_for(request.user, event_id, Role.OWNER, personal_data=True)
    return _export(request, project=event.project, event=event, fmt=fmt)
