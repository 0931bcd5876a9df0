"""The organisers' admin: registrations are read-only; cancelling and promoting use services."""

import pytest
from django.urls import reverse

from aula.registrations import services
from aula.registrations.models import Registration
from tests.registrations.factories import make_event, person

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
    event = make_event(capacity=1, options={"promotion": "manual"})
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    url = reverse("admin:registrations_registration_changelist")
    admin_client.post(url, {"action": "cancel_registrations", "_selected_action": [first.pk]})
    admin_client.post(url, {"action": "promote_registrations", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED
    assert second.status == Registration.Status.CONFIRMED
