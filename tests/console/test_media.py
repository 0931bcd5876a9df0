"""/media/ (aula.console.media): a file is public only when what it belongs to is public."""

import pytest
from django.core.files.base import ContentFile

from aula.events.models import Event
from aula.materials.models import Material
from tests.factories import (
    PASSWORD,
    add_role,
    make_block,
    make_event,
    make_item,
    make_person,
    make_project,
    organiser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def document(event, *, published):
    return Material.objects.create(
        event=event, kind=Material.Kind.DOCUMENT, title={"en": "Slides"}, filename="slides.pdf",
        file=ContentFile(b"%PDF-1.4 slides", name="slides.pdf"), published=published,
    )


def photo_of(event=None):
    person = make_person()
    person.photo.save("face.png", ContentFile(b"\x89PNG face"))
    if event is not None:
        add_role(make_item(make_block(event)), person)
    return person


def test_published_document_of_a_published_event_is_public(client):
    material = document(make_event(), published=True)
    response = client.get(material.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"
    assert "public" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # Slides and documents from outside are saved, never opened as a page of ours.
    assert response["Content-Disposition"] == "attachment"
    assert "sandbox" in response["Content-Security-Policy"]


def test_unpublished_document_is_404_for_the_public_and_served_to_the_projects_editor(client):
    event = make_event()
    material = document(event, published=False)
    assert client.get(material.file.url).status_code == 404

    stranger = organiser(project=make_project())
    client.login(username=stranger.username, password=PASSWORD)
    assert client.get(material.file.url).status_code == 404

    editor = organiser(project=event.project)
    client.login(username=editor.username, password=PASSWORD)
    response = client.get(material.file.url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_published_document_of_a_draft_event_is_not_public(client):
    event = make_event(status=Event.Status.DRAFT)
    material = document(event, published=True)
    assert client.get(material.file.url).status_code == 404


def test_speaker_photo_is_public_once_on_a_published_programme(client):
    public = photo_of(make_event())
    response = client.get(public.photo.url)
    assert response.status_code == 200 and "public" in response["Cache-Control"]

    draft_event = make_event(status=Event.Status.DRAFT)
    hidden = photo_of(draft_event)
    assert client.get(hidden.photo.url).status_code == 404
    unlisted = photo_of()
    assert client.get(unlisted.photo.url).status_code == 404

    editor = organiser(project=draft_event.project)
    client.login(username=editor.username, password=PASSWORD)
    assert client.get(hidden.photo.url).status_code == 200
    assert client.get(unlisted.photo.url).status_code == 200

    stranger = organiser(project=make_project())
    client.login(username=stranger.username, password=PASSWORD)
    assert client.get(hidden.photo.url).status_code == 404


def test_any_other_file_and_path_tricks_are_404(client, settings, tmp_path):
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "people").mkdir(exist_ok=True)
    for path in ["/media/secret.txt", "/media/people/../secret.txt", "/media/people/none.png",
                 "/media/materials/1/none.pdf"]:
        assert client.get(path).status_code == 404, path


def test_a_projects_logo_set_is_public(client):
    from tests.factories import give_logo_set

    project = give_logo_set(make_project())
    response = client.get(project.logo_set.url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_logo_set_no_project_has_any_more_is_not_served(client):
    from aula.projects import services
    from tests.factories import give_logo_set

    project = give_logo_set(make_project())
    name = project.logo_set.name
    services.remove_logo_set(project, actor=None)
    assert client.get(f"/media/{name}").status_code == 404


def test_an_event_image_is_public_once_published_and_private_before(client):
    from django.core.files.base import ContentFile

    from aula.console.models import Role

    event = make_event(status=Event.Status.DRAFT)
    event.image.save("upload.png", ContentFile(b"\x89PNG room"))
    url = event.image.url
    assert client.get(url).status_code == 404
    client.force_login(organiser(project=make_project()))  # another project's editor
    assert client.get(url).status_code == 404
    client.force_login(organiser(project=event.project, role=Role.VIEWER))
    private = client.get(url)
    assert private.status_code == 200 and "private" in private["Cache-Control"]
    client.logout()
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    public = client.get(url)
    assert public.status_code == 200 and "public" in public["Cache-Control"]


def test_an_image_in_the_folders_but_of_nothing_is_never_served(client):
    from django.core.files.storage import default_storage

    for name in ("logos/stray.png", "event-images/stray.png"):
        default_storage.save(name, ContentFile(b"\x89PNG"))
        assert client.get(f"/media/{name}").status_code == 404
