"""Downloading personal data is a permission of its own: owners and editors have it by their
role, a viewer only when an owner gives it (on the members page, recorded in the audit log). Every
download goes through ``console.permissions`` and is recorded; the CSV exports cannot be turned
into formulas whatever separator a spreadsheet splits them on."""

import csv
import io

import pytest
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.certificates import services as certificate_services
from aula.certificates.models import Certificate
from aula.console import services
from aula.console.models import Membership, Role
from aula.console.permissions import may_download_personal_data
from aula.core.spreadsheets import FORMULA_STARTS
from tests.factories import make_event, make_registration, organiser

pytestmark = pytest.mark.django_db

NAME = "Ana;=cmd|' /C calc'!A0"


@pytest.fixture
def event(monkeypatch):
    event = make_event(days_ahead=-1)
    ana = make_registration(event, first_name=NAME, family_name="Pop,@SUM(1+1)",
                            organisation="Org\t-2+3;+A1\n=B1")
    monkeypatch.setattr("aula.certificates.queries.attendees", lambda e: {ana.pk: 150})
    owner = organiser("owner", event.project, Role.OWNER)
    certificate_services.issue_all(event, actor=owner)
    event.ana = ana
    return event


def downloads(event):
    e = {"event_id": event.pk}
    urls = [
        reverse("console:registrants_export", kwargs={**e, "fmt": "csv"}),
        reverse("console:registrants_export", kwargs={**e, "fmt": "xlsx"}),
        reverse("console:registrant_data", kwargs={**e, "registration_id": event.ana.pk}),
        reverse("console:reports_pdf", kwargs=e) + "?organisations=1",
        reverse("console:reports_xlsx", kwargs=e) + "?organisations=1",
    ]
    certificate = Certificate.objects.filter(event=event).first()
    if certificate is not None:
        urls.append(reverse("console:certificate_pdf",
                            kwargs={**e, "certificate_id": certificate.pk}))
    return urls


def give(viewer, event, allowed=True):
    owner = Membership.objects.get(project=event.project, role=Role.OWNER).user
    membership = Membership.objects.get(user=viewer, project=event.project)
    return services.allow_personal_data(membership, allowed, actor=owner)


def test_roles_and_the_viewers_flag(event):
    viewer = organiser("viewer", event.project, Role.VIEWER)
    editor = organiser("editor", event.project, Role.EDITOR)
    stranger = organiser("stranger", make_event().project, Role.OWNER)
    owner = Membership.objects.get(project=event.project, role=Role.OWNER).user
    assert may_download_personal_data(owner, event.project)
    assert may_download_personal_data(editor, event.project)
    assert not may_download_personal_data(viewer, event.project)
    assert not may_download_personal_data(stranger, event.project)
    give(viewer, event)
    assert may_download_personal_data(viewer, event.project)
    give(viewer, event, False)
    assert not may_download_personal_data(viewer, event.project)


def test_a_viewer_without_the_flag_gets_403_on_every_download(client, event):
    viewer = organiser("viewer", event.project, Role.VIEWER)
    client.force_login(viewer)
    urls = downloads(event)
    assert len(urls) == 6, "a certificate was issued"
    before = AuditEntry.objects.count()
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert AuditEntry.objects.count() == before  # nothing downloaded, nothing recorded
    # Without the organisations' names the report holds no personal data: viewers download it.
    e = {"event_id": event.pk}
    assert client.get(reverse("console:reports_pdf", kwargs=e)).status_code == 200
    # The pages offer no download link then.
    page = client.get(reverse("console:registrants", kwargs=e)).content.decode()
    assert "Export as CSV" not in page
    page = client.get(reverse("console:registrant", kwargs={
        **e, "registration_id": event.ana.pk})).content.decode()
    assert "Download all their data" not in page
    page = client.get(reverse("console:certificates", kwargs=e)).content.decode()
    assert "/pdf/" not in page


def test_with_the_flag_every_download_is_allowed_and_recorded(client, event):
    viewer = organiser("viewer", event.project, Role.VIEWER)
    give(viewer, event)
    client.force_login(viewer)
    for url in downloads(event):
        before = AuditEntry.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        entry = AuditEntry.objects.order_by("-id").first()
        assert AuditEntry.objects.count() == before + 1, url
        assert entry.actor_id == viewer.pk and entry.project_id == event.project_id, url
    page = client.get(reverse("console:registrants", kwargs={"event_id": event.pk}))
    assert "Export as CSV" in page.content.decode()
    page = client.get(reverse("console:certificates", kwargs={"event_id": event.pk}))
    assert "/pdf/" in page.content.decode()


def test_the_audit_log_export_stays_with_owners(client, event):
    viewer = organiser("viewer", event.project, Role.VIEWER)
    give(viewer, event)
    client.force_login(viewer)
    url = reverse("console:audit_event_export", kwargs={"event_id": event.pk, "fmt": "csv"})
    assert client.get(url).status_code == 403
    client.force_login(Membership.objects.get(project=event.project, role=Role.OWNER).user)
    assert client.get(url).status_code == 200


def test_an_owner_gives_and_withdraws_it_on_the_members_page(client, event):
    viewer = organiser("viewer", event.project, Role.VIEWER)
    editor = organiser("editor", event.project, Role.EDITOR)
    owner = Membership.objects.get(project=event.project, role=Role.OWNER).user
    membership = Membership.objects.get(user=viewer)

    def post(user, member, allowed):
        client.force_login(user)
        return client.post(reverse("console:member_personal_data", kwargs={
            "project": event.project.slug, "member_id": member.pk}), {"allowed": allowed})

    assert post(editor, membership, "1").status_code == 403  # only owners
    membership.refresh_from_db()
    assert not membership.personal_data
    page = client.get(reverse("console:members", kwargs={"project": event.project.slug}))
    assert page.status_code == 403
    assert post(owner, membership, "1").status_code == 302
    membership.refresh_from_db()
    assert membership.personal_data
    entry = AuditEntry.objects.filter(action="member.personal_data").get()
    assert entry.actor_id == owner.pk and entry.changes == {"personal_data": [False, True]}
    page = client.get(reverse("console:members", kwargs={"project": event.project.slug}))
    assert "Withdraw from viewer" in page.content.decode()
    post(owner, membership, "1")  # unchanged: no second entry
    assert AuditEntry.objects.filter(action="member.personal_data").count() == 1
    post(owner, membership, "0")
    membership.refresh_from_db()
    assert not membership.personal_data
    # Editors have it by their role: the flag is refused for them, nothing stored.
    post(owner, Membership.objects.get(user=editor), "1")
    assert not Membership.objects.get(user=editor).personal_data
    assert AuditEntry.objects.filter(action="member.personal_data").count() == 2


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_no_csv_field_is_a_formula_whatever_the_separator(client, event, delimiter):
    client.force_login(Membership.objects.get(project=event.project, role=Role.OWNER).user)
    response = client.get(reverse("console:registrants_export",
                                  kwargs={"event_id": event.pk, "fmt": "csv"}))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert NAME.replace(";=", ";'=") in text
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        for field in row:
            assert not field.lstrip(' "').startswith(FORMULA_STARTS), (delimiter, field)
    # Read with its own separator every cell comes back whole (quoted), only guarded.
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [NAME.replace(";=", ";'="), "Pop,'@SUM(1+1)"] == rows[1][3:5]
    audit_url = reverse("console:audit_event_export", kwargs={"event_id": event.pk,
                                                              "fmt": "csv"})
    text = b"".join(client.get(audit_url).streaming_content).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        for field in row:
            assert not field.lstrip(' "').startswith(FORMULA_STARTS), (delimiter, field)
