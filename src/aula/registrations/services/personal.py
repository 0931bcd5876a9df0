"""The registrant's personal data: correcting it, erasing it (GDPR Art. 17), exporting it
(Art. 15 and 20), and the join link's count.
"""

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aula.audit import services as audit
from aula.messaging.services import forget_registration
from aula.registrations import queries
from aula.registrations import webhooks as hooks
from aula.registrations.display import zone_or_none
from aula.registrations.models import (
    OrganisationType,
    Question,
    Registration,
    RegistrationOptions,
    new_token,
)
from aula.registrations.services.capacity import (
    RegistrationError,
    _fill_free_places,
    _lock_event,
    _withdraw,
    run_in_transaction,
)
from aula.registrations.services.validation import clean_answers, normalise_email
from aula.webhooks import services as webhooks

Status = Registration.Status

DETAILS_UPDATED = audit.action("registration.details_updated",
                               _("Corrected a registrant's details"))
ERASED = audit.action("registration.erased", _("Erased a registrant's personal data"))

# Personal fields: the audit log says they changed, never what they were or became.
PERSONAL_FIELDS = (
    "email", "first_name", "family_name", "organisation", "job_title", "time_zone", "answers",
)

# --- Corrections --------------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "first_name", "family_name", "organisation", "organisation_type", "country", "language",
    "job_title",
)
UPDATED_FIELDS = (
    *EDITABLE_FIELDS, "time_zone", "answers", "consent_recording", "consent_recording_at",
    "consent_newsletter", "consent_newsletter_at",
)


def update_details(
    registration: Registration, data: Mapping, *, actor=None, via: str = "",
    now: datetime | None = None,
) -> Registration:
    """The registrant (or the organiser for them) corrects their details, answers and consents;
    the organiser may also correct the address (``data["email"]``: one registration per address
    and event, checked under the event's lock). Raises ``ValidationError``; nothing is stored
    then. The audit entry names the fields that changed; personal ones without values."""
    now = now or timezone.now()
    before = audit.snapshot(registration, (*UPDATED_FIELDS, "email"))
    if registration.anonymised_at:
        raise RegistrationError(_("This registration has been erased."))
    new_email = normalise_email(data["email"]) if "email" in data else registration.email
    email_changed = new_email != registration.email
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            setattr(registration, name, value.strip() if isinstance(value, str) else value)
    if registration.country:
        registration.country = str(registration.country).upper()
    if "time_zone" in data and zone_or_none(data["time_zone"] or ""):
        registration.time_zone = data["time_zone"]
    errors = {}
    if "answers" in data:
        try:
            registration.answers = clean_answers(
                queries.questions(registration.event), data["answers"] or {}
            )
        except ValidationError as error:
            errors.update(error.error_dict)
    for consent in ("consent_recording", "consent_newsletter"):
        if consent in data and bool(data[consent]) != getattr(registration, consent):
            setattr(registration, consent, bool(data[consent]))
            setattr(registration, f"{consent}_at", now if data[consent] else None)
    if email_changed:
        try:
            validate_email(new_email)
        except ValidationError:
            errors["email"] = [ValidationError(_("Enter a valid e-mail address."))]
        else:
            registration.email = new_email
    try:
        registration.full_clean(
            exclude=["event", "token", "privacy_notice", "status", "email"],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        registration.refresh_from_db()
        raise ValidationError(errors)
    changes = audit.changes_between(
        before, audit.snapshot(registration, (*UPDATED_FIELDS, "email")),
        personal=PERSONAL_FIELDS,
    )

    def write():
        fields = list(UPDATED_FIELDS)
        if email_changed:
            # Under the lock, as every registration of the event is written: no one can take
            # the address between the check and the save.
            _lock_event(registration.event_id)
            taken = Registration.objects.filter(
                event_id=registration.event_id, email=new_email
            ).exclude(pk=registration.pk)
            if taken.exists():
                raise ValidationError({"email": _(
                    "This address already has a registration for the event (perhaps a "
                    "cancelled one)."
                )})
            fields.append("email")
        registration.save(update_fields=fields)
        if changes:
            audit.record(actor, DETAILS_UPDATED, registration, via=via, changes=changes)

    try:
        run_in_transaction(write)
    except ValidationError:
        registration.refresh_from_db()
        raise
    return registration


def record_join(registration: Registration, *, now: datetime | None = None) -> None:
    """Count one use of the join link, in one statement (many join in the same minute)."""
    now = now or timezone.now()
    Registration.objects.filter(pk=registration.pk).update(
        first_joined_at=Coalesce(F("first_joined_at"), now),
        last_joined_at=now,
        join_count=F("join_count") + 1,
    )


def erasure_placeholder(registration: Registration) -> str:
    # Unique (one per registration id) and undeliverable by definition (RFC 2606 .invalid).
    return f"erased-{registration.pk}@erased.invalid"


# Sent inside the erasure's transaction with ``registration``; receivers erase what their app
# keeps about the person, so an erasure is all or nothing.
registration_erased = Signal()


def anonymise(current: Registration, now: datetime) -> None:
    """The one erasure rule, shared by ``erase`` (one registrant) and the retention job
    (``registrations.retention``): run under the event's counter lock, in the transaction of
    the caller, which writes the audit entry. Keeps what counts need: status, sessions,
    organisation type, country, language, the timestamps, attendance times, ratings."""
    forget_registration(current.pk)
    webhooks.forget_registration(current.pk)
    current.email = erasure_placeholder(current)
    current.first_name = current.family_name = ""
    current.organisation = current.job_title = current.time_zone = ""
    current.answers = {}
    current.consent_recording = current.consent_newsletter = False
    current.consent_recording_at = current.consent_newsletter_at = None
    current.token = new_token()
    current.anonymised_at = now
    current.save()
    # Apps that keep their own data on a registrant (feedback, attendance, certificates) erase
    # it too.
    registration_erased.send(sender=Registration, registration=current)


def erase(
    registration: Registration, *, actor=None, via: str = "", now: datetime | None = None
) -> Registration:
    """Erase the registrant's personal data (GDPR Art. 17). What counts need stays: status,
    sessions, organisation type, country, language and the timestamps. Before the event, the
    registration is cancelled first (silently: there is nobody left to tell), so the place goes
    to the next in line. The personal link stops working, and the registrant's e-mails in the
    outbox go too (unsent ones entirely, sent ones but for what counts need). The audit entry
    records that it happened, not what was erased."""
    now = now or timezone.now()
    options = queries.options_for(registration.event)

    def locked():
        counter = _lock_event(registration.event_id)
        current = Registration.objects.get(pk=registration.pk)
        # Also when erased already: the outbox of an erasure from before it was cleaned too.
        forget_registration(current.pk)
        webhooks.forget_registration(current.pk)
        if current.anonymised_at:
            return current
        if current.status != Status.CANCELLED and not counter.event.is_past(now):
            _withdraw(current, counter, now)
            # Told without the person: anonymise below empties the message's personal fields.
            hooks.tell("registration.cancelled", current, counter.event.project_id)
            if options.promotion == RegistrationOptions.Promotion.AUTOMATIC:
                _fill_free_places(current.event_id, options, counter, now)
        anonymise(current, now)
        audit.record(actor, ERASED, current, event=counter.event, via=via)
        return current

    erased = run_in_transaction(locked)
    registration.refresh_from_db()
    return erased


DATA_EXPORT = "registration.data"


def record_data_export(registration: Registration, *, actor=None, via: str = "") -> None:
    """Record a download of ``export_data`` (by the registrant on their page, or an organiser)."""
    audit.record_download(actor, DATA_EXPORT, event=registration.event_id,
                          project=registration.event.project_id,
                          data={"registration": registration.pk, "via": via})


def export_data(registration: Registration) -> dict:
    """Everything stored about the registrant, for a JSON download (GDPR Art. 15 and 20). The
    download is recorded with ``record_data_export``."""
    event = registration.event
    language = registration.language

    def moment(value):
        return value.isoformat() if value else None

    questions = {str(q.pk): q for q in queries.questions(event)}
    answers = []
    for key, value in (registration.answers or {}).items():
        question = questions.get(key)
        label = question.text("label", language).text if question else key
        if question is not None and question.kind in Question.CHOICE_KINDS:
            labels = {
                c["key"]: queries.choice_label(c, language, event.primary_language)
                for c in question.choices
            }
            value = [labels.get(v, v) for v in value] if isinstance(value, list) else labels.get(
                value, value
            )
        answers.append({"question": label, "answer": value})
    return {
        "event": {
            "title": event.text("title", language).text,
            "starts_at": moment(event.starts_at),
            "ends_at": moment(event.ends_at),
            "time_zone": event.time_zone,
        },
        "registration": {
            "email": registration.email,
            "first_name": registration.first_name,
            "family_name": registration.family_name,
            "organisation": registration.organisation,
            "organisation_type": registration.organisation_type,
            "organisation_type_label": str(
                OrganisationType(registration.organisation_type).label
            ) if registration.organisation_type in OrganisationType.values else "",
            "country": str(registration.country),
            "job_title": registration.job_title,
            "language": registration.language,
            "time_zone": registration.time_zone,
            "status": registration.status,
            "registered_at": moment(registration.created_at),
            "email_confirmed_at": moment(registration.email_confirmed_at),
            "confirmed_at": moment(registration.confirmed_at),
            "place_held_until": moment(registration.hold_expires_at),
            "waiting_since": moment(registration.waiting_since),
            "cancelled_at": moment(registration.cancelled_at),
            "first_joined_at": moment(registration.first_joined_at),
            "last_joined_at": moment(registration.last_joined_at),
            "times_joined": registration.join_count,
        },
        "sessions": [
            {
                "title": choice.block.text("title", language).text,
                "starts_at": moment(choice.block.starts_at),
                "ends_at": moment(choice.block.ends_at),
            }
            for choice in queries.chosen_sessions(registration)
        ],
        "answers": answers,
        "privacy_notice": {
            "version": registration.privacy_notice.version if registration.privacy_notice else None,
            "accepted_at": moment(registration.privacy_accepted_at),
        },
        "consents": {
            "photos_and_recordings": registration.consent_recording,
            "photos_and_recordings_at": moment(registration.consent_recording_at),
            "newsletter": registration.consent_newsletter,
            "newsletter_at": moment(registration.consent_newsletter_at),
        },
    }

