"""Console pages: the dashboards and the funder's participation report (viewers may see them)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from aula.console.permissions import event_for, may_download_personal_data, project_for
from aula.core.timefmt import format_range
from aula.reports import charts, queries, services


@require_GET
@login_required
def event_dashboard(request, event_id):
    event, role = event_for(request.user, event_id)
    dashboard = queries.event_dashboard(event, get_language())
    return render(request, "console/reports/event.html", {
        "event": event, "project": event.project, "role": role,
        "content_language": event.primary_language,
        "dashboard": dashboard, "charts": charts.dashboard_charts(dashboard),
        "when": format_range(event.starts_at, event.ends_at, event.time_zone),
        "can_download": may_download_personal_data(request.user, event.project),
    })


@require_GET
@login_required
def project_dashboard(request, project):
    project, role = project_for(request.user, project)
    lines = queries.project_overview(project)
    return render(request, "console/reports/project.html", {
        "project": project, "role": role, "lines": lines,
        "chart": charts.project_chart(lines, get_language()),
    })


def _download(request, event_id, extension):
    # With the organisations' names the report holds personal data: a permission of its own.
    include_organisations = request.GET.get("organisations") == "1"
    event, _role = event_for(request.user, event_id, personal_data=include_organisations)
    file = services.participation_file(
        event, actor=request.user, language=get_language(), extension=extension,
        include_organisations=include_organisations,
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def participation_pdf(request, event_id):
    return _download(request, event_id, "pdf")


@require_GET
@login_required
def participation_xlsx(request, event_id):
    return _download(request, event_id, "xlsx")
