"""Console page: how long the project keeps personal data (owners only). The rule in words,
each event with the date its registrants' personal data is erased and how many people that
concerns, the shorter purges' schedules, and the owner's form (``projects.services
.set_retention``, on the record)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aula.attendance.retention import unmatched_days
from aula.console.models import Role
from aula.console.permissions import project_for
from aula.core import housekeeping
from aula.core.timefmt import format_day, format_moment
from aula.messaging.retention import outbox_days
from aula.projects import services as projects
from aula.registrations import retention
from aula.webhooks.retention import webhook_days


class RetentionForm(forms.Form):
    last_payment_year = forms.IntegerField(
        label=gettext_lazy("Year of the last payment to the project"), required=False,
        min_value=2000, max_value=2100,
        help_text=gettext_lazy("The audit period runs five years from 31 December of this year."),
    )
    audit_period_ends_on = forms.DateField(
        label=gettext_lazy("The audit period ends on"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("When the programme has told you the date; it then takes "
                               "precedence over the year of the last payment."),
    )
    retention_months = forms.IntegerField(
        label=gettext_lazy("Shorter period: months after each event's end"), required=False,
        min_value=1, max_value=240,
        help_text=gettext_lazy("Leave empty to keep personal data for the whole audit period. "
                               "A shorter period erases the evidence behind the participation "
                               "figures before the programme's auditors may ask for it."),
    )


def _page(request, project, role, form=None, status=200):
    schedule = retention.schedule(project)
    period = schedule.period
    if form is None:
        form = RetentionForm(initial={
            "last_payment_year": project.last_payment_year,
            "audit_period_ends_on": project.audit_period_ends_on,
            "retention_months": project.retention_months,
        })
    return render(request, "console/retention/project.html", {
        "project": project, "role": role, "form": form, "period": period,
        "period_end": format_day(period.ends_on) if period.ends_on else "",
        "rows": [
            {"line": line,
             "due": format_moment(line.due, line.event.time_zone) if line.due else ""}
            for line in schedule.events
        ],
        "purges": {
            "outbox_days": outbox_days(),
            "webhook_days": webhook_days(),
            "unmatched_days": unmatched_days(),
            "login_days": housekeeping.days("AULA_RETENTION_LOGIN_RECORDS_DAYS",
                                            housekeeping.LOGIN_RECORDS_DAYS),
            "task_days": housekeeping.days("AULA_RETENTION_TASK_RESULTS_DAYS",
                                           housekeeping.TASK_RESULTS_DAYS),
        },
    }, status=status)


@login_required
def project_retention(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    if request.method != "POST":
        return _page(request, project, role)
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            projects.set_retention(project, actor=request.user, via="console",
                                   **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The retention period is saved."))
            return redirect("console:retention", project=project.slug)
    return _page(request, project, role, form=form, status=400)
