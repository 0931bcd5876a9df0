"""Console pages: messages from the organiser to an event's registrants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aula.campaigns import queries as campaigns
from aula.campaigns import services as campaign_services
from aula.campaigns.models import Campaign
from aula.console.message_forms import CampaignForm, ScheduleForm, join_ids
from aula.console.models import Role
from aula.console.permissions import allows, event_for
from aula.core import timefmt
from aula.core.errors import ActionRefused

LOG_PAGE_SIZE = 25
RECIPIENTS_PAGE_SIZE = 50
# Seconds between reloads of a page whose campaign is still being delivered.
REFRESH_SECONDS = 5


def _context(request, event, role, **extra) -> dict:
    return {
        "event": event, "project": event.project, "role": role,
        "can_write": allows(role, Role.EDITOR), "content_language": event.primary_language,
        **extra,
    }


def _campaign(event, campaign_id) -> Campaign:
    campaign = campaigns.campaign_for(event, campaign_id)
    if campaign is None:
        raise Http404
    return campaign


@login_required
def message_list(request, event_id):
    event, role = event_for(request.user, event_id)
    page = Paginator(campaigns.campaign_log(event), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "console/messages/list.html", _context(request, event, role, page=page))


@login_required
def message_new(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    return _compose(request, event, role, None)


@login_required
def message_edit(request, event_id, campaign_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    campaign = _campaign(event, campaign_id)
    if campaign.status not in campaign_services.UNSENT:
        messages.info(request, _("This message has been sent and can no longer change."))
        return redirect("console:message", event_id=event.pk, campaign_id=campaign.pk)
    return _compose(request, event, role, campaign)


def compose_to_chosen(request, event, role, registration_ids):
    """The page to write a message to the registrants chosen in the registrants table (its
    bulk action "Message"), which posts to ``message_new``."""
    form = CampaignForm(
        initial={"group": Campaign.Group.CHOSEN, "chosen_ids": join_ids(registration_ids)},
        event=event, language=get_language(),
    )
    return _render_compose(request, event, role, form, None)


def _compose(request, event, role, campaign):
    initial = CampaignForm.initial_for(campaign) if campaign else {}
    form = CampaignForm(
        request.POST or None, initial=initial, event=event, language=get_language()
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_services.compose(
                event, actor=request.user, campaign=campaign, **form.cleaned_data
            )
        except ActionRefused as refusal:  # nobody of the event chosen; sent meanwhile
            if campaign is not None:
                campaign.refresh_from_db(fields=["status"])
            if campaign is None or campaign.status in campaign_services.UNSENT:
                form.add_error(None, str(refusal))
                return _render_compose(request, event, role, form, campaign, status=400)
            messages.info(request, str(refusal))  # sent in another tab: show its progress
        return redirect("console:message", event_id=event.pk, campaign_id=campaign.pk)
    return _render_compose(request, event, role, form, campaign)


def _render_compose(request, event, role, form, campaign, status=200):
    action = (
        reverse("console:message_edit", args=[event.pk, campaign.pk]) if campaign
        else reverse("console:message_new", args=[event.pk])
    )
    return render(request, "console/messages/compose.html", _context(
        request, event, role, form=form, campaign=campaign, action=action,
        placeholders=campaigns.PLACEHOLDERS.items(),
    ), status=status)


@login_required
def message_detail(request, event_id, campaign_id):
    """A draft or a scheduled message: its preview, the buttons to send and to schedule it.
    Sent: its progress and recipients."""
    event, role = event_for(request.user, event_id)
    campaign = _campaign(event, campaign_id)
    if campaign.status in campaign_services.UNSENT:
        return _preview(request, event, role, campaign)
    progress = campaigns.progress(campaign)
    page = Paginator(campaigns.campaign_messages(campaign), RECIPIENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "console/messages/detail.html", _context(
        request, event, role, campaign=campaign, progress=progress, page=page,
        refresh_seconds=None if progress.finished else REFRESH_SECONDS,
        stalled=campaigns.is_stalled(campaign),
    ))


@login_required
@require_POST
def message_send(request, event_id, campaign_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    campaign = _campaign(event, campaign_id)
    if campaigns.is_stalled(campaign):
        campaign_services.resume(campaign, actor=request.user)
        messages.success(request, _("Writing the e-mails starts again where it stopped."))
        return redirect("console:message", event_id=event.pk, campaign_id=campaign.pk)
    try:
        campaign_services.send(campaign, actor=request.user)
    except ActionRefused as error:
        messages.info(request, str(error))
    else:
        messages.success(request, _("The message is being sent."))
    return redirect("console:message", event_id=event.pk, campaign_id=campaign.pk)


def _preview(request, event, role, campaign, schedule_form=None, status=200):
    if schedule_form is None:
        initial = {}
        if campaign.scheduled_for:
            initial["send_at"] = timezone.localtime(campaign.scheduled_for, event.tz)
        schedule_form = ScheduleForm(initial=initial, zone=event.time_zone)
    scheduled_for = None
    if campaign.status == Campaign.Status.SCHEDULED:
        scheduled_for = timefmt.format_moment(
            campaign.scheduled_for, event.time_zone, get_language()
        )
    with timezone.override(event.tz):  # the form shows the moment in the event's zone
        return render(request, "console/messages/preview.html", _context(
            request, event, role, campaign=campaign, preview=campaigns.preview(campaign),
            chosen_names=campaigns.chosen_names(campaign),
            schedule_form=schedule_form, scheduled_for=scheduled_for,
        ), status=status)


@login_required
@require_POST
def message_schedule(request, event_id, campaign_id):
    """Schedule the message (or move its moment), read in the event's zone."""
    event, role = event_for(request.user, event_id, Role.EDITOR)
    campaign = _campaign(event, campaign_id)
    with timezone.override(event.tz):
        form = ScheduleForm(request.POST, zone=event.time_zone)
        valid = form.is_valid()
    if valid:
        try:
            campaign_services.schedule(
                campaign, actor=request.user, when=form.cleaned_data["send_at"]
            )
        except ActionRefused as refusal:
            form.add_error("send_at", str(refusal))
        else:
            messages.success(request, _("The message will be sent at the time you chose."))
            return redirect("console:message", event_id=event.pk, campaign_id=campaign.pk)
    if campaign.status not in campaign_services.UNSENT:
        messages.info(request, _("This message has been sent and can no longer change."))
        return redirect("console:message", event_id=event.pk, campaign_id=campaign.pk)
    return _preview(request, event, role, campaign, schedule_form=form, status=400)


@login_required
@require_POST
def message_unschedule(request, event_id, campaign_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    campaign = _campaign(event, campaign_id)
    try:
        campaign_services.unschedule(campaign, actor=request.user)
    except ActionRefused as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, _("The message is a draft again: it will not be sent."))
    return redirect("console:message", event_id=event.pk, campaign_id=campaign.pk)
