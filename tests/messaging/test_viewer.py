import pytest
from django.urls import reverse

from aula.messaging.models import OutboxMessage
from aula.messaging.services import Attachment
from tests.messaging.helpers import queue_many

pytestmark = pytest.mark.django_db

HOSTILE_HTML = '<p onclick="x()">Hi</p><script>alert("x")</script>"><img src=x onerror=alert(1)>'


@pytest.fixture
def viewer(settings):
    settings.AULA_MAIL_VIEWER = True


def test_viewer_is_404_when_mail_is_really_sent(client, settings):
    settings.AULA_MAIL_VIEWER = False
    (message,) = queue_many(1, attachments=[Attachment("a.txt", b"a", "text/plain")])
    attachment = message.attachments.get()
    for url in [
        reverse("messaging:list"),
        reverse("messaging:detail", args=[message.pk]),
        reverse("messaging:attachment", args=[message.pk, attachment.pk]),
    ]:
        assert client.get(url).status_code == 404


def test_no_email_url_without_the_viewer_flag_shows_no_reset_link(client, settings, tmp_path):
    """The account takeover of issue 12: no AULA_EMAIL_URL, an anonymous password reset for an
    organiser, then /mail/?to=... must not show the link. Mail goes to files on the server."""
    from aula import config
    from aula.messaging import services
    from tests.factories import organiser

    del settings.AULA_MAIL_VIEWER  # what settings.py gives without AULA_MAIL_VIEWER=true
    settings.EMAIL_BACKEND = config.email("")["EMAIL_BACKEND"]
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    user = organiser(email="boss@example.org")
    response = client.post(reverse("console:password_reset"), {"email": user.email})
    assert response.status_code == 302
    services.deliver_due()
    assert client.get(reverse("messaging:list"), {"to": user.email}).status_code == 404
    message = OutboxMessage.objects.get(recipient=user.email)
    assert client.get(reverse("messaging:detail", args=[message.pk])).status_code == 404
    assert message.status == OutboxMessage.Status.SENT
    written = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert "boss@example.org" in written  # on the server's disk only


def test_personal_pages_do_not_link_to_the_viewer_unless_asked_for(client, settings):
    from tests.factories import make_event

    event = make_event()
    del settings.AULA_MAIL_VIEWER
    page = f"/en/p/{event.project.slug}/{event.slug}/"
    assert b"/mail/" not in client.get(page).content
    settings.AULA_MAIL_VIEWER = True
    assert client.get(reverse("messaging:list")).status_code == 200


def test_list_is_newest_first_filtered_and_paged_with_bounded_queries(
    viewer, client, django_assert_num_queries
):
    queue_many(3, prefix="few", attachments=[Attachment("a.txt", b"a", "text/plain")])
    url = reverse("messaging:list")
    response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(2) as few:  # count + page
        client.get(url)

    queue_many(60, prefix="many", attachments=[Attachment("a.txt", b"a", "text/plain")])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    page = response.context["page"]
    assert page.paginator.count == 63 and len(page.object_list) == 50
    first = page.object_list[0]
    assert first.recipient == "many59@example.org"  # newest first
    assert first.attachment_count == 1
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 13

    filtered = client.get(url, {"to": "  FEW1@example.org "})
    assert [m.recipient for m in filtered.context["page"].object_list] == ["few1@example.org"]
    assert b"few1@example.org" in filtered.content and b"few2@example.org" not in filtered.content


def test_detail_shows_the_message_and_its_html_in_a_sandboxed_iframe(viewer, client):
    (message,) = queue_many(
        1, subject="Your seat", text="Hello\nManage: http://testserver/r/abc/",
        html=HOSTILE_HTML, attachments=[Attachment("seminar.ics", b"BEGIN", "text/calendar")],
    )
    response = client.get(reverse("messaging:detail", args=[message.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your seat" in html and "person0@example.org" in html
    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in html
    assert str(OutboxMessage.Status.QUEUED.label) in html
    assert 'href="http://testserver/r/abc/"' in html  # text body with its links
    assert "seminar.ics" in html
    # The HTML only inside the sandboxed frame, escaped into its srcdoc attribute.
    assert '<iframe class="mail-html"' in html and 'sandbox=""' in html
    assert "<script>alert" not in html and "onerror=alert(1)>" not in html
    assert 'srcdoc="&lt;p onclick=&quot;x()&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;' in html


def test_detail_without_html_has_no_iframe_and_unknown_message_is_404(viewer, client):
    (message,) = queue_many(1)
    assert b"<iframe" not in client.get(reverse("messaging:detail", args=[message.pk])).content
    assert client.get(reverse("messaging:detail", args=[message.pk + 1])).status_code == 404


def test_attachment_download(viewer, client):
    content = bytes(range(256))
    first, other = queue_many(2, attachments=[Attachment("prog ramme.pdf", content,
                                                         "application/pdf")])
    attachment = first.attachments.get()
    response = client.get(reverse("messaging:attachment", args=[first.pk, attachment.pk]))
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "prog ramme.pdf" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    # An attachment is reachable only through its own message.
    wrong = client.get(reverse("messaging:attachment", args=[other.pk, attachment.pk]))
    assert wrong.status_code == 404


def test_viewer_answers_only_get(viewer, client):
    assert client.post(reverse("messaging:list")).status_code == 405
