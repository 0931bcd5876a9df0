"""Certificates print the project's logo set (Interreg visibility) as it was when issued: a
frozen record, so a new logo set shows only on a reissued certificate."""

import re

import pytest

from aula.certificates import document, services
from aula.certificates.models import Certificate
from aula.projects import services as projects
from tests.factories import give_logo_set, make_image_upload, make_model_seminar, make_registration

pytestmark = pytest.mark.django_db
IMAGE = re.compile(rb"/Subtype\s*/Image")


@pytest.fixture
def present(monkeypatch):
    minutes: dict[int, int | None] = {}
    monkeypatch.setattr("aula.certificates.queries.attendees", lambda event, *args: dict(minutes))
    return minutes


def issue(event, present):
    registration = make_registration(event)
    present[registration.pk] = 120
    services.issue_all(event, actor=None)
    return Certificate.objects.select_related("registration").get(registration=registration)


def test_the_pdf_embeds_the_logo_set_frozen_at_issue(present):
    event = make_model_seminar()
    give_logo_set(event.project)
    certificate = issue(event, present)
    assert certificate.logo_set == event.project.logo_set.name
    html = document.certificate_html(certificate)
    assert '<img class="logo-set" src="data:image/png;base64,' in html
    pdf = document.certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-") and IMAGE.search(pdf)


def test_a_new_logo_set_shows_only_once_reissued(present):
    event = make_model_seminar()
    give_logo_set(event.project)
    certificate = issue(event, present)
    first = certificate.logo_set
    projects.set_logo_set(event.project, actor=None, upload=make_image_upload("JPEG"),
                          alt={"en": "New"})
    certificate.refresh_from_db()
    assert certificate.logo_set == first
    assert "data:image/png;base64," in document.certificate_html(certificate)  # the old file
    services.reissue(certificate, actor=None)
    certificate.refresh_from_db()
    assert certificate.logo_set.endswith(".jpg") and certificate.logo_set != first
    assert "data:image/jpeg;base64," in document.certificate_html(certificate)


def test_without_a_logo_set_the_certificate_is_as_before(present):
    certificate = issue(make_model_seminar(), present)
    assert certificate.logo_set == ""
    assert "logo-set" not in document.certificate_html(certificate).split("</style>")[1]
    pdf = document.certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-") and not IMAGE.search(pdf)


def test_the_renderer_still_fetches_nothing_but_inline_pictures():
    with pytest.raises(ValueError):
        document._refuse("file:///etc/passwd")
    with pytest.raises(ValueError):
        document._refuse("data:text/html,<script>1</script>")
