"""Registration's writes, one module per concern:

* ``capacity`` — the rule everything keeps (never more places taken than the capacity, for the
  event and each parallel session), the counter lock ``_lock_event`` and the one retry point
  ``run_in_transaction``; deciding, registering, cancelling, promoting, filling free places,
  switching session, and changing a capacity (the event's or a session's).
* ``validation`` — what a registrant gives (``RegistrationData``), checked.
* ``confirmation`` — holds and confirmation: double opt-in, expired holds, confirming by hand,
  sending again the e-mail that says where someone stands.
* ``reminders`` — reminders before the start (the scheduler's tick).
* ``email_texts`` — the organiser's own texts of the automatic e-mails.
* ``followups`` — the e-mails after a held event the organiser switches on (each sent once).
* ``notify`` — e-mails to everyone registered when the event moved or was cancelled.
* ``bulk`` — one action on many registrants: one transaction and audit entry per person.
* ``personal`` — the registrant's personal data: correcting, erasing, exporting; the join link's
  count.

The names below are re-exported so that ``from aula.registrations import services`` reads as one
module; a test that replaces a function must replace it in the module that calls it.
"""

from aula.registrations.services.bulk import (
    BULK_LIMIT,
    BulkResult,
    bulk_cancel,
    bulk_move,
    bulk_resend,
)
from aula.registrations.services.capacity import (
    ACCEPTED,
    NoPlace,
    RegistrationError,
    RegistrationOutcome,
    Result,
    SessionFull,
    cancel,
    change_event_capacity,
    change_session_capacity,
    check_event_capacity,
    check_session_capacity,
    decide,
    fill_free_places,
    on_session_capacity_changing,
    promote,
    register,
    run_in_transaction,
    switch_session,
    why_closed,
)
from aula.registrations.services.confirmation import (
    confirm_by_hand,
    confirm_email,
    release_expired_holds,
    resend_confirmation,
)
from aula.registrations.services.email_texts import reset_email_text, save_email_text
from aula.registrations.services.notify import (
    notify_event_cancelled,
    notify_event_changed,
    on_event_cancelled,
    on_event_rescheduled,
)
from aula.registrations.services.personal import (
    EDITABLE_FIELDS,
    erase,
    erasure_placeholder,
    export_data,
    record_data_export,
    record_join,
    registration_erased,
    update_details,
)
from aula.registrations.services.reminders import REMINDER_BATCH_SIZE, send_due_reminders
from aula.registrations.services.validation import (
    RegistrationData,
    clean_answers,
    clean_sessions,
    normalise_email,
)

__all__ = [
    "BULK_LIMIT", "BulkResult", "bulk_cancel", "bulk_move", "bulk_resend",
    "ACCEPTED", "EDITABLE_FIELDS", "REMINDER_BATCH_SIZE", "NoPlace", "RegistrationData",
    "RegistrationError", "RegistrationOutcome", "Result", "SessionFull", "cancel",
    "change_event_capacity", "change_session_capacity", "check_event_capacity",
    "check_session_capacity", "clean_answers", "clean_sessions", "confirm_by_hand",
    "confirm_email", "decide", "erase", "erasure_placeholder", "export_data", "fill_free_places",
    "normalise_email", "notify_event_cancelled", "notify_event_changed", "on_event_cancelled",
    "on_event_rescheduled", "on_session_capacity_changing", "promote", "record_data_export",
    "record_join", "register",
    "registration_erased", "release_expired_holds", "resend_confirmation", "reset_email_text",
    "run_in_transaction", "save_email_text",
    "send_due_reminders", "switch_session", "update_details", "why_closed",
]
