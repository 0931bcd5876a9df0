"""Reads of messages to registrants: who gets one (the groups), what it says to each of them
(placeholders filled in, per language), the preview, the progress of sending and the log.

The organiser's text is Markdown with placeholders such as ``{first_name}``
(``registrations.placeholders.fill_body``: rendered by ``core.markdown``, values filled in after,
escaped).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from aula.attendance.queries import attendees
from aula.campaigns.models import Campaign
from aula.core.translation import localize
from aula.events.models import AgendaBlock
from aula.messaging.models import OutboxMessage
from aula.messaging.services import one_line, render_email
from aula.registrations import display
from aula.registrations.models import Registration
from aula.registrations.placeholders import (  # noqa: F401 (the campaigns' placeholders)
    LINK_PLACEHOLDERS,
    PLACEHOLDERS,
    fill_body,
    fill_plain,
    placeholder_values,
    unknown_placeholders,
)

TEMPLATE = "campaigns/email/campaign"
# A campaign still being queued this long after sending started has probably lost its task.
STALLED_AFTER = timedelta(minutes=10)

# What rendering a registrant's message reads of their registration.
MESSAGE_FIELDS = (
    "id", "event_id", "email", "first_name", "family_name", "language", "time_zone", "token",
)


# --- Placeholders and rendering --------------------------------------------------------------


def text_language(campaign: Campaign, language: str) -> str:
    """The language of the texts a registrant with ``language`` gets: their own when the
    organiser wrote the message in it, else the event's primary language."""
    return localize(campaign.body, language, campaign.event.primary_language).lang


@dataclass(frozen=True)
class RenderedMessage:
    language: str
    subject: str
    text: str
    html: str


def render(campaign: Campaign, registration) -> RenderedMessage:
    """The campaign's e-mail as ``registration`` gets it."""
    event = campaign.event
    language = text_language(campaign, registration.language)
    subject = localize(campaign.subject, language, event.primary_language).text
    body = localize(campaign.body, language, event.primary_language).text
    values = placeholder_values(registration, event, language)
    filled = fill_body(body, values)
    rendered = render_email(TEMPLATE, {
        "subject": one_line(fill_plain(subject, values)),
        "body_text": filled.text,
        "body_html": filled.html,
        "event_title": values["event_title"],
        "contact_name": event.contact_name,
        "contact_email": event.contact_email,
        # Interreg visibility: the project's logo set heads the HTML part, as in the
        # automatic e-mails (registrations.emails).
        **display.logo_set(event.project, language),
    }, language)
    return RenderedMessage(language, rendered.subject, rendered.text, rendered.html)


# --- Recipients ------------------------------------------------------------------------------


def recipients(event, group: str, block_id: int | None = None, chosen_ids=()):
    """The registrations of ``event`` in ``group``, by id; erased ones never. ``chosen_ids``
    are the CHOSEN group's: those of another event are not the event's, so never in it."""
    Status = Registration.Status
    registrations = Registration.objects.filter(event=event, anonymised_at__isnull=True)
    if group == Campaign.Group.CHOSEN:
        return registrations.exclude(status=Status.CANCELLED).filter(
            pk__in=list(chosen_ids)
        ).order_by("id")
    if group == Campaign.Group.ALL:
        return registrations.exclude(status=Status.CANCELLED).order_by("id")
    if group == Campaign.Group.CONFIRMED:
        return registrations.filter(status=Status.CONFIRMED).order_by("id")
    if group == Campaign.Group.WAITING:
        return registrations.filter(status=Status.WAITING).order_by("id")
    if group == Campaign.Group.SESSION:
        if block_id is None:  # the session was deleted from the agenda
            return registrations.none()
        return registrations.exclude(status=Status.CANCELLED).filter(
            session_choices__block_id=block_id
        ).order_by("id")
    if group in (Campaign.Group.ATTENDED, Campaign.Group.ABSENT):
        present = list(attendees(event))
        if group == Campaign.Group.ATTENDED:
            return registrations.filter(pk__in=present).order_by("id")
        return registrations.filter(status=Status.CONFIRMED).exclude(pk__in=present).order_by(
            "id"
        )
    raise ValueError(f"Unknown group {group!r}")


def campaign_recipients(campaign: Campaign):
    return recipients(campaign.event, campaign.group, campaign.block_id, campaign.chosen_ids)


def chosen_names(campaign: Campaign) -> list[str]:
    """"Family, First" of the CHOSEN group's recipients as they stand now, by name: one
    query, at most ``BULK_LIMIT`` of them."""
    if campaign.group != Campaign.Group.CHOSEN:
        return []
    return [
        f"{family}, {first}" for first, family in campaign_recipients(campaign).order_by(
            "family_name", "first_name", "id"
        ).values_list("first_name", "family_name")
    ]


def of_event(event, registration_ids) -> list[int]:
    """Those of ``registration_ids`` that are registrations of ``event``, in order, once."""
    ids = sorted({int(pk) for pk in registration_ids})
    return list(
        Registration.objects.filter(event=event, pk__in=ids).order_by("id").values_list(
            "id", flat=True
        )
    )


def parallel_blocks(event):
    """The sessions an organiser can write to: the event's parallel blocks."""
    return AgendaBlock.objects.filter(event=event, kind=AgendaBlock.Kind.PARALLEL).order_by(
        "starts_at", "order", "id"
    )


# --- Preview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    language: str  # the registrants' language
    count: int  # how many registrants of the group have it
    registration: object
    message: RenderedMessage

    @property
    def is_fallback(self) -> bool:
        return self.message.language != self.language


@dataclass(frozen=True)
class Preview:
    count: int
    samples: list[Sample]


def preview(campaign: Campaign) -> Preview:
    """The e-mail rendered for one registrant of each language in the group, with the number
    of recipients: three queries and a render per language."""
    group = campaign_recipients(campaign)
    languages = dict(
        group.order_by().values_list("language").annotate(n=Count("id")).values_list(
            "language", "n"
        )
    )
    first_ids = group.order_by().values("language").annotate(first=Min("id")).values_list(
        "first", flat=True
    )
    samples = []
    for registration in Registration.objects.filter(pk__in=list(first_ids)).only(
        *MESSAGE_FIELDS
    ).order_by("language"):
        registration.event = campaign.event  # the same event: no query for it
        samples.append(Sample(
            registration.language, languages.get(registration.language, 0), registration,
            render(campaign, registration),
        ))
    return Preview(sum(languages.values()), samples)


# --- Progress and log ------------------------------------------------------------------------


def is_stalled(campaign: Campaign, now=None) -> bool:
    """Still being queued long after sending started: its task was probably lost."""
    now = now or timezone.now()
    return (
        campaign.status == Campaign.Status.SENDING and campaign.send_requested_at is not None
        and now - campaign.send_requested_at > STALLED_AFTER
    )


def _status_filters() -> dict[str, Q]:
    """Which of a campaign's e-mails each count counts: written, waiting (queued or being
    sent), sent and failed."""
    Status = OutboxMessage.Status
    return {
        "written": Q(),
        "waiting_count": Q(status__in=[Status.QUEUED, Status.SENDING]),
        "sent_count": Q(status=Status.SENT),
        "failed_count": Q(status=Status.FAILED),
    }


@dataclass(frozen=True)
class Progress:
    total: int  # the recipients (as counted when sending started, then as queued)
    written: int  # e-mails in the outbox
    waiting: int  # written, not yet sent (queued or being sent)
    sent: int
    failed: int
    queueing: bool  # the task is still writing e-mails

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def finished(self) -> bool:
        return not self.queueing and self.waiting == 0


def progress(campaign: Campaign) -> Progress:
    """Counts from the outbox: one query."""
    counts = OutboxMessage.objects.filter(campaign_id=campaign.pk).aggregate(**{
        name: Count("id", filter=condition) for name, condition in _status_filters().items()
    })
    return Progress(
        total=max(campaign.recipient_count, counts["written"]),
        written=counts["written"],
        waiting=counts["waiting_count"],
        sent=counts["sent_count"],
        failed=counts["failed_count"],
        queueing=campaign.status == Campaign.Status.SENDING,
    )


def _outbox_count(condition: Q):
    """The number of the campaign's e-mails meeting ``condition``, as a subquery (the outbox
    holds the campaign's id, not a foreign key)."""
    counted = OutboxMessage.objects.filter(condition, campaign_id=OuterRef("pk")).order_by()
    return Coalesce(
        Subquery(counted.values("campaign_id").annotate(n=Count("id")).values("n")),
        Value(0), output_field=IntegerField(),
    )


def campaign_log(event):
    """The event's campaigns, newest first, each with its outbox counts (one query per page)."""
    return Campaign.objects.filter(event=event).select_related("created_by", "block").annotate(
        **{name: _outbox_count(condition) for name, condition in _status_filters().items()}
    ).order_by("-created_at", "-id")


def campaign_messages(campaign: Campaign):
    """The campaign's e-mails, one per recipient, without their bodies."""
    return OutboxMessage.objects.filter(campaign_id=campaign.pk).only(
        "id", "recipient", "language", "status", "attempts", "last_error", "sent_at",
        "created_at", "registration_id", "campaign_id",
    ).order_by("recipient", "id")


def campaign_for(event, campaign_id: int) -> Campaign | None:
    """The event's campaign ``campaign_id`` (another event's is None)."""
    campaign = Campaign.objects.filter(event=event, pk=campaign_id).select_related(
        "block", "created_by"
    ).first()
    if campaign is not None:
        campaign.event = event
    return campaign
