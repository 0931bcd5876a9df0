"""Console pages about an event show times in the event's zone, and say which zone that is."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aula.console.models import Role
from tests.factories import make_event, make_project, organiser

pytestmark = pytest.mark.django_db


def test_event_pages_use_the_event_zone_and_reset_it_after(client):
    project = make_project()
    event = make_event(project=project, time_zone="Europe/Vilnius")
    client.force_login(organiser("owner", project, Role.OWNER))
    html = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert "Times on this page are in Europe/Vilnius." in html
    assert timezone.get_current_timezone_name() == "UTC"  # not left active for the next request
    html = client.get(reverse("console:home")).content.decode()
    assert "Times on this page are in UTC." in html
