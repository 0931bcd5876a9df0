"""A partner's logo: uploaded on its console page (checked by its bytes), on the record,
public under /media/ beside the partner's name on the event and project pages."""

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.projects.models import Partner
from tests.factories import make_event, make_image_upload, make_partner, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def partner_url(partner):
    return reverse("console:partner_edit", kwargs={"project": partner.project.slug,
                                                   "partner_id": partner.pk})


FIELDS = {"organisation": "Municipality of Rijeka", "role": "partner", "city": "Rijeka",
          "country": "HR", "website": ""}


def test_an_owner_gives_a_partner_its_logo_shown_on_the_public_pages(client):
    event = make_event()
    partner = make_partner(event.project, **FIELDS)
    event.host_partner = partner
    event.save()
    owner = organiser("olga", event.project, Role.OWNER)
    client.force_login(owner)
    response = client.post(partner_url(partner), {**FIELDS, "logo": make_image_upload("WEBP")})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.logo.name.startswith("partner-logos/") and partner.logo.name.endswith(".webp")
    entry = AuditEntry.objects.get(action="partner.changed")
    assert entry.actor == owner and entry.changes["logo"][1] == partner.logo.name
    client.logout()
    page = client.get(reverse("events:event", kwargs={"project": event.project.slug,
                                                      "event": event.slug})).content.decode()
    assert f'class="partner__logo" src="{partner.logo.url}"' in page
    assert client.get(partner.logo.url).status_code == 200  # public, as the page shows it

    client.force_login(owner)
    client.post(partner_url(partner), {**FIELDS, "remove_logo": "on"})
    partner.refresh_from_db()
    assert not partner.logo


@pytest.mark.parametrize("upload", [
    lambda: make_image_upload("GIF"),
    lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
        "logo.png", b"<svg onload=alert(1)>", "image/png"),
])
def test_a_logo_that_is_not_a_png_jpeg_or_webp_is_refused_and_nothing_stored(client, upload):
    event = make_event()
    partner = make_partner(event.project, **FIELDS)
    client.force_login(organiser("olga", event.project, Role.OWNER))
    response = client.post(partner_url(partner), {**FIELDS, "organisation": "Changed",
                                                  "logo": upload()})
    assert response.status_code == 200
    assert "This is not a PNG, JPEG or WebP image" in response.content.decode()
    partner.refresh_from_db()
    assert partner.organisation == "Municipality of Rijeka" and not partner.logo
    assert not AuditEntry.objects.filter(action="partner.changed").exists()


def test_a_logo_no_partner_uses_is_not_served(client, settings):
    (settings.MEDIA_ROOT / "partner-logos").mkdir()
    (settings.MEDIA_ROOT / "partner-logos" / "stray.png").write_bytes(b"x")
    assert client.get("/media/partner-logos/stray.png").status_code == 404
    assert not Partner.objects.exists()
