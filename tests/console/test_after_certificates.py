"""The organiser issues certificates in one action, sees the list and downloads each PDF."""

import pytest
from django.urls import reverse

from aula.certificates.models import Certificate
from aula.console.models import Role
from tests.factories import make_event, make_registration, organiser

pytestmark = pytest.mark.django_db


def test_issue_list_and_download(client, monkeypatch):
    event = make_event(days_ahead=-1)
    ana = make_registration(event, first_name="Ana", family_name="<i>Pop</i>")
    ion = make_registration(event, first_name="Ion", family_name="Short")
    monkeypatch.setattr("aula.certificates.queries.attendees",
                        lambda e: {ana.pk: 150, ion.pk: 20})
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    e = {"event_id": event.pk}
    page = client.get(reverse("console:certificates", kwargs=e)).content.decode()
    assert "Eligible now: 1. Issued: 0." in page
    for _ in range(2):
        response = client.post(reverse("console:certificates_issue", kwargs=e), follow=True)
        assert response.status_code == 200
    assert "0 new, 1 already issued" in response.content.decode()
    certificate = Certificate.objects.get()
    page = client.get(reverse("console:certificates", kwargs=e)).content.decode()
    assert "&lt;i&gt;Pop&lt;/i&gt;" in page and "<i>Pop</i>" not in page
    assert certificate.code in page and "Short" not in page
    pdf = client.get(reverse("console:certificate_pdf",
                             kwargs={**e, "certificate_id": certificate.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")

    response = client.post(reverse("console:certificate_rule", kwargs=e),
                           {"minimum_minutes": "15", "allow_unknown_duration": "on"})
    assert response.status_code == 302
    client.post(reverse("console:certificates_issue", kwargs=e))
    assert Certificate.objects.count() == 2
    assert client.post(reverse("console:certificate_rule", kwargs=e),
                       {"minimum_minutes": "-1"}).status_code == 400
