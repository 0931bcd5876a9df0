"""The project's logo set and an event's image (Interreg visibility): uploaded by owners and
editors on the record, checked by content, removed only when confirmed; the organiser is
warned while the project has no logo set."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.events import lifecycle
from aula.events.models import Event
from aula.events.services import clone_event
from tests.console.confirming import CONFIRMED
from tests.factories import give_logo_set, make_event, make_image_upload, make_project, organiser

pytestmark = pytest.mark.django_db
WARNING = "No logo set: Interreg visibility rules require it."


def visibility(project):
    return reverse("console:visibility", kwargs={"project": project.slug})


def image_page(event):
    return reverse("console:event_image", kwargs={"event_id": event.pk})


@pytest.fixture
def project():
    return make_project()


@pytest.mark.parametrize("role", [Role.OWNER, Role.EDITOR])
def test_an_owner_or_editor_uploads_the_logo_set_on_the_record(client, project, role):
    person = organiser(project=project, role=role)
    client.force_login(person)
    response = client.post(visibility(project), {
        "picture": make_image_upload("JPEG", name="Logo set (final).JPG"),
        "alt_en": "Interreg Europe ECoC-SME, co-funded by the EU",
    })
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.logo_set.name.startswith("logos/") and project.logo_set.name.endswith(".jpg")
    assert "final" not in project.logo_set.name
    assert project.logo_set_alt == {"en": "Interreg Europe ECoC-SME, co-funded by the EU"}
    entry = AuditEntry.objects.get(action="project.logo_set_set")
    assert (entry.actor, entry.via, entry.project_id) == (person, "console", project.pk)
    assert entry.changes["logo_set"] == ["", project.logo_set.name]
    assert entry.changes["logo_set_alt"][1] == project.logo_set_alt


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
    SimpleUploadedFile("logo.png", b"<html><script>1</script></html>", "image/png"),
], ids=["svg", "html-named-png"])
def test_a_file_that_is_not_a_raster_picture_is_refused_and_nothing_stored(client, project,
                                                                           upload):
    client.force_login(organiser(project=project, role=Role.OWNER))
    response = client.post(visibility(project), {"picture": upload, "alt_en": "Logo"})
    assert response.status_code == 400
    assert "This is not a PNG, JPEG or WebP image" in response.content.decode()
    project.refresh_from_db()
    assert not project.logo_set and project.logo_set_alt == {}
    assert not AuditEntry.objects.filter(action="project.logo_set_set").exists()


def test_the_description_alone_needs_a_picture_already(client, project):
    client.force_login(organiser(project=project, role=Role.OWNER))
    response = client.post(visibility(project), {"alt_en": "Logo"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="project.logo_set_set").exists()
    give_logo_set(project)
    response = client.post(visibility(project), {"alt_en": "New words"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="project.logo_set_set")
    assert list(entry.changes) == ["logo_set_alt"]


def test_a_viewer_sees_the_page_but_cannot_upload(client, project):
    client.force_login(organiser(project=project, role=Role.VIEWER))
    assert client.get(visibility(project)).status_code == 200
    response = client.post(visibility(project), {"picture": make_image_upload()})
    assert response.status_code == 403
    project.refresh_from_db()
    assert not project.logo_set


def test_removing_the_logo_set_asks_first_and_keeps_the_file_for_certificates(client, project):
    give_logo_set(project)
    name = project.logo_set.name
    client.force_login(organiser(project=project, role=Role.EDITOR))
    remove = reverse("console:visibility_logo_remove", kwargs={"project": project.slug})
    asked = client.post(remove)
    assert asked.status_code == 200 and "logo set" in asked.content.decode()
    project.refresh_from_db()
    assert project.logo_set.name == name
    assert client.post(remove, CONFIRMED).status_code == 302
    project.refresh_from_db()
    assert not project.logo_set
    assert project.logo_set.storage.exists(name)
    entry = AuditEntry.objects.get(action="project.logo_set_removed")
    assert entry.changes["logo_set"] == [name, ""]


def test_the_organiser_is_warned_without_a_logo_set(client, project):
    event = make_event(project)
    client.force_login(organiser(project=project, role=Role.EDITOR))
    for url in (reverse("console:project", kwargs={"project": project.slug}),
                reverse("console:event", kwargs={"event_id": event.pk}), visibility(project)):
        assert WARNING in client.get(url).content.decode(), url
    assert WARNING in lifecycle.publish_warnings(event)
    give_logo_set(project)
    event.project.refresh_from_db()
    assert WARNING not in lifecycle.publish_warnings(event)
    assert WARNING not in client.get(
        reverse("console:event", kwargs={"event_id": event.pk})).content.decode()


def test_the_project_page_links_to_the_visibility_page(client, project):
    client.force_login(organiser(project=project, role=Role.VIEWER))
    page = client.get(reverse("console:project", kwargs={"project": project.slug}))
    assert visibility(project) in page.content.decode()


def test_an_editor_sets_and_replaces_the_events_image(client, project,
                                                      django_capture_on_commit_callbacks):
    event = make_event(project)
    editor = organiser(project=project, role=Role.EDITOR)
    client.force_login(editor)
    hub = client.get(reverse("console:event", kwargs={"event_id": event.pk}))
    assert image_page(event) in hub.content.decode()
    response = client.post(image_page(event), {
        "picture": make_image_upload("WEBP"), "alt_en": "Participants in Kaunas",
    })
    assert response.status_code == 302
    event.refresh_from_db()
    first = event.image.name
    assert first.startswith("event-images/") and first.endswith(".webp")
    entry = AuditEntry.objects.get(action="event.image_set")
    assert (entry.actor, entry.event_id) == (editor, event.pk)
    assert entry.changes["image"] == ["", first]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(image_page(event), {"picture": make_image_upload("PNG"), "alt_en": "Again"})
    event.refresh_from_db()
    assert event.image.name != first and event.image.name.endswith(".png")
    assert not event.image.storage.exists(first)  # the replaced file goes


def test_a_refused_event_image_stores_nothing(client, project):
    event = make_event(project)
    client.force_login(organiser(project=project, role=Role.EDITOR))
    response = client.post(image_page(event), {
        "picture": SimpleUploadedFile("x.jpg", b"GIF89a not a jpeg", "image/jpeg"),
    })
    assert response.status_code == 400
    event.refresh_from_db()
    assert not event.image
    assert not AuditEntry.objects.filter(action="event.image_set").exists()


def test_removing_the_events_image_asks_first(client, project,
                                              django_capture_on_commit_callbacks):
    event = make_event(project)
    client.force_login(organiser(project=project, role=Role.EDITOR))
    client.post(image_page(event), {"picture": make_image_upload(), "alt_en": "A room"})
    event.refresh_from_db()
    name = event.image.name
    remove = reverse("console:event_image_remove", kwargs={"event_id": event.pk})
    assert client.post(remove).status_code == 200
    assert Event.objects.get(pk=event.pk).image.name == name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove, CONFIRMED).status_code == 302
    event.refresh_from_db()
    assert not event.image and event.image_alt == {}
    assert not event.image.storage.exists(name)
    assert AuditEntry.objects.filter(action="event.image_removed", event_id=event.pk).exists()


def test_a_copied_event_does_not_share_the_image_file(client, project):
    event = make_event(project)
    client.force_login(organiser(project=project, role=Role.EDITOR))
    client.post(image_page(event), {"picture": make_image_upload(), "alt_en": "A room"})
    event.refresh_from_db()
    copy = clone_event(event, actor=None, starts_on=event.starts_at.date().replace(
        year=event.starts_at.year + 1))
    assert not copy.image and copy.image_alt == {}
    assert Event.objects.get(pk=event.pk).image  # the source keeps its own


def test_removing_what_is_not_there_is_refused_and_leaves_no_entry(project):
    from aula.core.errors import ActionRefused
    from aula.events import services as events
    from aula.projects import services as projects

    with pytest.raises(ActionRefused):
        projects.remove_logo_set(project, actor=None)
    with pytest.raises(ActionRefused):
        events.remove_image(make_event(project), actor=None)
    assert not AuditEntry.objects.filter(
        action__in=["project.logo_set_removed", "event.image_removed"]).exists()
