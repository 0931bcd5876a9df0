"""Console page: the project's API tokens, for its owners (``permissions.may_manage_api_tokens``).

The list (name, prefix, scopes, created, last used, revoked or expired), a form that makes a
token (``api.services.create_token``: its secret shown once, on the answer to that POST, with a
first call to copy) and revoking one, asked first (``confirm.ask_first``).
"""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aula.api import services as api_services
from aula.api.models import READ, SCOPES, ApiToken
from aula.console.confirm import ask_first
from aula.console.permissions import api_tokens_project_for
from aula.core.errors import ActionRefused


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=api_services.NAME_MAX,
        help_text=gettext_lazy("What it is for, e.g. “CRM of the lead partner”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), widget=forms.CheckboxSelectMultiple, initial=[READ],
        choices=[(key, label) for key, label in SCOPES.items()],
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires after (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The token stops working at the end of this day."),
    )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The day has passed."))
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time.min,
                                tzinfo=timezone.get_current_timezone())


def _page(request, project, *, form=None, created=None, status=200):
    now = timezone.now()
    tokens = list(ApiToken.objects.filter(project=project).select_related("created_by"))
    return render(request, "console/api_tokens/list.html", {
        "project": project, "role": "owner", "form": form or TokenForm(),
        "rows": [{"token": token, "active": token.is_active(now),
                  "expired": token.expires_at is not None and token.expires_at <= now,
                  "scopes": [SCOPES[scope] for scope in token.scopes if scope in SCOPES]}
                 for token in tokens],
        "created": created,
        "api_base": f"{settings.AULA_BASE_URL}/api/v1",
    }, status=status)


@login_required
def token_list(request, project):
    project = api_tokens_project_for(request.user, project)
    if request.method != "POST":
        return _page(request, project)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, project, form=form, status=400)
    try:
        token, secret = api_services.create_token(
            request.user, project, form.cleaned_data["name"], form.cleaned_data["scopes"],
            form.expires_at(), via="console",
        )
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
        return _page(request, project, form=form, status=400)
    # The secret is on this answer only (the console's pages are never stored: no-store).
    return _page(request, project, created={"token": token, "secret": secret})


@require_POST
@login_required
def token_revoke(request, project, token_id):
    project = api_tokens_project_for(request.user, project)
    token = ApiToken.objects.filter(project=project, pk=token_id).first()
    if token is None:
        raise Http404
    back = redirect("console:api_tokens", project=project.slug)
    answer = ask_first(
        request, what=_("the API token “%(name)s” (%(prefix)s)")
        % {"name": token.name, "prefix": token.prefix},
        consequences=[_("Every system that uses it is refused from then on.")],
        back=back.url,
    )
    if answer is not None:
        return answer
    try:
        api_services.revoke_token(request.user, token, via="console")
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The token is revoked."))
    return back
