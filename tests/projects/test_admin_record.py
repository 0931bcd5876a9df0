"""Projects and partners saved or deleted in the admin are on the record (projects.services),
in the admin's transaction: an entry per project and per partner, changes before/after."""

import pytest

from aula.audit.models import AuditEntry
from aula.projects.models import Partner, Project
from tests.events.test_admin import (
    admin_url,
    errors_of,
    form_data,
    management,
    partner_post,
    project_post,
)
from tests.factories import make_partner, make_project

pytestmark = pytest.mark.django_db


def test_a_project_added_with_its_partners_is_on_the_record(admin_client):
    response = admin_client.post(admin_url(Project, "add"), project_post(
        **partner_post(0, "University of Eastern Finland", role="lead"),
        **partner_post(1, "Municipality of Timișoara"),
        **management("partners", total=2),
    ))
    assert response.status_code == 302, errors_of(response)
    project = Project.objects.get()
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == ["project.created", "partner.added", "partner.added"]
    assert all(e.project_id == project.pk and e.actor_name == "admin" for e in entries)
    assert entries[0].changes["code"] == [None, project.code]


def test_the_lead_handed_over_and_a_partner_deleted_are_on_the_record(admin_client):
    project = make_project()
    lead = make_partner(project, organisation="First", role="lead")
    other = make_partner(project, organisation="Second")
    gone = make_partner(project, organisation="Third")
    url = admin_url(Project, "change", project.pk)
    data = form_data(admin_client.get(url), "project")
    index = {data[f"partners-{i}-id"]: i for i in range(3)}
    data[f"partners-{index[str(lead.pk)]}-role"] = "partner"
    data[f"partners-{index[str(other.pk)]}-role"] = "lead"
    data[f"partners-{index[str(gone.pk)]}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    entries = {(e.action, e.target_id): e for e in AuditEntry.objects.all()}
    assert set(entries) == {("partner.deleted", str(gone.pk)), ("partner.changed", str(lead.pk)),
                            ("partner.changed", str(other.pk))}
    assert entries[("partner.changed", str(other.pk))].changes == {"role": ["partner", "lead"]}
    assert entries[("partner.deleted", str(gone.pk))].target_label == str(gone)
    assert not Partner.objects.filter(pk=gone.pk).exists()


def test_a_refused_project_form_leaves_no_entry(admin_client):
    response = admin_client.post(admin_url(Project, "add"), project_post(
        **partner_post(0, "First", role="lead"), **partner_post(1, "Second", role="lead"),
        **management("partners", total=2),
    ))
    assert response.status_code == 200
    assert not AuditEntry.objects.exists()
