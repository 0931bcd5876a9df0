"""Certificates are frozen records, reissued explicitly, revoked by a cancellation, issued only
when the event's life cycle allows it, and every action is on the record."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.certificates import document, queries, services
from aula.certificates.models import Certificate
from aula.console.models import Role
from aula.core.errors import ActionRefused
from aula.events import lifecycle
from aula.events.models import Event
from aula.registrations.services import erase
from tests.factories import make_event, make_model_seminar, make_registration, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_model_seminar()


@pytest.fixture
def present(monkeypatch):
    minutes: dict[int, int | None] = {}
    monkeypatch.setattr("aula.certificates.queries.attendees",
                        lambda event, ids=None: dict(minutes))
    return minutes


def issue_one(event, present, minutes=125, actor=None, **fields):
    registration = make_registration(event, **fields)
    present[registration.pk] = minutes
    services.issue_all(event, actor=actor)
    return Certificate.objects.select_related("registration", "event").get(
        registration=registration)


def _verify(client, certificate):
    return client.get(reverse("certificates:verify", kwargs={"code": certificate.code}))


# --- a frozen record ----------------------------------------------------------------------


def test_the_record_holds_what_the_certificate_says(event, present):
    certificate = issue_one(event, present, first_name="Rūta", family_name="Šimkutė",
                            language="ro")
    assert certificate.holder_name == "Rūta Šimkutė"
    assert certificate.language == "ro"
    assert certificate.event_title.startswith("Reziliența regiunilor")
    assert certificate.event_title_language == "ro"
    assert (certificate.event_starts_at, certificate.event_ends_at) == (event.starts_at,
                                                                        event.ends_at)
    assert certificate.event_time_zone == "Europe/Vilnius"
    assert certificate.event_format == Event.Format.ONLINE
    assert (certificate.project_name, certificate.project_code, certificate.programme) == (
        "ECoC-SME", "PGI06047", "Interreg Europe")
    assert certificate.host.startswith("Vytautas Magnus University")
    assert certificate.minutes == 125


def test_editing_or_moving_the_event_changes_no_issued_certificate(client, event, present):
    certificate = issue_one(event, present, first_name="Ana", family_name="Popescu")
    html_before = document.certificate_html(certificate)
    page_before = _verify(client, certificate).content.decode()
    for text in (html_before, page_before):
        assert "Thursday, 10 June 2021" in text and "Resilience of regions" in text
    # The organiser renames and moves the event, the registrant corrects their name.
    event.title = {**event.title, "en": "A different seminar"}
    event.starts_at += timedelta(days=21)
    event.ends_at += timedelta(days=21)
    event.location = {"en": "Timișoara"}
    event.save()
    registration = certificate.registration
    registration.first_name = "Anna"
    registration.save()
    certificate = Certificate.objects.get(pk=certificate.pk)
    html = document.certificate_html(certificate)
    page = _verify(client, certificate).content.decode()
    for text in (html, page):
        assert "Resilience of regions" in text and "A different seminar" not in text
        assert "10 June 2021" in text and "1 July 2021" not in text
        assert "Ana Popescu" in text and "Anna" not in text
    assert "Timișoara" not in html
    assert document.certificate_pdf(certificate).startswith(b"%PDF-")


def test_issuing_again_does_not_rewrite_an_issued_certificate(event, present):
    certificate = issue_one(event, present)
    event.title = {**event.title, "en": "Renamed"}
    event.save()
    present[certificate.registration_id] = 170
    services.issue_all(event, actor=None)
    certificate.refresh_from_db()
    assert certificate.event_title.startswith("Resilience of regions")
    assert certificate.minutes == 125


# --- reissuing ------------------------------------------------------------------------------


def test_reissuing_rewrites_the_record_keeps_the_code_and_is_recorded(client, event, present):
    ana = organiser(project=event.project, role=Role.EDITOR)
    certificate = issue_one(event, present, first_name="Ana", family_name="Pop")
    code = certificate.code
    event.title = {**event.title, "en": "Resilience of regions (corrected)"}
    event.save()
    registration = certificate.registration
    registration.family_name = "Popescu"
    registration.save()
    present[registration.pk] = 170
    services.reissue(certificate, actor=ana)
    certificate.refresh_from_db()
    assert certificate.code == code
    assert certificate.holder_name == "Ana Popescu" and certificate.minutes == 170
    assert certificate.event_title == "Resilience of regions (corrected)"
    assert certificate.reissued_at is not None
    entry = AuditEntry.objects.get(action=services.REISSUED)
    assert entry.actor == ana and entry.target_id == str(certificate.pk)
    assert entry.changes["holder_name"] == ["changed"]  # personal: referred to, not copied
    assert entry.changes["minutes"] == [125, 170]
    assert "Popescu" not in str(entry.changes) + str(entry.data)
    page = _verify(client, certificate).content.decode()
    assert "reissued on" in page and "(corrected)" in page


def test_reissuing_all(event, present):
    first = issue_one(event, present)
    second = issue_one(event, present)
    event.title = {**event.title, "en": "New title"}
    event.save()
    assert services.reissue_all(event, actor=None) == 2
    for certificate in (first, second):
        certificate.refresh_from_db()
        assert certificate.event_title == "New title"
    assert AuditEntry.objects.get(action=services.REISSUED_ALL).data["reissued"] == 2


# --- revoked by a cancellation ---------------------------------------------------------------


def test_cancelling_the_event_revokes_its_certificates(client, event, present):
    certificate = issue_one(event, present)
    registration = certificate.registration
    owner = organiser(project=event.project, role=Role.OWNER)
    lifecycle.cancel(event, actor=owner, reason="The venue burnt down.")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == Certificate.Revocation.EVENT_CANCELLED
    entry = AuditEntry.objects.get(action=services.REVOKED)
    assert entry.actor is None and entry.data["revoked"] == 1  # by Aula, on the cancellation
    # The verification page says revoked, and since when.
    page = _verify(client, certificate)
    html = page.content.decode()
    assert "was revoked on" in html and "no longer valid" in html
    assert "This certificate of attendance is valid." not in html
    assert "The event was cancelled." in html
    # The personal page no longer offers the PDF, nor does its address give it.
    assert render_to_string("certificates/_personal.html",
                            {"registration": registration}).strip() == ""
    assert client.get(reverse("certificates:mine", kwargs={"token": registration.token})
                      ).status_code == 404
    # Nor does the console.
    client.force_login(owner)
    e = {"event_id": event.pk}
    console = client.get(reverse("console:certificates", kwargs=e)).content.decode()
    pdf_url = reverse("console:certificate_pdf", kwargs={**e, "certificate_id": certificate.pk})
    assert pdf_url not in console and "Revoked on" in console
    assert client.get(pdf_url).status_code == 404
    assert queries.of_registration(registration) is None


def test_the_revocation_is_part_of_the_cancellation(event, present, monkeypatch):
    certificate = issue_one(event, present)

    def broken(*args, **kwargs):
        raise RuntimeError("revocation failed")

    monkeypatch.setattr(services, "revoke_for_cancelled_event", broken)
    with pytest.raises(RuntimeError):
        lifecycle.cancel(event, actor=None)
    event.refresh_from_db()
    certificate.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and certificate.revoked_at is None


# --- the life cycle ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["not started", Event.Status.DRAFT, Event.Status.CANCELLED,
                                   Event.Status.CLOSED])
def test_issuing_and_reissuing_follow_the_life_cycle(event, present, state):
    certificate = issue_one(event, present)
    present[make_registration(event).pk] = 200
    if state == "not started":
        start = datetime.now(UTC) + timedelta(days=2)
        Event.objects.filter(pk=event.pk).update(starts_at=start,
                                                 ends_at=start + timedelta(hours=3))
    else:
        Event.objects.filter(pk=event.pk).update(status=state)
    event.refresh_from_db()
    entries = AuditEntry.objects.count()
    for action in (lambda: services.issue_all(event, actor=None),
                   lambda: services.reissue(certificate, actor=None),
                   lambda: services.reissue_all(event, actor=None)):
        with pytest.raises(ActionRefused) as refused:
            action()
        assert str(refused.value) == lifecycle.after_seminar_refusal(event)
    assert Certificate.objects.count() == 1 and AuditEntry.objects.count() == entries


def test_the_console_shows_why_certificates_cannot_be_issued(client):
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=5))
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    e = {"event_id": event.pk}
    page = client.get(reverse("console:certificates", kwargs=e)).content.decode()
    assert "has not started yet" in page
    assert reverse("console:certificates_issue", kwargs=e) not in page
    response = client.post(reverse("console:certificates_issue", kwargs=e), follow=True)
    assert "has not started yet" in response.content.decode()
    assert not Certificate.objects.exists()


# --- on the record ----------------------------------------------------------------------------


def test_rule_issue_and_organiser_downloads_are_recorded(client, event, present):
    ed = organiser(project=event.project, role=Role.EDITOR)
    services.save_rule(event, actor=ed, minimum_minutes=30, allow_unknown_duration=True)
    rule_entry = AuditEntry.objects.get(action=services.RULE_SAVED)
    assert rule_entry.changes == {"allow_unknown_duration": [False, True],
                                  "minimum_minutes": [60, 30]}
    certificate = issue_one(event, present, actor=ed)
    issued = AuditEntry.objects.get(action=services.ISSUED)
    assert issued.actor == ed and issued.data["created"] == 1
    client.force_login(ed)
    response = client.get(reverse("console:certificate_pdf", kwargs={
        "event_id": event.pk, "certificate_id": certificate.pk}))
    assert response.status_code == 200
    download = AuditEntry.objects.get(action="download")
    assert download.actor == ed and download.event_id == event.pk
    assert download.data == {"what": "certificate", "certificate": certificate.pk,
                             "code": certificate.code}


def test_console_reissue_buttons(client, event, present):
    certificate = issue_one(event, present)
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    e = {"event_id": event.pk}
    one = reverse("console:certificate_reissue", kwargs={**e, "certificate_id": certificate.pk})
    page = client.get(reverse("console:certificates", kwargs=e)).content.decode()
    assert one in page and reverse("console:certificates_reissue_all", kwargs=e) in page
    assert client.post(one).status_code == 302
    assert client.post(reverse("console:certificates_reissue_all", kwargs=e)).status_code == 302
    assert AuditEntry.objects.filter(action__startswith="certificates.reissued").count() == 2


def test_a_viewer_cannot_reissue(client, event, present):
    certificate = issue_one(event, present)
    client.force_login(organiser(project=event.project, role=Role.VIEWER))
    url = reverse("console:certificate_reissue", kwargs={"event_id": event.pk,
                                                         "certificate_id": certificate.pk})
    assert client.post(url).status_code in (403, 404)
    assert not AuditEntry.objects.filter(action=services.REISSUED).exists()


def test_erasure_blanks_the_frozen_name(client, event, present):
    certificate = issue_one(event, present, first_name="Ana", family_name="Popescu")
    erase(certificate.registration)
    certificate.refresh_from_db()
    assert certificate.holder_name == ""
    assert _verify(client, certificate).status_code == 404


def test_a_withdrawn_certificate_cannot_be_reissued(event, present):
    certificate = issue_one(event, present)
    erase(certificate.registration)
    with pytest.raises(ActionRefused, match="cannot be reissued"):
        services.reissue(certificate, actor=None)
    assert not AuditEntry.objects.filter(action=services.REISSUED).exists()


def test_issue_reissue_and_revoke_with_the_real_attendance(event):
    # The whole path: a mark by hand, the rule allowing it, issue, reissue, cancel.
    from aula.attendance import services as attendance

    registration = make_registration(event)
    attendance.mark_present(event, registration.pk, actor=None)
    services.save_rule(event, actor=None, minimum_minutes=60, allow_unknown_duration=True)
    assert services.issue_all(event, actor=None).created == 1
    certificate = Certificate.objects.get()
    assert certificate.minutes is None
    services.reissue(certificate, actor=None)
    lifecycle.cancel(event, actor=None)
    certificate.refresh_from_db()
    assert certificate.is_revoked
