"""Console pages: a project's webhooks (owners only: ``permissions.may_manage_webhooks``).
The endpoints, adding and changing one, switching it off and on, deleting it (asked first),
its signing secret and replacing it, a test event, the delivery log and sending a message
again. Every change is an action of ``aula.webhooks.services``, on the record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aula.console.confirm import ask_first
from aula.console.permissions import webhook_endpoint_for, webhooks_project_for
from aula.console.webhook_forms import EndpointForm
from aula.core.errors import ActionRefused
from aula.webhooks import queries
from aula.webhooks import services as webhooks

LOG_PAGE_SIZE = 20
VIA = "console"


def _labels(event_types) -> list:
    return [webhooks.EVENT_TYPES[t] for t in event_types if t in webhooks.EVENT_TYPES]


@login_required
def webhook_list(request, project):
    project, role = webhooks_project_for(request.user, project)
    endpoints = list(queries.endpoints_of(project.pk))
    for endpoint in endpoints:
        endpoint.labels = _labels(endpoint.event_types)
    return render(request, "console/webhooks/list.html", {
        "project": project, "role": role, "endpoints": endpoints,
    })


@login_required
def webhook_new(request, project):
    project, role = webhooks_project_for(request.user, project)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhooks.subscribe(project, actor=request.user, via=VIA,
                                          **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The webhook is added. Give its receiver the signing "
                                        "secret below."))
            return redirect("console:webhook", project=project.slug, endpoint_id=endpoint.pk)
    return render(request, "console/webhooks/new.html", {
        "project": project, "role": role, "form": form,
    }, status=400 if request.method == "POST" else 200)


@login_required
def webhook(request, project, endpoint_id):
    project, role, endpoint = webhook_endpoint_for(request.user, project, endpoint_id)
    status = 200
    if request.method == "POST":
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                webhooks.change(endpoint, actor=request.user, via=VIA, **form.cleaned_data)
            except ActionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("The webhook is saved."))
                return redirect("console:webhook", project=project.slug,
                                endpoint_id=endpoint.pk)
        status = 400
    else:
        form = EndpointForm(initial={
            "url": endpoint.url, "description": endpoint.description,
            "event_types": endpoint.event_types, "personal_data": endpoint.personal_data,
        })
    page = Paginator(queries.delivery_log(endpoint), LOG_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "console/webhooks/endpoint.html", {
        "project": project, "role": role, "endpoint": endpoint, "form": form, "page": page,
        "labels": dict(webhooks.EVENT_TYPES),
    }, status=status)


def _back(project, endpoint):
    return redirect("console:webhook", project=project.slug, endpoint_id=endpoint.pk)


@login_required
@require_POST
def webhook_switch(request, project, endpoint_id):
    project, _role, endpoint = webhook_endpoint_for(request.user, project, endpoint_id)
    active = request.POST.get("active") == "1"
    reason = "" if active else (request.POST.get("reason") or "").strip()[:300]
    webhooks.change(endpoint, actor=request.user, via=VIA, active=active,
                    disabled_reason=reason)
    messages.success(request, _("The webhook is on.") if active else _("The webhook is off: "
                                                                       "nothing is sent."))
    return _back(project, endpoint)


@login_required
@require_POST
def webhook_rotate(request, project, endpoint_id):
    project, _role, endpoint = webhook_endpoint_for(request.user, project, endpoint_id)
    webhooks.rotate_secret(endpoint, actor=request.user, via=VIA)
    messages.success(request, _("The secret is replaced: give the new one to the receiver. "
                                "Messages are signed with it from now on."))
    return _back(project, endpoint)


@login_required
@require_POST
def webhook_test(request, project, endpoint_id):
    project, _role, endpoint = webhook_endpoint_for(request.user, project, endpoint_id)
    try:
        webhooks.send_test(endpoint, actor=request.user, via=VIA)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("A test event is on its way; its delivery shows below."))
    return _back(project, endpoint)


@login_required
@require_POST
def webhook_replay(request, project, endpoint_id, message_id):
    project, _role, endpoint = webhook_endpoint_for(request.user, project, endpoint_id)
    message = endpoint.messages.filter(pk=message_id).first()
    if message is None:
        raise Http404
    try:
        webhooks.replay(message, actor=request.user, via=VIA)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The message is sent again, with the same id."))
    return _back(project, endpoint)


@login_required
@require_POST
def webhook_delete(request, project, endpoint_id):
    project, _role, endpoint = webhook_endpoint_for(request.user, project, endpoint_id)
    back = redirect("console:webhook", project=project.slug, endpoint_id=endpoint.pk).url
    asking = ask_first(
        request, what=_("the webhook to %(url)s") % {"url": endpoint.url},
        consequences=[_("Its delivery log goes with it; messages not yet delivered are not "
                        "sent.")],
        back=back,
    )
    if asking is not None:
        return asking
    webhooks.delete(endpoint, actor=request.user, via=VIA)
    messages.success(request, _("The webhook is deleted."))
    return redirect("console:webhooks", project=project.slug)
