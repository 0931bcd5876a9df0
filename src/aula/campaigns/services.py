"""Messages from the organiser to a group of an event's registrants ("campaigns"): the writes.

``compose`` saves a draft, ``send`` starts sending it (``schedule`` has the scheduler's tick
start it at a chosen moment, ``send_due``; ``unschedule`` makes it a draft again): a task
(``tasks.queue_campaign``) writes one outbox message per recipient, batch by batch, each batch
in one transaction. A message carries its campaign's and registration's ids, unique per pair,
so a task that runs again (retried, or enqueued twice) skips whoever already has theirs: nobody
gets the message twice. ``resume`` enqueues that task again for a campaign whose task was lost.

Composing, scheduling, sending and resuming are organiser actions: each runs in one
transaction with its audit entry (the group and the number of recipients; never their addresses).
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aula.audit import services as audit
from aula.campaigns import queries
from aula.campaigns.models import Campaign
from aula.core.errors import ActionRefused
from aula.events.models import Event
from aula.messaging.models import OutboxMessage
from aula.messaging.services import OutgoingEmail, queue_emails
from aula.registrations.services.bulk import BULK_LIMIT

KIND = "campaign"
BATCH_SIZE = 200

DRAFTED = audit.action("campaign.drafted", _("Wrote a message to registrants"))
CHANGED = audit.action("campaign.changed", _("Changed a message to registrants"))
SENT = audit.action("campaign.sent", _("Sent a message to registrants"))
SCHEDULED = audit.action("campaign.scheduled", _("Scheduled a message to registrants"))
UNSCHEDULED = audit.action(
    "campaign.unscheduled", _("Took a message to registrants off the schedule")
)
RESUMED = audit.action("campaign.resumed", _("Resumed sending a message to registrants"))

# A message can be changed, scheduled or sent until sending starts.
UNSENT = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)
# What the log keeps of a draft's changes; the texts only as "changed" (they can be long).
TRACKED = ("group", "block", "chosen_ids", "subject", "body")
TEXTS = ("subject", "body")


class CampaignError(ActionRefused):
    """The campaign cannot be changed or sent as it is (e.g. it was sent already)."""


def _group_data(campaign: Campaign, count: int | None = None) -> dict:
    data = {"group": campaign.group}
    if campaign.group == Campaign.Group.SESSION:
        data["block"] = campaign.block_id
    if campaign.group == Campaign.Group.CHOSEN:
        data["chosen"] = len(campaign.chosen_ids)
    if count is not None:
        data["recipients"] = count
    return data


def _chosen(event, group: str, chosen_ids) -> list[int]:
    """The CHOSEN group's ids that are the event's registrations (another event's are dropped);
    refused when none is left or there are more than a bulk action may take."""
    if group != Campaign.Group.CHOSEN:
        return []
    ids = queries.of_event(event, chosen_ids or ())
    if not ids:
        raise CampaignError(gettext("Choose at least one registrant of this event."))
    if len(ids) > BULK_LIMIT:
        raise CampaignError(
            gettext("At most %(limit)d registrants at once: narrow the filter.")
            % {"limit": BULK_LIMIT}
        )
    return ids


def compose(
    event, *, actor, group: str, subject: dict, body: dict, block=None,
    campaign: Campaign | None = None, chosen_ids=(),
) -> Campaign:
    """Save a draft (a new one, or ``campaign`` changed; a scheduled one stays scheduled). The
    form has checked the texts. Group CHOSEN writes to ``chosen_ids``, those of them that are
    the event's registrations. Refused (``CampaignError``) once sending has started."""
    with transaction.atomic():
        chosen = _chosen(event, group, chosen_ids)
        if campaign is not None:
            status = Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list(
                "status", flat=True
            ).first()
            if status not in UNSENT:
                raise CampaignError(
                    gettext("This message has been sent and can no longer change.")
                )
            before = audit.snapshot(campaign, TRACKED)
        else:
            campaign, before = Campaign(event=event, created_by=actor), None
        campaign.group = group
        campaign.block = block if group == Campaign.Group.SESSION else None
        campaign.chosen_ids = chosen
        campaign.subject = subject
        campaign.body = body
        campaign.save()
        if before is None:
            audit.record(actor, DRAFTED, campaign, event=event, data=_group_data(campaign))
        else:
            changes = audit.changes_between(
                before, audit.snapshot(campaign, TRACKED), personal=TEXTS
            )
            if changes:
                audit.record(
                    actor, CHANGED, campaign, event=event, changes=changes,
                    data=_group_data(campaign),
                )
    return campaign


def send(campaign: Campaign, *, actor) -> Campaign:
    """Start sending a draft or a scheduled message now: count the group and enqueue the task
    that queues the e-mails. Refused (``CampaignError``) once sending has started (sent twice
    by a double click, or by the scheduler meanwhile)."""
    with transaction.atomic():
        if not _start_sending(campaign, actor, UNSENT, timezone.now()):
            raise CampaignError(gettext("This message has been sent already."))
    campaign.refresh_from_db()
    return campaign


def _start_sending(campaign: Campaign, actor, statuses, now, due=None) -> bool:
    """Claim ``campaign`` for sending if it is still in one of ``statuses`` (and, with
    ``due``, scheduled no later): the one conditional update decides, so a click and a tick,
    or two ticks, cannot both send it. Inside the caller's transaction."""
    claim = Campaign.objects.filter(pk=campaign.pk, status__in=statuses)
    if due is not None:
        claim = claim.filter(scheduled_for__lte=due)
    count = queries.campaign_recipients(campaign).count()
    if not claim.update(
        status=Campaign.Status.SENDING, send_requested_at=now, recipient_count=count,
    ):
        return False
    data = _group_data(campaign, count)
    if due is not None:
        data["scheduled_for"] = campaign.scheduled_for
    audit.record(actor, SENT, campaign, event=campaign.event, data=data)
    _enqueue_queueing(campaign.pk)
    return True


def _enqueue_queueing(campaign_id: int) -> None:
    from aula.campaigns.tasks import queue_campaign

    transaction.on_commit(lambda: queue_campaign.enqueue(campaign_id), robust=True)


def schedule(campaign: Campaign, *, actor, when) -> Campaign:
    """Have the scheduler's tick send ``campaign`` at ``when`` (aware), or move the moment of
    a scheduled one. Refused when the moment has passed or sending has started."""
    now = timezone.now()
    if when <= now:
        raise CampaignError(gettext("Choose a moment in the future."))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if locked is None or locked.status not in UNSENT:
            raise CampaignError(gettext("This message has been sent and can no longer change."))
        if Event.objects.filter(pk=campaign.event_id, status=Event.Status.CANCELLED).exists():
            raise CampaignError(gettext("The event is cancelled: its messages are not scheduled."))
        before = locked.scheduled_for if locked.status == Campaign.Status.SCHEDULED else None
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.SCHEDULED, scheduled_for=when
        )
        audit.record(
            actor, SCHEDULED, campaign, event=campaign.event,
            changes={"scheduled_for": [before, when]}, data=_group_data(campaign),
        )
    campaign.refresh_from_db()
    return campaign


def unschedule(campaign: Campaign, *, actor) -> Campaign:
    """Make a scheduled message a draft again (nothing is sent). Refused when it was not
    scheduled, or sending has started."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if locked is None or locked.status != Campaign.Status.SCHEDULED:
            raise CampaignError(gettext("This message is not scheduled."))
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.DRAFT, scheduled_for=None
        )
        audit.record(
            actor, UNSCHEDULED, campaign, event=campaign.event,
            changes={"scheduled_for": [locked.scheduled_for, None]},
        )
    campaign.refresh_from_db()
    return campaign


def unschedule_for_cancelled_event(event) -> int:
    """A cancelled event sends no scheduled message: each becomes a draft again, on the record
    as done by Aula. Inside the cancellation's transaction (``events.services.event_cancelled``)."""
    with transaction.atomic():
        scheduled = list(Campaign.objects.select_for_update().filter(
            event=event, status=Campaign.Status.SCHEDULED
        ))
        for campaign in scheduled:
            Campaign.objects.filter(pk=campaign.pk).update(
                status=Campaign.Status.DRAFT, scheduled_for=None
            )
            audit.record(
                None, UNSCHEDULED, campaign, event=event,
                changes={"scheduled_for": [campaign.scheduled_for, None]},
                data={"event_cancelled": True},
            )
    return len(scheduled)


def on_event_cancelled(sender, event, **kwargs) -> None:
    unschedule_for_cancelled_event(event)


def send_due(now=None) -> int:
    """The scheduler's tick: start sending every scheduled message whose moment has come, each
    in its own transaction, on the record as sent by Aula. Returns how many it started."""
    now = now or timezone.now()
    started = 0
    due = Campaign.objects.filter(
        status=Campaign.Status.SCHEDULED, scheduled_for__lte=now
    ).select_related("event").order_by("scheduled_for", "id")
    for campaign in due:
        with transaction.atomic():
            started += _start_sending(
                campaign, None, (Campaign.Status.SCHEDULED,), now, due=now
            )
    return started


def resume(campaign: Campaign, *, actor) -> bool:
    """Enqueue the queueing task again for a campaign stuck half-queued (its task was lost:
    a queue that was down, a worker killed). Harmless when the task is in fact running: the
    next one skips everyone who has their e-mail. False when there is nothing to resume."""
    with transaction.atomic():
        if not Campaign.objects.filter(
            pk=campaign.pk, status=Campaign.Status.SENDING
        ).exists():
            return False
        written = OutboxMessage.objects.filter(campaign_id=campaign.pk).count()
        audit.record(
            actor, RESUMED, campaign,
            data={**_group_data(campaign, campaign.recipient_count), "written": written},
        )
        _enqueue_queueing(campaign.pk)
    return True


def queue_batch(campaign: Campaign, after_id: int, batch_size: int = BATCH_SIZE) -> int | None:
    """Write the e-mails of the next ``batch_size`` recipients after registration
    ``after_id``, in one transaction, skipping those who have theirs already. Returns the last
    registration id of the batch, or None when there were no recipients left."""
    with transaction.atomic():
        # Two tasks of one campaign queue one after the other (SQLite serialises anyway).
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        batch = list(
            queries.campaign_recipients(campaign).filter(pk__gt=after_id).only(
                *queries.MESSAGE_FIELDS
            )[:batch_size]
        )
        if not batch:
            return None
        done = set(
            OutboxMessage.objects.filter(
                campaign_id=campaign.pk, registration_id__in=[r.pk for r in batch]
            ).values_list("registration_id", flat=True)
        )
        todo = [r for r in batch if r.pk not in done]
        if todo:
            _write(campaign, todo)
        return batch[-1].pk


def _write(campaign: Campaign, registrations: Iterable) -> None:
    event = campaign.event
    emails = []
    for registration in registrations:
        registration.event = event
        message = queries.render(campaign, registration)
        emails.append(OutgoingEmail(
            to=registration.email, subject=message.subject, text=message.text,
            html=message.html, kind=KIND, language=message.language, event=event,
            registration_id=registration.pk, reply_to=event.contact_email,
            campaign_id=campaign.pk,
        ))
    queue_emails(emails)


def queue_all(campaign_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Queue every recipient's e-mail; safe to run again. Returns the number of e-mails the
    campaign has in the outbox."""
    campaign = Campaign.objects.select_related("event__project").get(pk=campaign_id)
    if campaign.status in UNSENT:
        return 0
    after_id = 0
    while (after_id := queue_batch(campaign, after_id, batch_size)) is not None:
        pass
    total = OutboxMessage.objects.filter(campaign_id=campaign.pk).count()
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.QUEUED, recipient_count=total,
        queued_at=campaign.queued_at or timezone.now(),
    )
    return total
