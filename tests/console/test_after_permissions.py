"""Every console page after the seminar: login first, other projects do not exist (404),
viewers read but do not change (403)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aula.certificates.models import Certificate
from aula.console.models import Role
from aula.feedback import services as feedback_services
from aula.materials import services as material_services
from aula.materials.models import Material
from tests.certificates.factories import PDF_BYTES
from tests.console.confirming import CONFIRMED
from tests.factories import make_event, make_registration, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    event = make_event()
    material = material_services.add_document(
        event, actor=None, title={"en": "Slides"},
        upload=SimpleUploadedFile("s.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    question = feedback_services.add_question(event, actor=None, text={"en": "Content"})
    from django.utils import timezone
    certificate = Certificate.objects.create(
        registration=make_registration(event), event=event, minutes=100,
        issued_at=timezone.now(), updated_at=timezone.now(),
    )
    e = {"event_id": event.pk}
    reads = [
        reverse("console:materials", kwargs=e),
        reverse("console:material_edit", kwargs={**e, "material_id": material.pk}),
        reverse("console:material_file", kwargs={**e, "material_id": material.pk}),
        reverse("console:feedback", kwargs=e),
        reverse("console:certificates", kwargs=e),
        reverse("console:certificate_pdf", kwargs={**e, "certificate_id": certificate.pk}),
    ]
    writes = [
        (reverse("console:material_add_document", kwargs=e), {}),
        (reverse("console:material_add_link", kwargs=e),
         {"link-title_en": "Rec", "link-order": "0", "link-url": "https://v.example/"}),
        (reverse("console:material_edit", kwargs={**e, "material_id": material.pk}),
         {"title_en": "Changed", "order": "0"}),
        (reverse("console:material_delete", kwargs={**e, "material_id": material.pk}), CONFIRMED),
        (reverse("console:feedback_settings", kwargs=e), {"is_open": "on"}),
        (reverse("console:feedback_question_add", kwargs=e),
         {"text_en": "Q", "order": "0", "kind": "rating"}),
        (reverse("console:feedback_question_delete",
                 kwargs={**e, "question_id": question.pk}), CONFIRMED),
        (reverse("console:certificate_rule", kwargs=e), {"minimum_minutes": "10"}),
        (reverse("console:certificates_issue", kwargs=e), {}),
    ]
    return event, reads, writes


def test_anonymous_visitors_are_sent_to_the_login(client, setup):
    _event, reads, writes = setup
    for url in reads + [url for url, _data in writes]:
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("console:login")), url


def test_another_projects_member_gets_404(client, setup):
    event, reads, writes = setup
    client.force_login(organiser(project=make_event().project, role=Role.OWNER))
    for url in reads:
        assert client.get(url).status_code == 404, url
    for url, data in writes:
        assert client.post(url, data).status_code == 404, url
    assert Material.objects.filter(title__en="Slides").exists()


def test_viewer_reads_but_is_refused_every_write(client, setup):
    event, reads, writes = setup
    client.force_login(organiser(project=event.project, role=Role.VIEWER))
    for url in reads:
        # A certificate is personal data: viewers download it only when given the permission.
        assert client.get(url).status_code == (403 if url.endswith("/pdf/") else 200), url
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    assert Material.objects.get().title == {"en": "Slides"}


def test_editor_may_write(client, setup):
    event, _reads, writes = setup
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    for url, data in writes:
        assert client.post(url, data).status_code in (302, 400), url


def test_objects_of_another_event_are_not_reachable(client, setup):
    event, _reads, _writes = setup
    other = make_event(project=event.project)
    client.force_login(organiser(project=event.project, role=Role.OWNER))
    material = Material.objects.get()
    certificate = Certificate.objects.get()
    o = {"event_id": other.pk}
    assert client.get(reverse("console:material_edit",
                              kwargs={**o, "material_id": material.pk})).status_code == 404
    assert client.get(reverse("console:material_file",
                              kwargs={**o, "material_id": material.pk})).status_code == 404
    assert client.get(reverse("console:certificate_pdf",
                              kwargs={**o, "certificate_id": certificate.pk})).status_code == 404
    assert client.post(reverse("console:material_delete",
                               kwargs={**o, "material_id": material.pk})).status_code == 404


def test_hub_links_to_the_pages(client, setup):
    event, _reads, _writes = setup
    client.force_login(organiser(project=event.project, role=Role.VIEWER))
    html = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    for name in ("materials", "feedback", "certificates"):
        assert reverse(f"console:{name}", kwargs={"event_id": event.pk}) in html
