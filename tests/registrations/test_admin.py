"""The organisers' admin goes through the same rules as the console: what needs the counter is
read-only, accepted notices and answered questions are kept, every change is audited."""

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.registrations import services
from aula.registrations.models import PrivacyNotice, Question, Registration, RegistrationOptions
from tests.factories import make_event
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_question, make_slot, person

pytestmark = pytest.mark.django_db


def test_admin_pages_render_without_the_token(admin_client):
    event = make_event(capacity=1)
    registration = services.register(event, person()).registration
    changelist = admin_client.get(reverse("admin:registrations_registration_changelist"))
    assert changelist.status_code == 200
    change = admin_client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    )
    assert change.status_code == 200
    assert registration.token not in change.content.decode()
    for name in ("registrationoptions", "privacynotice", "question"):
        page = admin_client.get(reverse(f"admin:registrations_{name}_changelist"))
        assert page.status_code == 200


def test_admin_actions_go_through_the_services(admin_client):
    event = make_event(capacity=1, options={"double_opt_in": False, "promotion": "manual"})
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    url = reverse("admin:registrations_registration_changelist")
    admin_client.post(url, {"action": "cancel_registrations", "_selected_action": [first.pk]})
    admin_client.post(url, {"action": "promote_registrations", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED
    assert second.status == Registration.Status.CONFIRMED


# --- The admin refuses what the console refuses ---------------------------------------------------


def change_url(model, obj):
    return reverse(f"admin:registrations_{model}_change", args=[obj.pk])


def delete_url(model, obj):
    return reverse(f"admin:registrations_{model}_delete", args=[obj.pk])


def test_an_accepted_notice_is_read_only_in_the_admin(admin_client):
    event = make_event()
    notice = services.register(event, person()).registration.privacy_notice
    page = admin_client.get(change_url("privacynotice", notice))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    admin_client.post(change_url("privacynotice", notice), {
        "project": notice.project_id, "event": "", "version": 1, "text_en": "Rewritten",
    })
    assert admin_client.post(delete_url("privacynotice", notice), {"post": "yes"}).status_code \
        == 403
    changelist = reverse("admin:registrations_privacynotice_changelist")
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [notice.pk],
                                   "post": "yes"})
    notice.refresh_from_db()
    assert notice.text["en"].startswith("The municipality")
    assert not AuditEntry.objects.exists()


def test_a_notice_nobody_accepted_is_saved_and_deleted_with_an_audit_entry(admin_client):
    event = make_event()
    notice = PrivacyNotice.objects.create(project=event.project, version=2, text={"en": "Typo"})
    response = admin_client.post(change_url("privacynotice", notice), {
        "project": notice.project_id, "event": "", "version": 2, "text_en": "Fixed",
    })
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.text["en"] == "Fixed"
    admin_client.post(delete_url("privacynotice", notice), {"post": "yes"})
    assert not PrivacyNotice.objects.filter(pk=notice.pk).exists()
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "via")) == [
        ("privacy_notice.saved", "admin"), ("privacy_notice.deleted", "admin"),
    ]


def question_form(question, **changes):
    data = {"event": question.event_id, "kind": question.kind, "label_en": "Diet?",
            "help_en": "", "choices": "[]", "required": "", "order": question.order}
    data.update(changes)
    return data


def test_an_answered_question_is_kept_and_keeps_its_kind_in_the_admin(admin_client):
    event = make_event()
    question = make_question(event)
    services.register(event, person(answers={str(question.pk): "Vegan"}))
    assert admin_client.post(delete_url("question", question), {"post": "yes"}).status_code \
        == 403
    changelist = reverse("admin:registrations_question_changelist")
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [question.pk],
                                   "post": "yes"})
    assert Question.objects.filter(pk=question.pk).exists()
    response = admin_client.post(change_url("question", question),
                                 question_form(question, kind="long_text"))
    assert response.status_code == 200
    assert "its kind stays as it is" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == "short_text"
    response = admin_client.post(change_url("question", question), question_form(question))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.label == {"en": "Diet?"}
    assert AuditEntry.objects.get().action == "question.changed"


def test_options_saved_in_the_admin_are_audited(admin_client):
    event = make_event()
    options = RegistrationOptions.objects.create(event=event)
    response = admin_client.post(change_url("registrationoptions", options), {
        "event": event.pk, "waiting_list": "on", "promotion": "manual", "hold_hours": 24,
        "join_opens_minutes_before": 30, "reminder_offsets_minutes": "[1440]",
    })
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert entry.action == "registration_options.changed" and entry.via == "admin"
    assert entry.changes["promotion"] == ["automatic", "manual"]
    response = admin_client.post(change_url("registrationoptions", options), {
        "event": event.pk, "waiting_list": "on", "promotion": "manual", "hold_hours": 24,
        "join_opens_minutes_before": 30, "reminder_offsets_minutes": "[999999]",
    })
    assert response.status_code == 200  # beyond the reminder horizon
    assert AuditEntry.objects.count() == 1


def test_status_and_sessions_are_not_edited_in_the_admin(admin_client):
    event = make_event(options=NO_OPT_IN, capacity=5)
    a, b = make_slot(event, 5, 5)
    registration = services.register(event, person(sessions=[a.pk])).registration
    page = admin_client.get(change_url("registration", registration)).content.decode()
    assert 'name="status"' not in page and 'name="session_choices-0-block"' not in page
    assert 'name="first_name"' in page
    data = {
        "first_name": "Maria", "family_name": registration.family_name,
        "organisation": registration.organisation, "organisation_type": "Sme",
        "country": "RO", "language": "en", "job_title": "",
        "status": "cancelled",
        "session_choices-TOTAL_FORMS": "1", "session_choices-INITIAL_FORMS": "1",
        "session_choices-MIN_NUM_FORMS": "0", "session_choices-MAX_NUM_FORMS": "1000",
        "session_choices-0-id": registration.session_choices.get().pk,
        "session_choices-0-registration": registration.pk,
        "session_choices-0-block": b.pk,
    }
    response = admin_client.post(change_url("registration", registration), data)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.session_choices.get().block == a
    assert registration.first_name == "Maria"
    entry = AuditEntry.objects.get()
    assert entry.action == "registration.details_updated" and entry.via == "admin"
    assert entry.changes["first_name"] == ["changed"]
    assert admin_client.post(delete_url("registration", registration),
                             {"post": "yes"}).status_code == 403


def test_admin_actions_are_audited_with_the_admin_user(admin_client, admin_user):
    event = make_event(capacity=1)
    registration = services.register(event, person()).registration
    admin_client.post(reverse("admin:registrations_registration_changelist"), {
        "action": "cancel_registrations", "_selected_action": [registration.pk],
    })
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.via) == ("registration.cancelled", admin_user,
                                                      "admin")
