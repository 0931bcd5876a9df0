"""Certificates: who is eligible, issuing once, the PDF, verification and the registrant's copy."""

import pytest
import weasyprint
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aula.certificates import document, queries, services
from aula.certificates.models import Certificate, CertificateRule
from aula.registrations.models import Registration
from tests.certificates.pdfmeta import pdf_titles
from tests.factories import make_event, make_model_seminar, make_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_model_seminar()


@pytest.fixture
def present(monkeypatch):
    """Stand in for aula.attendance.queries.attendees: registration id → minutes or None."""
    minutes: dict[int, int | None] = {}
    monkeypatch.setattr("aula.certificates.queries.attendees", lambda event: dict(minutes))
    return minutes


def test_eligibility_minimum_minutes_and_unknown_duration(event, present):
    CertificateRule.objects.create(event=event, minimum_minutes=90)
    long_ = make_registration(event)
    exact = make_registration(event)
    short = make_registration(event)
    unknown = make_registration(event)
    absent = make_registration(event)
    waiting = make_registration(event, status=Registration.Status.WAITING)
    cancelled = make_registration(event, status=Registration.Status.CANCELLED)
    erased = make_registration(event, anonymised_at=timezone.now())
    present.update({long_.pk: 170, exact.pk: 90, short.pk: 89, unknown.pk: None,
                    waiting.pk: 180, cancelled.pk: 180, erased.pk: 180})
    assert queries.eligible(event) == {long_.pk: 170, exact.pk: 90}
    assert absent.pk not in queries.eligible(event)
    services.save_rule(event, actor=None, minimum_minutes=90, allow_unknown_duration=True)
    assert queries.eligible(event) == {long_.pk: 170, exact.pk: 90, unknown.pk: None}


def test_default_rule_is_sixty_minutes(event, present):
    registration = make_registration(event)
    present[registration.pk] = 60
    assert queries.eligible(event) == {registration.pk: 60}


def test_other_events_attendance_does_not_count(event, present):
    other = make_registration(make_event())
    present[other.pk] = 200  # a wrong id from the attendance side is ignored
    assert queries.eligible(event) == {}


def test_eligibility_with_the_real_attendance_query(event):
    # The attendance contract: a click on the join link is presence without a duration.
    clicked = make_registration(event, first_joined_at=event.starts_at)
    make_registration(event)
    assert queries.eligible(event) == {}
    services.save_rule(event, actor=None, minimum_minutes=30, allow_unknown_duration=True)
    assert queries.eligible(event) == {clicked.pk: None}


def test_issuing_is_idempotent_and_leaves_issued_certificates_alone(event, present):
    first, second = make_registration(event), make_registration(event)
    present.update({first.pk: 120})
    result = services.issue_all(event, actor=None)
    assert (result.created, result.unchanged) == (1, 0)
    code = Certificate.objects.get(registration=first).code
    result = services.issue_all(event, actor=None)
    assert (result.created, result.unchanged) == (0, 1)
    present.update({first.pk: 150, second.pk: 61})
    result = services.issue_all(event, actor=None)
    assert (result.created, result.unchanged) == (1, 1)
    certificate = Certificate.objects.get(registration=first)
    # An issued certificate says what it said: the new minutes wait for a reissue.
    assert certificate.code == code and certificate.minutes == 120
    assert Certificate.objects.count() == 2


def test_codes_are_unique_and_readable(event, present):
    for n in range(20):
        present[make_registration(event).pk] = 100 + n
    services.issue_all(event, actor=None)
    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(set(codes)) == 20
    assert all(len(code) == 14 and code.count("-") == 2 for code in codes)
    assert not any(set(code) & set("01OIL") for code in codes)


def issue_one(event, present, minutes=125, **fields):
    registration = make_registration(event, **fields)
    present[registration.pk] = minutes
    services.issue_all(event, actor=None)
    return Certificate.objects.select_related(
        "registration", "event__project", "event__host_partner").get(registration=registration)


def test_pdf_is_a_valid_certificate_with_the_name(event, present):
    certificate = issue_one(event, present, first_name="Rūta", family_name="Šimkutė-Ionescu")
    pdf = document.certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert any("Rūta Šimkutė-Ionescu" in title for title in pdf_titles(pdf))


def test_pdf_html_carries_the_facts_on_one_page(event, present):
    certificate = issue_one(event, present)
    html = document.certificate_html(certificate)
    for fact in (certificate.registration.full_name, "Resilience of regions",
                 "Thursday, 10 June 2021, 10:00–13:00 (Europe/Vilnius, EEST, UTC+03:00)",
                 "ECoC-SME", "Interreg Europe", "PGI06047",
                 "Vytautas Magnus University, Centre for Enterprise Practices, Kaunas",
                 "Time attended: 125 minutes", certificate.code,
                 f"http://testserver/en/certificates/{certificate.code}/"):
        assert fact in html, fact
    assert "<svg" in html and "<path" in html  # the QR code, inline
    assert len(weasyprint.HTML(string=html).render().pages) == 1


def test_pdf_is_in_the_registrants_language(event, present):
    CertificateRule.objects.create(event=event, allow_unknown_duration=True)
    certificate = issue_one(event, present, language="ro", minutes=None)
    html = document.certificate_html(certificate)
    assert 'lang="ro"' in html
    assert "Reziliența regiunilor" in html
    assert f"/ro/certificates/{certificate.code}/" in html
    assert "Time attended" not in html


def test_names_are_escaped_in_the_pdf_html(event, present):
    certificate = issue_one(event, present, first_name='<img src="http://evil.example/x">',
                            family_name="</p><script>alert(1)</script>")
    html = document.certificate_html(certificate)
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=&quot;http://evil.example/x&quot;&gt;" in html
    assert document.certificate_pdf(certificate).startswith(b"%PDF-")


def test_the_renderer_fetches_nothing():
    with pytest.raises(ValueError):
        document._refuse("http://evil.example/x")


def test_verification_page(client, event, present):
    certificate = issue_one(event, present, first_name="Ana", family_name="Popescu")
    url = reverse("certificates:verify", kwargs={"code": certificate.code})
    assert url == f"/en/certificates/{certificate.code}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex, nofollow"
    assert "Ana Popescu" in html and "Resilience of regions" in html
    assert "Thursday, 10 June 2021" in html
    assert certificate.registration.email not in html
    # Typed in lower case, still found.
    assert client.get(f"/en/certificates/{certificate.code.lower()}/").status_code == 200
    missing = client.get("/en/certificates/AAAA-BBBB-CCCC/")
    assert missing.status_code == 404 and "no such certificate" in missing.content.decode()
    # Escaped, whatever is typed.
    assert "<b>" not in client.get("/en/certificates/%3Cb%3E/").content.decode()


def test_erasing_the_registrant_withdraws_the_certificate(client, event, present):
    certificate = issue_one(event, present)
    Registration.objects.filter(pk=certificate.registration_id).update(
        anonymised_at=timezone.now())
    url = reverse("certificates:verify", kwargs={"code": certificate.code})
    assert client.get(url).status_code == 404


def test_registrant_downloads_their_certificate(client, event, present):
    certificate = issue_one(event, present)
    registration = certificate.registration
    html = render_to_string("certificates/_personal.html", {"registration": registration})
    url = reverse("certificates:mine", kwargs={"token": registration.token})
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.code}.pdf"')
    assert response.content.startswith(b"%PDF-")
    assert response["Cache-Control"].startswith("max-age=0")

    without = make_registration(event)
    assert render_to_string("certificates/_personal.html", {"registration": without}).strip() == ""
    assert client.get(reverse("certificates:mine", kwargs={"token": without.token})
                      ).status_code == 404
