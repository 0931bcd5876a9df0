"""Materials: uploads (PDF, slides, documents, pictures) checked by content and size, links,
and the public listing."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aula.console.models import Role
from aula.events.models import Event
from aula.materials import services
from aula.materials.models import Material
from tests.certificates.factories import PDF_BYTES
from tests.console.confirming import CONFIRMED
from tests.factories import make_event, organiser

pytestmark = pytest.mark.django_db


def pdf(name="Final report (v2).PDF", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def event_url(event):
    return reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})


def test_safe_filename():
    assert services.safe_filename("Raport final (v2).PDF") == "raport-final-v2.pdf"
    assert services.safe_filename("../../etc/passwd") == "passwd.pdf"
    assert services.safe_filename("C:\\Users\\x\\Ședință.pdf") == "sedinta.pdf"
    assert services.safe_filename("<script>.pdf") == "script.pdf"
    assert services.safe_filename("....pdf") == "document.pdf"


def test_a_pdf_is_stored_under_a_random_name():
    event = make_event()
    material = services.add_document(event, actor=None, title={"en": "Slides"}, upload=pdf())
    assert material.filename == "final-report-v2.pdf"
    assert material.size == len(PDF_BYTES)
    assert material.file.name.startswith(f"materials/{event.pk}/")
    assert "final" not in material.file.name
    assert material.file.read() == PDF_BYTES


@pytest.mark.parametrize("content", [b"<html><script>alert(1)</script>", b"", b"PK\x03\x04zip",
                                     b" %PDF-1.4"])
def test_only_files_of_an_accepted_kind_are_accepted(content):
    event = make_event()
    with pytest.raises(ValidationError) as error:
        services.add_document(event, actor=None,
                              title={"en": "Slides"}, upload=pdf("slides.pdf", content))
    assert error.value.code == "not_accepted"
    assert not Material.objects.exists()


def test_size_limit_comes_from_the_setting(settings):
    settings.AULA_MATERIAL_MAX_BYTES = 10
    event = make_event()
    with pytest.raises(ValidationError) as error:
        services.add_document(event, actor=None, title={"en": "Slides"}, upload=pdf())
    assert error.value.code == "too_large"


def test_a_document_needs_a_title():
    with pytest.raises(ValidationError):
        services.add_document(make_event(), actor=None, title={}, upload=pdf())


def test_links_must_be_web_addresses():
    event = make_event()
    with pytest.raises(ValidationError):
        services.add_link(event, actor=None, title={"en": "Recording"}, url="javascript:alert(1)")
    link = services.add_link(event, actor=None,
                             title={"en": "Recording"}, url="https://video.example/x")
    assert link.kind == Material.Kind.LINK


def test_public_page_lists_published_materials_in_order(client):
    event = make_event()
    services.add_document(event, actor=None,
                          title={"en": "Second <b>doc</b>"}, upload=pdf(), order=2,
                          published=True)
    services.add_link(event, actor=None, title={"en": "First: the recording"},
                      url="https://video.example/rec", order=1, published=True)
    services.add_link(event, actor=None,
                      title={"en": "Draft notes"}, url="https://video.example/draft")
    page = client.get(event_url(event)).content.decode()
    assert "Materials" in page
    assert "First: the recording" in page and "https://video.example/rec" in page
    assert page.index("First: the recording") < page.index("Second &lt;b&gt;doc&lt;/b&gt;")
    assert "<b>doc</b>" not in page
    assert "Draft notes" not in page


def test_page_without_materials_has_no_section(client):
    event = make_event()
    assert 'id="materials-heading"' not in client.get(event_url(event)).content.decode()


def test_materials_cost_the_public_page_one_query(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = make_event()
    client.get(event_url(event))
    with CaptureQueriesContext(connection) as before:
        client.get(event_url(event))
    for n in range(5):
        services.add_link(event, actor=None,
                          title={"en": f"Link {n}"}, url=f"https://v.example/{n}",
                          published=True)
        services.add_document(event, actor=None,
                              title={"en": f"Doc {n}"}, upload=pdf(), published=True)
    with CaptureQueriesContext(connection) as after:
        client.get(event_url(event))
    assert len(after) == len(before)
    assert sum("materials_material" in q["sql"] for q in after.captured_queries) == 1


def test_published_document_is_downloadable(client):
    event = make_event()
    material = services.add_document(event, actor=None, title={"en": "Slides"}, upload=pdf(),
                                     published=True)
    url = reverse("materials:download", kwargs={
        "project": event.project.slug, "event": event.slug, "material_id": material.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="final-report-v2.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_unpublished_or_draft_documents_are_not_public(client):
    event = make_event()
    hidden = services.add_document(event, actor=None, title={"en": "Slides"}, upload=pdf())
    draft_event = make_event(status=Event.Status.DRAFT)
    draft = services.add_document(draft_event, actor=None, title={"en": "Slides"}, upload=pdf(),
                                  published=True)
    for ev, material in ((event, hidden), (draft_event, draft)):
        url = reverse("materials:download", kwargs={
            "project": ev.project.slug, "event": ev.slug, "material_id": material.pk})
        assert client.get(url).status_code == 404
    # Another event's address does not reach the document either.
    other = make_event()
    published = services.add_document(event, actor=None,
                                      title={"en": "Open"}, upload=pdf(), published=True)
    url = reverse("materials:download", kwargs={
        "project": other.project.slug, "event": other.slug, "material_id": published.pk})
    assert client.get(url).status_code == 404


def test_editor_uploads_and_publishes_through_the_console(client):
    event = make_event()
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    url = reverse("console:material_add_document", kwargs={"event_id": event.pk})
    response = client.post(url, {
        "document-title_en": "Slides", "document-order": "3", "document-published": "on",
        "document-file": pdf("Slides 1.pdf"),
    })
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.order, material.published, material.filename) == (3, True, "slides-1.pdf")

    response = client.post(url, {
        "document-title_en": "Fake", "document-order": "0",
        "document-file": pdf("fake.pdf", b"<html></html>"),
    })
    assert response.status_code == 400
    assert "This kind of file is not accepted." in response.content.decode()

    edit = reverse("console:material_edit", kwargs={"event_id": event.pk,
                                                    "material_id": material.pk})
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"title_en": "Slides, final", "order": "1"})
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.title["en"] == "Slides, final" and not material.published

    link_url = reverse("console:material_add_link", kwargs={"event_id": event.pk})
    response = client.post(link_url, {"link-title_en": "Recording", "link-order": "0",
                                      "link-url": "https://video.example/r"})
    assert response.status_code == 302
    assert Material.objects.filter(kind="link").count() == 1

    listing = client.get(reverse("console:materials", kwargs={"event_id": event.pk}))
    assert listing.status_code == 200 and "Slides, final" in listing.content.decode()

    file_url = reverse("console:material_file", kwargs={"event_id": event.pk,
                                                        "material_id": material.pk})
    assert client.get(file_url)["Content-Type"] == "application/pdf"

    delete = reverse("console:material_delete", kwargs={"event_id": event.pk,
                                                        "material_id": material.pk})
    assert "Delete?" in client.post(delete).content.decode()
    assert client.post(delete, CONFIRMED).status_code == 302
    assert not Material.objects.filter(pk=material.pk).exists()


def test_every_change_of_materials_is_recorded():
    from aula.audit.models import AuditEntry

    event = make_event()
    ed = organiser(project=event.project, role=Role.EDITOR)
    document = services.add_document(event, actor=ed, title={"en": "Slides"}, upload=pdf())
    link = services.add_link(event, actor=ed, title={"en": "Recording"},
                             url="https://video.example/x")
    services.update(link, actor=ed, title={"en": "Recording"}, order=3, published=True,
                    url="https://video.example/y")
    document_id = document.pk
    services.delete(document, actor=ed)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [services.ADDED, services.ADDED, services.CHANGED,
                                           services.DELETED]
    assert all(e.actor == ed and e.event_id == event.pk for e in entries)
    assert entries[0].data["filename"] == "final-report-v2.pdf"
    assert entries[2].changes == {"order": [0, 3], "published": [False, True],
                                  "url": ["https://video.example/x", "https://video.example/y"]}
    assert entries[3].target_id == str(document_id)


def test_a_refused_material_leaves_no_entry():
    from aula.audit.models import AuditEntry

    with pytest.raises(ValidationError):
        services.add_link(make_event(), actor=None, title={"en": "X"}, url="javascript:alert(1)")
    assert not AuditEntry.objects.exists()


def zipped(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "blue").save(buffer, "PNG")
    return buffer.getvalue()


OOXML = {"[Content_Types].xml": "<Types/>"}
KINDS = [
    ("Slides.pptx", zipped({**OOXML, "ppt/presentation.xml": "<p/>"}), "pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("Paper.docx", zipped({**OOXML, "word/document.xml": "<d/>"}), "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("Slides.odp", zipped({"mimetype": "application/vnd.oasis.opendocument.presentation",
                          "content.xml": "<c/>"}), "odp",
     "application/vnd.oasis.opendocument.presentation"),
    ("Notes.odt", zipped({"mimetype": "application/vnd.oasis.opendocument.text"}), "odt",
     "application/vnd.oasis.opendocument.text"),
    ("Photo.PNG", png_bytes(), "png", "image/png"),
    ("photo.jpeg", b"\xff\xd8\xff\xe0" + bytes(20), "jpg", "image/jpeg"),
    ("pic.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(8), "webp", "image/webp"),
    # The name lies: a PDF called .pptx is stored and downloaded as the PDF it is.
    ("slides.pptx", PDF_BYTES, "pdf", "application/pdf"),
]


@pytest.mark.parametrize("name, content, extension, content_type", KINDS)
def test_slides_documents_and_pictures_are_told_by_their_content(
    client, name, content, extension, content_type
):
    event = make_event()
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    material = services.add_document(event, actor=None, title={"en": "Talk"}, upload=upload,
                                     published=True)
    assert material.filename.endswith(f".{extension}")
    assert material.file.name.endswith(f".{extension}")
    url = reverse("materials:download", kwargs={
        "project": event.project.slug, "event": event.slug, "material_id": material.pk})
    response = client.get(url)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("content", [
    zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}),  # a spreadsheet
    zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
    zipped({"index.html": "<script>alert(1)</script>"}),
    b"GIF89a" + bytes(20),
    b"<svg onload=alert(1)>",
])
def test_other_archives_and_kinds_are_refused(content):
    with pytest.raises(ValidationError) as error:
        services.add_document(make_event(), actor=None, title={"en": "X"},
                              upload=SimpleUploadedFile("x.pptx", content))
    assert error.value.code == "not_accepted"
    assert not Material.objects.exists()


def test_the_console_form_offers_the_accepted_kinds(client):
    event = make_event()
    client.force_login(organiser(project=event.project, role=Role.EDITOR))
    page = client.get(reverse("console:materials", kwargs={"event_id": event.pk}))
    text = page.content.decode()
    assert ".pptx" in text and ".odp" in text and ".docx" in text
    assert "PowerPoint (PPTX)" in text
