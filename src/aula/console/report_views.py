"""Console pages: the dashboards and the funder's participation report (viewers may see them)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from aula.console.permissions import event_for, project_for
from aula.core.timefmt import format_range
from aula.reports import charts, queries
from aula.reports.pdf import report_pdf
from aula.reports.xlsx import report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    event, _role = event_for(request.user, event_id)
    document = queries.report_document(
        event, get_language(), include_organisations=request.GET.get("organisations") == "1"
    )
    if extension == "pdf":
        response = HttpResponse(report_pdf(document), content_type="application/pdf")
    else:
        response = HttpResponse(report_xlsx(document), content_type=XLSX)
    name = f"participation-{slugify(event.project.code)}-{event.slug}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
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
