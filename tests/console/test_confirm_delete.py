"""Every delete in the console asks first (console/confirm.py): the first POST shows what will
go and deletes nothing; only the confirming POST deletes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aula.attendance import services as attendance_services
from aula.attendance.models import ImportBatch
from aula.audit.models import AuditEntry
from aula.console.models import Membership, Role
from aula.events.models import AgendaBlock, AgendaItem, ItemRole
from aula.feedback import services as feedback_services
from aula.feedback.models import SurveyQuestion
from aula.materials import services as material_services
from aula.materials.models import Material
from aula.registrations.models import Question
from aula.webhooks.models import WebhookEndpoint
from tests.attendance.helpers import sample
from tests.certificates.factories import PDF_BYTES
from tests.factories import add_role, make_block, make_event, make_item, make_person, organiser
from tests.webhooks.factories import make_endpoint

pytestmark = pytest.mark.django_db


def deletes(event, owner):
    """(url, model, pk, words the page names) of each kind of delete."""
    block = make_block(event, title={"en": "Opening plenary"})
    item = make_item(block, title={"en": "Welcome words"})
    role = add_role(make_item(block), make_person(name="Ana Popescu"))
    question = Question.objects.create(event=event, kind=Question.Kind.SHORT_TEXT,
                                       label={"en": "Your city?"})
    material = material_services.add_document(
        event, actor=None, title={"en": "Slides of day one"},
        upload=SimpleUploadedFile("s.pdf", PDF_BYTES))
    survey_question = feedback_services.add_question(event, actor=None,
                                                     text={"en": "Was it useful?"})
    batch = attendance_services.import_report(
        event, "zoom-day-one.csv", sample("zoom-meeting"), actor=None, override_times=True
    )
    colleague = organiser("colleague", event.project, Role.VIEWER)
    endpoint = make_endpoint(event.project, "https://crm.example.org/aula-hook")
    membership = Membership.objects.get(user=colleague)
    e = {"event_id": event.pk}
    return [
        (reverse("console:event_item_delete", kwargs={**e, "item_id": item.pk}),
         AgendaItem, item.pk, "Welcome words"),
        (reverse("console:event_role_delete", kwargs={**e, "item_id": role.item_id,
                                                      "role_id": role.pk}),
         ItemRole, role.pk, "Ana Popescu"),
        (reverse("console:event_block_delete", kwargs={**e, "block_id": block.pk}),
         AgendaBlock, block.pk, "Opening plenary"),
        (reverse("console:event_question_delete", kwargs={**e, "question_id": question.pk}),
         Question, question.pk, "Your city?"),
        (reverse("console:material_delete", kwargs={**e, "material_id": material.pk}),
         Material, material.pk, "Slides of day one"),
        (reverse("console:feedback_question_delete",
                 kwargs={**e, "question_id": survey_question.pk}),
         SurveyQuestion, survey_question.pk, "Was it useful?"),
        (reverse("console:attendance_delete_import", kwargs={**e, "batch_id": batch.pk}),
         ImportBatch, batch.pk, "zoom-day-one.csv"),
        (reverse("console:member_remove", kwargs={"project": event.project.slug,
                                                  "member_id": membership.pk}),
         Membership, membership.pk, "colleague"),
        (reverse("console:webhook_delete", kwargs={"project": event.project.slug,
                                                   "endpoint_id": endpoint.pk}),
         WebhookEndpoint, endpoint.pk, "https://crm.example.org/aula-hook"),
    ]


def test_every_delete_asks_first_and_deletes_only_when_confirmed(client):
    event = make_event(days_ahead=-1)
    owner = organiser("owner", event.project, Role.OWNER)
    client.force_login(owner)
    for url, model, pk, words in deletes(event, owner):
        entries = AuditEntry.objects.count()
        page = client.post(url)
        html = page.content.decode()
        assert page.status_code == 200, url
        assert "Delete?" in html and words in html, url
        assert 'name="confirmed" value="yes"' in html
        assert model.objects.filter(pk=pk).exists(), url
        assert AuditEntry.objects.count() == entries
        response = client.post(url, {"confirmed": "yes"})
        assert response.status_code == 302, url
        assert not model.objects.filter(pk=pk).exists(), url


def test_the_block_page_says_what_goes_with_it(client):
    event = make_event()
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    block = make_block(event)
    make_item(block)
    make_item(block)
    html = client.post(reverse("console:event_block_delete",
                               kwargs={"event_id": event.pk, "block_id": block.pk})).content
    assert "Its 2 items go with it." in html.decode()
