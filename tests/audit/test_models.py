"""An audit entry is final: never edited or deleted through the app, read-only in the admin,
and holding no personal data (a registration is named by id only)."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from aula.audit import services as audit
from aula.audit.models import AuditEntry, EntryIsFinal
from aula.core.adminsite import discover
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db

TESTED = audit.action("test.model", "Tested the model")


@pytest.fixture
def entry():
    return audit.record(None, TESTED, make_event(), changes={"status": ["draft", "published"]})


def test_an_entry_cannot_be_edited(entry):
    entry.action = "event.cancelled"
    with pytest.raises(EntryIsFinal):
        entry.save()
    entry = AuditEntry.objects.get(pk=entry.pk)
    with pytest.raises(EntryIsFinal):
        entry.save(update_fields=["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == TESTED


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(EntryIsFinal):
        entry.delete()
    with pytest.raises(EntryIsFinal):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(EntryIsFinal):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_only_the_retention_way_removes_old_entries(entry):
    assert AuditEntry.objects.expire_before(entry.at - timedelta(days=1)) == 0
    assert AuditEntry.objects.expire_before(timezone.now() + timedelta(seconds=1)) == 1
    assert not AuditEntry.objects.exists()


def test_deleting_the_organiser_keeps_their_entries_with_their_name():
    user = get_user_model().objects.create_user("olga")
    entry = audit.record(user, TESTED, make_event())
    user.delete()
    entry.refresh_from_db()
    assert entry.actor is None and entry.actor_name == "olga"


def test_a_registration_is_named_by_id_only_so_erasure_never_touches_the_log():
    registration = make_registration(make_event(), email="ana@example.org")
    entry = audit.record(None, TESTED, registration,
                         changes=audit.changes_between(
                             {"email": "ana@example.org"}, {"email": "x@example.org"},
                             personal=("email",)))
    entry.refresh_from_db()
    assert (entry.target_type, entry.target_id) == ("registrations.registration",
                                                    str(registration.pk))
    assert entry.target_label == ""
    assert entry.event_id == registration.event_id
    stored = str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert "ana@" not in stored and "Popescu" not in stored and "x@example" not in stored


def test_the_admin_shows_entries_but_changes_none(entry):
    discover()  # the admin is discovered on first use (aula.core.adminsite)
    admin = site._registry[AuditEntry]
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    request = RequestFactory().get("/")
    request.user = superuser
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, entry)
    assert not admin.has_delete_permission(request, entry)
    assert admin.has_view_permission(request, entry)


def test_the_admin_pages_open_for_reading(client, entry):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(superuser)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    page = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]),
                       {"action": "x"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == TESTED
