"""The console's announcement kit: pages, downloads and who may do what."""

import io

import pytest
from django.urls import reverse
from docx import Document

from aula.announcements.models import Announcement
from aula.audit.models import AuditEntry
from aula.console.models import Role
from aula.demo import seminar
from aula.demo.loader import DateMode, load_demo
from aula.projects.models import Partner
from tests.factories import make_project, organiser

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def event():
    return load_demo(DateMode.ORIGINAL).event


def read_urls(event):
    e = event.pk
    return [
        reverse("console:announcements", kwargs={"event_id": e}),
        reverse("console:announcement", kwargs={"event_id": e, "kind": "press_release",
                                                "lang": "ro"}),
        *[
            reverse("console:announcement_download", kwargs={
                "event_id": e, "kind": "invitation", "lang": "lt", "fmt": fmt})
            for fmt in ("md", "html", "docx")
        ],
        *[
            reverse("console:announcement_qr", kwargs={"event_id": e, "lang": "hr", "fmt": fmt})
            for fmt in ("png", "svg")
        ],
    ]


def write_urls(event):
    kwargs = {"event_id": event.pk, "kind": "social", "lang": "it"}
    return [reverse("console:announcement", kwargs=kwargs),
            reverse("console:announcement_reset", kwargs=kwargs)]


def test_anonymous_visitors_are_sent_to_log_in(client, event):
    for url in read_urls(event):
        response = client.get(url)
        assert response.status_code == 302 and "/console/login/" in response["Location"], url
    for url in write_urls(event):
        response = client.post(url, {"body": "x"})
        assert response.status_code == 302 and "/console/login/" in response["Location"], url


def test_another_projects_member_finds_nothing(client, event):
    client.force_login(organiser("other", make_project(), Role.OWNER))
    for url in read_urls(event):
        assert client.get(url).status_code == 404, url
    for url in write_urls(event):
        assert client.post(url, {"body": "x"}).status_code == 404, url
    assert not Announcement.objects.exists()


def test_a_viewer_reads_and_downloads_but_cannot_write(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    for url in read_urls(event):
        assert client.get(url).status_code == 200, url
    for url in write_urls(event):
        assert client.post(url, {"body": "x"}).status_code == 403, url
    assert not Announcement.objects.exists()
    page = client.get(write_urls(event)[0]).content.decode()
    assert "<textarea" not in page and "Seminario online" in page


def test_unknown_kind_language_or_format_is_not_found(client, event):
    client.force_login(organiser("ed", event.project, Role.EDITOR))
    e = event.pk
    for url in (
        reverse("console:announcement", kwargs={"event_id": e, "kind": "poster", "lang": "ro"}),
        reverse("console:announcement", kwargs={"event_id": e, "kind": "social", "lang": "fr"}),
        reverse("console:announcement_download",
                kwargs={"event_id": e, "kind": "social", "lang": "ro", "fmt": "pdf"}),
        reverse("console:announcement_qr", kwargs={"event_id": e, "lang": "ro", "fmt": "gif"}),
    ):
        assert client.get(url).status_code == 404, url


def test_the_hub_and_the_kit_list_three_kinds_in_six_languages(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    hub = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert "Announcement kit" in hub
    assert reverse("console:announcements", kwargs={"event_id": event.pk}) in hub
    page = client.get(reverse("console:announcements", kwargs={"event_id": event.pk}))
    html = page.content.decode()
    for kind in ("press_release", "invitation", "social"):
        for lang in ("en", "ro", "lt", "nl", "it", "hr"):
            url = reverse("console:announcement",
                          kwargs={"event_id": event.pk, "kind": kind, "lang": lang})
            assert url in html, url


def test_an_editor_edits_previews_and_resets(client, event):
    editor = organiser("ed", event.project, Role.EDITOR)
    client.force_login(editor)
    url = reverse("console:announcement",
                  kwargs={"event_id": event.pk, "kind": "press_release", "lang": "ro"})
    page = client.get(url).content.decode()
    assert "vă invită să participați" in page and "<textarea" in page
    assert "<h2>Comunicat de presă</h2>" in page  # the preview
    body = "## Titlu <b>bold</b>\n\nText **important** [aici](https://example.org/r)\n"
    response = client.post(url, {"body": body})
    assert response.status_code == 302
    saved = Announcement.objects.get(event=event, kind="press_release", language="ro")
    assert saved.body == body and saved.edited_by == editor
    page = client.get(url).content.decode()
    assert "<h2>Titlu &lt;b&gt;bold&lt;/b&gt;</h2>" in page
    assert "<strong>important</strong>" in page
    assert '<a href="https://example.org/r" rel="noopener noreferrer">aici</a>' in page
    download = client.get(reverse("console:announcement_download", kwargs={
        "event_id": event.pk, "kind": "press_release", "lang": "ro", "fmt": "html"}))
    assert b"&lt;b&gt;bold" in download.content and b"<b>" not in download.content
    vmu = Partner.objects.get(project=event.project, organisation=seminar.VMU)
    reset = reverse("console:announcement_reset",
                    kwargs={"event_id": event.pk, "kind": "press_release", "lang": "ro"})
    assert client.post(reset, {"issuer": vmu.pk}).status_code == 302
    saved = Announcement.objects.get(event=event, kind="press_release", language="ro")
    assert saved.body.split("\n")[2].startswith(f"{seminar.VMU}, în calitate de partener")
    assert saved.edited_by is None
    # Another project's partner cannot be chosen: the default issuer is used instead.
    stranger = Partner.objects.create(project=make_project(), organisation="X", city="Y",
                                      country="FR")
    client.post(reset, {"issuer": stranger.pk})
    saved = Announcement.objects.get(event=event, kind="press_release", language="ro")
    timisoara = Partner.objects.get(project=event.project, organisation=seminar.TIMISOARA)
    assert saved.body.split("\n")[2].startswith(f"{timisoara.name_in('ro')}, în calitate")


def test_downloads_have_names_and_types(client, event):
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    response = client.get(reverse("console:announcement_download", kwargs={
        "event_id": event.pk, "kind": "press_release", "lang": "ro", "fmt": "docx"}))
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="ecoc-sme-resilience-seminar-press-release-ro.docx"'
    )
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "http://testserver/ro/p/ecoc-sme/resilience-seminar/register/" in text
    assert len(document.inline_shapes) == 2  # the demo's logo set and the QR code
    md = client.get(reverse("console:announcement_download", kwargs={
        "event_id": event.pk, "kind": "social", "lang": "nl", "fmt": "md"}))
    assert md["Content-Type"].startswith("text/markdown")
    assert "social-nl.md" in md["Content-Disposition"]
    png = client.get(reverse("console:announcement_qr",
                             kwargs={"event_id": event.pk, "lang": "ro", "fmt": "png"}))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("console:announcement_qr",
                             kwargs={"event_id": event.pk, "lang": "ro", "fmt": "svg"}))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_the_console_puts_edits_and_downloads_on_the_record(client, event):
    editor = organiser("ed", event.project, Role.EDITOR)
    client.force_login(editor)
    kwargs = {"event_id": event.pk, "kind": "invitation", "lang": "en"}
    client.post(reverse("console:announcement", kwargs=kwargs), {"body": "# Hello\n"})
    client.post(reverse("console:announcement_reset", kwargs=kwargs))
    client.get(reverse("console:announcement_download", kwargs={**kwargs, "fmt": "md"}))
    client.get(reverse("console:announcement_qr",
                       kwargs={"event_id": event.pk, "lang": "en", "fmt": "svg"}))
    # Refused or unknown: nothing recorded.
    client.get(reverse("console:announcement_download", kwargs={**kwargs, "fmt": "exe"}))
    client.force_login(organiser("vi", event.project, Role.VIEWER))
    client.post(reverse("console:announcement", kwargs=kwargs), {"body": "# Mine\n"})
    entries = list(AuditEntry.objects.filter(event_id=event.pk).order_by("id"))
    assert [e.action for e in entries] == [
        "announcement.saved", "announcement.reset", "announcement.downloaded",
        "announcement.downloaded",
    ]
    assert {e.actor_id for e in entries} == {editor.pk}
    assert entries[2].data == {"kind": "invitation", "language": "en", "format": "md"}
    assert entries[3].data == {"kind": "qr", "language": "en", "format": "svg"}


def test_the_press_release_opens_with_the_logo_set_in_word_and_html(client, event):
    from tests.factories import give_logo_set

    give_logo_set(event.project, kind="WEBP")  # Word takes no WebP: converted to PNG
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    kwargs = {"event_id": event.pk, "kind": "press_release", "lang": "en"}
    docx = client.get(reverse("console:announcement_download", kwargs={**kwargs, "fmt": "docx"}))
    document = Document(io.BytesIO(docx.content))
    assert len(document.inline_shapes) == 2  # the logo set, then the QR code at the end
    first = document.paragraphs[0]._p.xml
    assert "pic:pic" in first  # the first paragraph is the logo set's picture
    html = client.get(reverse("console:announcement_download", kwargs={**kwargs, "fmt": "html"}))
    body = html.content.decode().split("<body>", 1)[1]
    assert body.lstrip().startswith('<p><img src="data:image/webp;base64,')


def test_without_a_logo_set_the_press_release_is_as_before(client, event):
    from aula.projects.models import Project

    Project.objects.filter(pk=event.project_id).update(logo_set="", logo_set_alt={})
    client.force_login(organiser("viewer", event.project, Role.VIEWER))
    kwargs = {"event_id": event.pk, "kind": "press_release", "lang": "en"}
    docx = client.get(reverse("console:announcement_download", kwargs={**kwargs, "fmt": "docx"}))
    assert len(Document(io.BytesIO(docx.content)).inline_shapes) == 1  # the QR code only
    html = client.get(reverse("console:announcement_download", kwargs={**kwargs, "fmt": "html"}))
    assert "<img" not in html.content.decode()
